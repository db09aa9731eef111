/// ITU-T G.711 µ-law and A-law, as the segment algorithms of the reference
/// implementation (Sun's g711.c, 16-bit linear). Decoding and µ↔A transcoding
/// go through 256-entry tables built once, so the relay's per-packet work is
/// one load per byte and nothing is allocated.
public enum G711 {
    // µ-law adds this bias so every segment boundary is a power of two.
    private static let ulawBias: Int32 = 0x84
    // Largest magnitude that still fits once biased (32635 + 132 = 32767).
    private static let ulawClip: Int32 = 32635

    static let ulawDecodeTable: [Int16] = (0...255).map { ulawToLinearSlow(UInt8($0)) }
    static let alawDecodeTable: [Int16] = (0...255).map { alawToLinearSlow(UInt8($0)) }
    static let ulawToAlawTable: [UInt8] = (0...255).map { linearToAlaw(ulawToLinearSlow(UInt8($0))) }
    static let alawToUlawTable: [UInt8] = (0...255).map { linearToUlaw(alawToLinearSlow(UInt8($0))) }

    // MARK: Scalars

    public static func ulawToLinear(_ byte: UInt8) -> Int16 {
        ulawDecodeTable.withUnsafeBufferPointer { $0[Int(byte)] }
    }

    public static func alawToLinear(_ byte: UInt8) -> Int16 {
        alawDecodeTable.withUnsafeBufferPointer { $0[Int(byte)] }
    }

    public static func linearToUlaw(_ sample: Int16) -> UInt8 {
        var magnitude = Int32(sample)
        let sign: UInt8 = magnitude < 0 ? 0x80 : 0
        if magnitude < 0 { magnitude = -magnitude }
        magnitude = min(magnitude, ulawClip) + ulawBias
        // The segment is the top bit's position above bit 7 (magnitude >> 7 is 1…255).
        let exponent = Int32(31 - UInt32(magnitude >> 7).leadingZeroBitCount)
        let mantissa = (magnitude >> (exponent + 3)) & 0x0F
        return ~(sign | UInt8(exponent << 4) | UInt8(mantissa))
    }

    public static func linearToAlaw(_ sample: Int16) -> UInt8 {
        // A-law quantizes 13-bit magnitudes; -x - 1 keeps negatives symmetric with positives.
        var value = Int32(sample) >> 3
        let mask: UInt8
        if value >= 0 {
            mask = 0xD5
        } else {
            mask = 0x55
            value = -value - 1
        }
        // Segment ends are 0x1F, 0x3F, 0x7F … 0xFFF: segment = bit length - 5, floor 0.
        // A 16-bit sample gives at most 4095 here, so the segment never passes 7.
        let segment = max(32 - UInt32(value).leadingZeroBitCount - 5, 0)
        let shift = segment < 2 ? 1 : segment
        let aval = UInt8(segment << 4) | UInt8((value >> Int32(shift)) & 0x0F)
        return aval ^ mask
    }

    // MARK: Buffers

    /// Decodes `min(src.count, dst.count)` bytes; returns the samples written.
    public static func decodeUlaw(_ src: UnsafeRawBufferPointer, into dst: UnsafeMutableBufferPointer<Int16>) -> Int {
        decode(src, into: dst, table: ulawDecodeTable)
    }

    /// Decodes `min(src.count, dst.count)` bytes; returns the samples written.
    public static func decodeAlaw(_ src: UnsafeRawBufferPointer, into dst: UnsafeMutableBufferPointer<Int16>) -> Int {
        decode(src, into: dst, table: alawDecodeTable)
    }

    /// Encodes `min(src.count, dst.count)` samples; returns the bytes written.
    public static func encodeUlaw(_ src: UnsafeBufferPointer<Int16>, into dst: UnsafeMutableRawBufferPointer) -> Int {
        let count = min(src.count, dst.count)
        for i in 0..<count { dst[i] = linearToUlaw(src[i]) }
        return count
    }

    /// Encodes `min(src.count, dst.count)` samples; returns the bytes written.
    public static func encodeAlaw(_ src: UnsafeBufferPointer<Int16>, into dst: UnsafeMutableRawBufferPointer) -> Int {
        let count = min(src.count, dst.count)
        for i in 0..<count { dst[i] = linearToAlaw(src[i]) }
        return count
    }

    /// Rewrites a µ-law payload as A-law in place (PCMU leg bridged to a PCMA leg).
    public static func transcodeUlawToAlaw(_ bytes: UnsafeMutableRawBufferPointer) {
        map(bytes, table: ulawToAlawTable)
    }

    /// Rewrites an A-law payload as µ-law in place.
    public static func transcodeAlawToUlaw(_ bytes: UnsafeMutableRawBufferPointer) {
        map(bytes, table: alawToUlawTable)
    }

    // MARK: Private

    private static func decode(_ src: UnsafeRawBufferPointer, into dst: UnsafeMutableBufferPointer<Int16>, table: [Int16]) -> Int {
        let count = min(src.count, dst.count)
        table.withUnsafeBufferPointer { table in
            for i in 0..<count { dst[i] = table[Int(src[i])] }
        }
        return count
    }

    private static func map(_ bytes: UnsafeMutableRawBufferPointer, table: [UInt8]) {
        table.withUnsafeBufferPointer { table in
            for i in 0..<bytes.count { bytes[i] = table[Int(bytes[i])] }
        }
    }

    private static func ulawToLinearSlow(_ byte: UInt8) -> Int16 {
        // Codes are stored inverted so that silence is 0xFF (good for line density).
        let code = ~byte
        let exponent = Int32((code >> 4) & 0x07)
        let mantissa = Int32(code & 0x0F)
        let magnitude = (((mantissa << 3) + ulawBias) << exponent) - ulawBias
        return Int16(code & 0x80 != 0 ? -magnitude : magnitude)
    }

    private static func alawToLinearSlow(_ byte: UInt8) -> Int16 {
        // Even bits are inverted on the wire (0x55) for line density.
        let code = byte ^ 0x55
        let segment = Int32((code & 0x70) >> 4)
        var magnitude = Int32(code & 0x0F) << 4
        switch segment {
        case 0: magnitude += 8
        case 1: magnitude += 0x108
        default: magnitude = (magnitude + 0x108) << (segment - 1)
        }
        return Int16(code & 0x80 != 0 ? magnitude : -magnitude)
    }
}
