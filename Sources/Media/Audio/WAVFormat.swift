/// The audio a WAV file holds: its `fmt ` chunk, resolved through
/// WAVE_FORMAT_EXTENSIBLE, and where its samples are.
struct WAVFormat: Hashable, Sendable {
    enum Encoding: Hashable, Sendable {
        /// Integer PCM, 8-bit unsigned or 16/24/32-bit signed, little-endian.
        case pcm
        /// IEEE float, 32 or 64 bits.
        case float
        case alaw
        case ulaw
    }

    var encoding: Encoding
    var channels: Int
    var sampleRate: Int
    /// Bytes per sample of one channel (the container size).
    var sampleBytes: Int
    var dataOffset = 0
    var dataBytes = 0

    var frameBytes: Int { channels * sampleBytes }
    var frames: Int { dataBytes / frameBytes }

    static let supportedRates = 4_000...192_000

    /// Reads the `fmt ` chunk body of `size` bytes at `base`.
    init(_ fmt: [UInt8], at base: Int, size: Int) throws(AudioFileError) {
        guard size >= 16 else { throw .malformed("'fmt ' chunk of \(size) bytes") }
        var tag = Self.uint16(fmt, base)
        channels = Int(Self.uint16(fmt, base + 2))
        sampleRate = Int(Self.uint32(fmt, base + 4))
        let blockAlign = Int(Self.uint16(fmt, base + 12))
        let bits = Int(Self.uint16(fmt, base + 14))

        // WAVE_FORMAT_EXTENSIBLE: the real tag is the first two bytes of the
        // sub-format GUID, which otherwise is KSDATAFORMAT_SUBTYPE's fixed tail.
        if tag == 0xFFFE {
            guard size >= 40, Self.uint16(fmt, base + 16) >= 22 else {
                throw .malformed("WAVE_FORMAT_EXTENSIBLE without its 22-byte extension")
            }
            guard fmt[(base + 26)..<(base + 40)].elementsEqual(Self.subtypeTail) else {
                throw .unsupportedEncoding("WAVE_FORMAT_EXTENSIBLE with an unknown sub-format")
            }
            tag = Self.uint16(fmt, base + 24)
        }

        switch (tag, bits) {
        case (1, 8), (1, 16), (1, 24), (1, 32): encoding = .pcm
        case (3, 32), (3, 64): encoding = .float
        case (6, 8): encoding = .alaw
        case (7, 8): encoding = .ulaw
        default:
            throw .unsupportedEncoding("format tag 0x\(String(tag, radix: 16)) with \(bits)-bit samples")
        }
        sampleBytes = bits / 8
        guard (1...8).contains(channels) else { throw .unsupportedEncoding("\(channels) channels") }
        guard Self.supportedRates.contains(sampleRate) else { throw .unsupportedEncoding("\(sampleRate) Hz") }
        guard blockAlign == channels * sampleBytes else {
            throw .malformed("block align \(blockAlign) for \(channels) × \(bits)-bit samples")
        }
    }

    /// The sample of `channel` in `frame`, as a fraction of full scale.
    func sample(_ bytes: [UInt8], frame: Int, channel: Int) -> Float {
        let at = dataOffset + frame * frameBytes + channel * sampleBytes
        switch encoding {
        case .pcm:
            switch sampleBytes {
            case 1: return (Float(bytes[at]) - 128) / 128
            case 2: return Float(Int16(bitPattern: Self.uint16(bytes, at))) / 32_768
            case 3:
                let raw = Int32(bytes[at]) << 8 | Int32(bytes[at + 1]) << 16 | Int32(bytes[at + 2]) << 24
                return Float(raw >> 8) / 8_388_608
            default: return Float(Int32(bitPattern: Self.uint32(bytes, at))) / 2_147_483_648
            }
        case .float:
            let value = sampleBytes == 4
                ? Double(Float(bitPattern: Self.uint32(bytes, at)))
                : Double(bitPattern: UInt64(Self.uint32(bytes, at)) | UInt64(Self.uint32(bytes, at + 4)) << 32)
            return value.isFinite ? Float(min(max(value, -1), 1)) : 0
        case .alaw: return Float(G711.alawToLinear(bytes[at])) / 32_768
        case .ulaw: return Float(G711.ulawToLinear(bytes[at])) / 32_768
        }
    }

    /// KSDATAFORMAT_SUBTYPE_xxx is {0000xxxx-0000-0010-8000-00AA00389B71}.
    private static let subtypeTail: [UInt8] = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]

    static func uint16(_ bytes: [UInt8], _ at: Int) -> UInt16 {
        UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
    }

    static func uint32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }
}
