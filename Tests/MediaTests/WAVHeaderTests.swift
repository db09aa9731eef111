import Media
import Testing

@Suite struct WAVHeaderTests {
    @Test func stereo8kHz16BitHeaderIsCanonical() {
        let header = WAV.header(channels: 2, sampleRate: 8000, bitsPerSample: 16, dataBytes: 1000)
        let expected: [UInt8] = Array("RIFF".utf8) + [0x0C, 0x04, 0x00, 0x00]
            + Array("WAVEfmt ".utf8) + [16, 0, 0, 0]
            + [1, 0]                      // PCM
            + [2, 0]                      // channels
            + [0x40, 0x1F, 0x00, 0x00]    // 8000 Hz
            + [0x00, 0x7D, 0x00, 0x00]    // 32000 bytes/s
            + [4, 0]                      // block align
            + [16, 0]                     // bits per sample
            + Array("data".utf8) + [0xE8, 0x03, 0x00, 0x00]
        #expect(header.count == WAV.headerSize)
        #expect(header == expected)
    }

    @Test func riffSizeSaturatesInsteadOfWrapping() {
        let header = WAV.header(channels: 1, sampleRate: 8000, bitsPerSample: 16, dataBytes: .max)
        #expect(Array(header[4..<8]) == [0xFF, 0xFF, 0xFF, 0xFF])
    }

    @Test func infoReadsBackWhatTheHeaderSays() throws {
        let file = try WAVTestFile(WAV.header(channels: 2, sampleRate: 8000, bitsPerSample: 16, dataBytes: 8) + [UInt8](repeating: 1, count: 8))
        defer { file.remove() }
        let info = try WAVInfo.read(path: file.path)
        #expect(info.formatTag == 1)
        #expect(info.channels == 2)
        #expect(info.sampleRate == 8000)
        #expect(info.bitsPerSample == 16)
        #expect(info.blockAlign == 4)
        #expect(info.dataBytes == 8)
        #expect(info.dataOffset == 44)
    }

    @Test func infoSkipsChunksBeforeTheData() throws {
        var bytes = WAV.header(channels: 1, sampleRate: 16000, bitsPerSample: 16, dataBytes: 2)
        // A 3-byte LIST chunk (plus its pad byte) between `fmt ` and `data`.
        bytes.insert(contentsOf: Array("LIST".utf8) + [3, 0, 0, 0, 9, 9, 9, 0], at: 36)
        let file = try WAVTestFile(bytes + [0, 0])
        defer { file.remove() }
        let info = try WAVInfo.read(path: file.path)
        #expect(info.sampleRate == 16000)
        #expect(info.dataOffset == 56)
        #expect(info.dataBytes == 2)
    }
}
