/// Canonical PCM WAV: a 44-byte header (`RIFF`, `WAVE`, a 16-byte `fmt `,
/// `data`) followed by little-endian frames. Recordings are written in this
/// layout and their sizes patched at close, so a crash leaves stale sizes
/// that `repair(fileAt:)` fixes.
public enum WAV {
    public static let headerSize = 44

    public enum RepairResult: Hashable, Sendable {
        case alreadyValid
        /// The header now describes this many data bytes (whole frames only).
        case repaired(dataBytes: Int)
    }

    /// The 44 header bytes for PCM (format tag 1) audio.
    public static func header(channels: Int, sampleRate: Int, bitsPerSample: Int, dataBytes: UInt32) -> [UInt8] {
        let blockAlign = channels * ((bitsPerSample + 7) / 8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(headerSize)
        bytes += Array("RIFF".utf8)
        // The RIFF size counts everything after its own 8 bytes; saturate rather than wrap.
        let (riffSize, overflow) = UInt32(headerSize - 8).addingReportingOverflow(dataBytes)
        append(overflow ? .max : riffSize, to: &bytes)
        bytes += Array("WAVEfmt ".utf8)
        append(UInt32(16), to: &bytes)
        append(UInt16(1), to: &bytes)
        append(UInt16(channels), to: &bytes)
        append(UInt32(sampleRate), to: &bytes)
        append(UInt32(sampleRate * blockAlign), to: &bytes)
        append(UInt16(blockAlign), to: &bytes)
        append(UInt16(bitsPerSample), to: &bytes)
        bytes += Array("data".utf8)
        append(dataBytes, to: &bytes)
        return bytes
    }

    static func append(_ value: some FixedWidthInteger, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    static func littleEndian<T: FixedWidthInteger>(_ bytes: [UInt8], at offset: Int, as: T.Type) -> T {
        var value: T = 0
        for i in (0..<T.bitWidth / 8).reversed() { value = value << 8 | T(bytes[offset + i]) }
        return value
    }
}
