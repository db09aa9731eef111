/// What a WAV file's header says. The sizes are as declared, so for a
/// recording cut short by a crash they are stale until `WAV.repair` runs.
public struct WAVInfo: Hashable, Sendable {
    /// 1 for PCM; 6 and 7 are A-law and µ-law.
    public var formatTag: UInt16
    public var channels: Int
    public var sampleRate: Int
    public var bitsPerSample: Int
    /// Bytes per frame (all channels of one sample instant).
    public var blockAlign: Int
    /// The `data` chunk's declared size.
    public var dataBytes: Int
    /// Where the audio starts: 44 for the canonical layout.
    public var dataOffset: Int
    /// The RIFF chunk's declared size (file length - 8 when consistent).
    var riffBytes: Int

    public static func read(path: String) throws -> WAVInfo {
        let file = try POSIXFile(path: path, writable: false)
        return try read(file)
    }

    /// Walks the chunks up to `data` (RIFF chunks are word-aligned), so files
    /// with extra chunks before the audio are read too.
    static func read(_ file: borrowing POSIXFile) throws -> WAVInfo {
        let fileBytes = try file.size()
        let riff = try file.read(count: 12, at: 0)
        guard riff.count == 12 else { throw WAVError.tooShort(fileBytes: fileBytes) }
        guard riff[0..<4].elementsEqual("RIFF".utf8), riff[8..<12].elementsEqual("WAVE".utf8) else {
            throw WAVError.notRIFFWAVE
        }
        var info: WAVInfo?
        var offset = 12
        while true {
            let header = try file.read(count: 8, at: offset)
            guard header.count == 8 else { throw WAVError.tooShort(fileBytes: fileBytes) }
            let size = Int(WAV.littleEndian(header, at: 4, as: UInt32.self))
            let body = offset + 8
            if header[0..<4].elementsEqual("fmt ".utf8) {
                let fmt = try file.read(count: 16, at: body)
                guard size >= 16 else { throw WAVError.unsupportedFormat }
                guard fmt.count == 16 else { throw WAVError.tooShort(fileBytes: fileBytes) }
                let format = WAVInfo(
                    formatTag: WAV.littleEndian(fmt, at: 0, as: UInt16.self),
                    channels: Int(WAV.littleEndian(fmt, at: 2, as: UInt16.self)),
                    sampleRate: Int(WAV.littleEndian(fmt, at: 4, as: UInt32.self)),
                    bitsPerSample: Int(WAV.littleEndian(fmt, at: 14, as: UInt16.self)),
                    blockAlign: Int(WAV.littleEndian(fmt, at: 12, as: UInt16.self)),
                    dataBytes: 0,
                    dataOffset: 0,
                    riffBytes: Int(WAV.littleEndian(riff, at: 4, as: UInt32.self))
                )
                guard format.channels > 0, format.blockAlign > 0 else { throw WAVError.unsupportedFormat }
                info = format
            } else if header[0..<4].elementsEqual("data".utf8) {
                guard var info else { throw WAVError.missingChunk("fmt ") }
                info.dataBytes = size
                info.dataOffset = body
                return info
            }
            offset = body + size + (size & 1)
        }
    }
}
