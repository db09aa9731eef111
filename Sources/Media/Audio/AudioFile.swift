/// Prompt and music-on-hold audio, loaded once into what the player sends:
/// 8 kHz mono 16-bit samples.
///
/// Reads RIFF WAVE files of the usual kinds — integer PCM of 8, 16, 24 or
/// 32 bits, IEEE float of 32 or 64, A-law and µ-law; WAVE_FORMAT_EXTENSIBLE
/// too; one to eight channels (mixed down by averaging); any rate from 4 kHz
/// to 192 kHz (converted by `Resampler`'s windowed sinc) — skipping any
/// chunks it does not need. Not for the hot path: it allocates.
public enum AudioFile {
    public static let outputRate = 8000

    /// Decodes a whole WAV file held in memory.
    /// - Parameter maximumSeconds: longer audio throws `.tooLong` before any decoding.
    public static func decodePrompt(_ bytes: [UInt8], maximumSeconds: Double = 600) throws(AudioFileError) -> [Int16] {
        let format = try parse(bytes)
        let seconds = Double(format.frames) / Double(format.sampleRate)
        guard seconds <= maximumSeconds else {
            throw .tooLong("\(seconds) s, limit \(maximumSeconds) s")
        }
        var mono = [Float](repeating: 0, count: format.frames)
        let scale = 1 / Float(format.channels)
        for frame in 0..<format.frames {
            var sum: Float = 0
            for channel in 0..<format.channels { sum += format.sample(bytes, frame: frame, channel: channel) }
            mono[frame] = sum * scale
        }
        // ×32 768 and clamp: 16-bit input at 8 kHz comes back bit for bit.
        return Resampler.resample(mono, from: format.sampleRate, to: outputRate).map { value in
            Int16(clamping: Int((value * 32_768).rounded()))
        }
    }

    /// Reads and decodes a WAV file.
    /// - Parameter maximumBytes: a larger file throws `.tooLarge` without being read.
    public static func loadPrompt(path: String, maximumSeconds: Double = 600, maximumBytes: Int = 64 << 20) throws(AudioFileError) -> [Int16] {
        let bytes: [UInt8]
        do {
            let file = try POSIXFile(path: path, writable: false)
            let size = try file.size()
            guard size <= maximumBytes else { throw AudioFileError.tooLarge("\(size) bytes, limit \(maximumBytes)") }
            bytes = try file.read(count: size, at: 0)
        } catch let error as AudioFileError {
            throw error
        } catch {
            throw .unreadable("\(path): \(error)")
        }
        return try decodePrompt(bytes, maximumSeconds: maximumSeconds)
    }

    /// Walks the RIFF chunks (word-aligned, §RIFF) to `fmt ` and `data`.
    static func parse(_ bytes: [UInt8]) throws(AudioFileError) -> WAVFormat {
        let riff = Array("RIFF".utf8)
        guard bytes.count >= 12 else {
            let isPrefix = bytes.count >= 4 && bytes.prefix(4).elementsEqual(riff)
            throw isPrefix ? .truncated("\(bytes.count) bytes") : .notWAV("\(bytes.count) bytes")
        }
        guard bytes[0..<4].elementsEqual(riff), bytes[8..<12].elementsEqual("WAVE".utf8) else {
            throw .notWAV("no RIFF/WAVE signature")
        }
        var format: WAVFormat?
        var offset = 12
        while offset < bytes.count {
            guard offset + 8 <= bytes.count else { throw .truncated("inside a chunk header at byte \(offset)") }
            let id = bytes[offset..<(offset + 4)]
            let size = Int(WAVFormat.uint32(bytes, offset + 4))
            let body = offset + 8
            if id.elementsEqual("fmt ".utf8) {
                guard body + size <= bytes.count else { throw .truncated("inside the 'fmt ' chunk") }
                format = try WAVFormat(bytes, at: body, size: size)
            } else if id.elementsEqual("data".utf8) {
                guard var found = format else { throw .malformed("'data' before 'fmt '") }
                // 0xFFFFFFFF: written while streaming, size unknown; the rest of the file.
                let available = bytes.count - body
                guard size == Int(UInt32.max) || size <= available else {
                    throw .truncated("'data' declares \(size) bytes, the file holds \(available)")
                }
                found.dataOffset = body
                found.dataBytes = min(size, available)
                return found
            }
            offset = body + size + (size & 1)
        }
        throw format == nil ? .malformed("no 'fmt ' chunk") : .truncated("no 'data' chunk")
    }
}
