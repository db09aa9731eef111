import Foundation
import Media
import Testing

@Suite struct AudioFileTests {
    /// Goertzel power at `frequency` over the middle of `samples`, away from the edges.
    static func power(_ samples: [Int16], _ frequency: Double) -> Double {
        let middle = samples[(samples.count / 4)..<(samples.count * 3 / 4)]
        return Tone.goertzelPower(middle, frequency: frequency, sampleRate: 8000)
    }

    static func dB(_ power: Double, over reference: Double) -> Double { 10 * log10(power / reference) }

    @Test func sixteenBitMono8kHzComesBackSampleForSample() throws {
        var random = SplitMix64(seed: 16)
        let samples = (0..<800).map { _ in Int16.random(in: .min ... .max, using: &random) }
        let bytes = WAV.header(channels: 1, sampleRate: 8000, bitsPerSample: 16, dataBytes: 1600)
            + samples.flatMap { TestWAV.le($0) }
        #expect(try AudioFile.decodePrompt(bytes) == samples)
    }

    @Test(arguments: [TestWAV.Encoding.pcm8, .pcm16, .pcm24, .pcm32, .float32, .float64, .alaw, .ulaw])
    func everyEncodingGivesTheTone(encoding: TestWAV.Encoding) throws {
        let bytes = TestWAV.make(encoding, rate: 8000, channels: [TestWAV.sine(1000, rate: 8000, seconds: 0.5)])
        let out = try AudioFile.decodePrompt(bytes)
        #expect(out.count == 4000)
        #expect(abs(Self.dB(Self.power(out, 1000), over: 0.25)) < 0.2)
        // G.711 and 8-bit quantization of a tone with an 8-sample period is
        // periodic too, so its error lands on the harmonics: −39 dB for A-law.
        #expect(Self.dB(Self.power(out, 2000), over: 0.25) < -35)
    }

    // 44 101 Hz has no short ratio to 8 kHz: its output falls on 8 000 phases,
    // which the filter bank rounds to 1 024.
    @Test(arguments: [6000, 8000, 11025, 16000, 22050, 24000, 32000, 37800, 44100, 44101, 48000])
    func everyRateKeepsA1kHzToneAndTheDuration(rate: Int) throws {
        let bytes = TestWAV.make(.pcm16, rate: rate, channels: [TestWAV.sine(1000, rate: rate, seconds: 1)])
        let out = try AudioFile.decodePrompt(bytes)
        #expect(out.count == 8000)
        #expect(abs(Self.dB(Self.power(out, 1000), over: 0.25)) < 0.1)
        for other in [500.0, 2000, 3000] {
            #expect(Self.dB(Self.power(out, other), over: 0.25) < -60, "\(other) Hz")
        }
    }

    @Test func downsamplingFrom44100RemovesA6kHzComponentThatWouldAliasTo2kHz() throws {
        let rate = 44100
        let mixed = zip(TestWAV.sine(1000, amplitude: 0.4, rate: rate, seconds: 1), TestWAV.sine(6000, amplitude: 0.4, rate: rate, seconds: 1)).map(+)
        let out = try AudioFile.decodePrompt(TestWAV.make(.pcm16, rate: rate, channels: [mixed]))
        #expect(out.count == 8000)
        #expect(abs(Self.dB(Self.power(out, 1000), over: 0.16)) < 0.1)
        #expect(Self.dB(Self.power(out, 2000), over: 0.16) < -70)
    }

    @Test(arguments: [4200.0, 4500, 6000, 9000, 15000, 20000])
    func downsamplingFrom44100RemovesEverythingAbove4kHz(frequency: Double) throws {
        let out = try AudioFile.decodePrompt(TestWAV.make(.pcm16, rate: 44100, channels: [TestWAV.sine(frequency, rate: 44100, seconds: 1)]))
        let middle = Array(out[2000..<6000])
        // Relative to the 0.5 input: what is left must be ≥ 60 dB down, wherever it aliased to.
        #expect(20 * log10(Tone.rms(middle) / (0.5 / 2.0.squareRoot() * 32767)) < -60, "\(frequency) Hz")
    }

    @Test(arguments: [300.0, 1000, 2000, 3000, 3400])
    func downsamplingFrom48kHzKeepsTheTelephoneBand(frequency: Double) throws {
        let out = try AudioFile.decodePrompt(TestWAV.make(.pcm16, rate: 48000, channels: [TestWAV.sine(frequency, rate: 48000, seconds: 1)]))
        #expect(abs(Self.dB(Self.power(out, frequency), over: 0.25)) < (frequency > 3000 ? 1 : 0.2), "\(frequency) Hz")
    }

    @Test func stereoIsMixedDownToTheAverage() throws {
        let left = TestWAV.sine(1000, rate: 16000, seconds: 0.5)
        let right = TestWAV.sine(2000, rate: 16000, seconds: 0.5)
        let out = try AudioFile.decodePrompt(TestWAV.make(.pcm16, rate: 16000, channels: [left, right]))
        #expect(out.count == 4000)
        #expect(abs(Self.dB(Self.power(out, 1000), over: 0.0625)) < 0.1)
        #expect(abs(Self.dB(Self.power(out, 2000), over: 0.0625)) < 0.1)
    }

    @Test func waveFormatExtensibleIsRead() throws {
        let stereo24 = TestWAV.make(.pcm24, rate: 48000, channels: [TestWAV.sine(1000, rate: 48000, seconds: 0.5), TestWAV.sine(1000, rate: 48000, seconds: 0.5)], extensible: true)
        let float32 = TestWAV.make(.float32, rate: 22050, channels: [TestWAV.sine(1000, rate: 22050, seconds: 0.5)], extensible: true)
        for bytes in [stereo24, float32] {
            let out = try AudioFile.decodePrompt(bytes)
            #expect(out.count == 4000)
            #expect(abs(Self.dB(Self.power(out, 1000), over: 0.25)) < 0.1)
        }
    }

    @Test func unknownChunksAreSkipped() throws {
        let tone = TestWAV.sine(1000, rate: 8000, seconds: 0.25)
        let bytes = TestWAV.make(.pcm16, rate: 8000, channels: [tone],
                                 chunksBeforeFormat: [("JUNK", [UInt8](repeating: 0, count: 28))],
                                 chunksBeforeData: [("LIST", Array("INFOISFT\u{5}\0\0\0hello".utf8)), ("fact", [1, 2, 3])])
            + TestWAV.chunk("id3 ", [9, 9, 9])
        let out = try AudioFile.decodePrompt(bytes)
        #expect(out == TestWAV.make(.pcm16, rate: 8000, channels: [tone]).dropFirst(44).withUnsafeBytes { raw in
            (0..<2000).map { Int16(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 2, as: Int16.self)) }
        })
    }

    // MARK: Errors

    @Test func garbageIsNotAWAV() {
        #expect(throws: AudioFileError.notWAV) { try AudioFile.decodePrompt([]) }
        #expect(throws: AudioFileError.notWAV) { try AudioFile.decodePrompt(Array("ID3\u{3}\0\0\0\0\0\0 this is an MP3".utf8)) }
        #expect(throws: AudioFileError.notWAV) { try AudioFile.decodePrompt(Array("RIFF\u{4}\0\0\0AVI LIST".utf8)) }
    }

    @Test func aFileCutShortIsTruncated() {
        let whole = TestWAV.make(.pcm16, rate: 8000, channels: [TestWAV.sine(1000, rate: 8000, seconds: 0.1)])
        for length in [6, 20, 30, 40, whole.count - 1] {
            #expect(throws: AudioFileError.truncated, "\(length) bytes") { try AudioFile.decodePrompt(Array(whole.prefix(length))) }
        }
        // A header and no audio chunk at all.
        #expect(throws: AudioFileError.truncated) { try AudioFile.decodePrompt(Array(whole.prefix(36))) }
    }

    @Test func encodingsWeDoNotDecodeAreUnsupported() {
        var mp3 = TestWAV.make(.pcm16, rate: 8000, channels: [[0, 0]])
        mp3[20] = 0x55
        var twelveBit = TestWAV.make(.pcm16, rate: 8000, channels: [[0, 0]])
        twelveBit[34] = 12
        var noChannels = TestWAV.make(.pcm16, rate: 8000, channels: [[0, 0]])
        noChannels[22] = 0
        var rate1k = TestWAV.make(.pcm16, rate: 8000, channels: [[0, 0]])
        rate1k.replaceSubrange(24..<28, with: TestWAV.le(UInt32(1000)))
        var oddGUID = TestWAV.make(.pcm16, rate: 8000, channels: [[0, 0]], extensible: true)
        oddGUID[50] ^= 0xFF
        for (name, bytes) in [("MP3", mp3), ("12-bit", twelveBit), ("0 channels", noChannels), ("1 kHz", rate1k), ("GUID", oddGUID)] {
            #expect(throws: AudioFileError.unsupportedEncoding, "\(name)") { try AudioFile.decodePrompt(bytes) }
        }
    }

    @Test func contradictoryChunksAreMalformed() {
        let wav = TestWAV.make(.pcm16, rate: 8000, channels: [[0, 0]])
        var badAlign = wav
        badAlign[32] = 3
        let dataFirst = Array(wav[0..<12]) + Array(wav[36...]) + Array(wav[12..<36])
        #expect(throws: AudioFileError.malformed) { try AudioFile.decodePrompt(badAlign) }
        #expect(throws: AudioFileError.malformed) { try AudioFile.decodePrompt(dataFirst) }
    }

    @Test func audioLongerThanTheLimitIsTooLong() throws {
        let twoSeconds = TestWAV.make(.pcm16, rate: 44100, channels: [[Double](repeating: 0, count: 88200)])
        #expect(throws: AudioFileError.tooLong) { try AudioFile.decodePrompt(twoSeconds, maximumSeconds: 1.5) }
        #expect(try AudioFile.decodePrompt(twoSeconds, maximumSeconds: 2).count == 16000)
    }

    @Test func loadingFromAFileAppliesTheByteLimit() throws {
        let file = try WAVTestFile(TestWAV.make(.ulaw, rate: 8000, channels: [TestWAV.sine(1000, rate: 8000, seconds: 0.5)]))
        defer { file.remove() }
        let out = try AudioFile.loadPrompt(path: file.path)
        #expect(out.count == 4000)
        #expect(throws: AudioFileError.tooLarge) { try AudioFile.loadPrompt(path: file.path, maximumBytes: 1000) }
        #expect(throws: AudioFileError.unreadable) { try AudioFile.loadPrompt(path: file.path + ".missing") }
    }

    @Test func errorsSayWhatWasWrong() {
        var mp3 = TestWAV.make(.pcm16, rate: 8000, channels: [[0, 0]])
        mp3[20] = 0x55
        do {
            _ = try AudioFile.decodePrompt(mp3)
            Issue.record("decoded an MP3 tag")
        } catch {
            #expect(error.description == "unsupported WAV encoding: format tag 0x55 with 16-bit samples")
        }
    }
}
