import Media
import Testing

@Suite struct G711BufferTests {
    @Test func decodeWritesTheShorterOfSourceAndDestination() {
        let bytes: [UInt8] = [0xFF, 0x00, 0x80, 0x7F]
        var samples = [Int16](repeating: 99, count: 3)
        let written = bytes.withUnsafeBytes { src in
            samples.withUnsafeMutableBufferPointer { G711.decodeUlaw(src, into: $0) }
        }
        #expect(written == 3)
        #expect(samples == [0, -32124, 32124])
    }

    @Test func encodeThenDecodeAlawPreservesTheTable() {
        let samples: [Int16] = [8, -8, 32256, -32256]
        var bytes = [UInt8](repeating: 0, count: 6)
        let written = samples.withUnsafeBufferPointer { src in
            bytes.withUnsafeMutableBytes { G711.encodeAlaw(src, into: $0) }
        }
        #expect(written == 4)
        #expect(bytes == [0xD5, 0x55, 0xAA, 0x2A, 0, 0])

        var decoded = [Int16](repeating: 0, count: 4)
        _ = bytes.withUnsafeBytes { src in decoded.withUnsafeMutableBufferPointer { G711.decodeAlaw(src, into: $0) } }
        #expect(decoded == samples)
    }

    @Test func encodeUlawMatchesTheScalarEncoder() {
        let samples = Tone.sine(frequency: 440, amplitude: 0.8, sampleRate: 8000, count: 160)
        var bytes = [UInt8](repeating: 0, count: 160)
        let written = samples.withUnsafeBufferPointer { src in
            bytes.withUnsafeMutableBytes { G711.encodeUlaw(src, into: $0) }
        }
        #expect(written == 160)
        #expect(bytes == samples.map(G711.linearToUlaw))
    }

    @Test func transcodingA1kHzSineUlawToAlawKeepsItsLevelWithinOnePercent() {
        let sine = Tone.sine(frequency: 1000, amplitude: 0.5, sampleRate: 8000, count: 8000)
        var payload = sine.map(G711.linearToUlaw)
        let ulawRMS = Tone.rms(payload.map(G711.ulawToLinear))
        payload.withUnsafeMutableBytes { G711.transcodeUlawToAlaw($0) }
        let alawRMS = Tone.rms(payload.map(G711.alawToLinear))
        #expect(abs(alawRMS - ulawRMS) / ulawRMS < 0.01)
    }

    @Test func transcodingTablesAgreeWithDecodeThenEncode() {
        var ulaw = Array(UInt8.min...UInt8.max)
        ulaw.withUnsafeMutableBytes { G711.transcodeUlawToAlaw($0) }
        #expect(ulaw == (UInt8.min...UInt8.max).map { G711.linearToAlaw(G711.ulawToLinear($0)) })

        var alaw = Array(UInt8.min...UInt8.max)
        alaw.withUnsafeMutableBytes { G711.transcodeAlawToUlaw($0) }
        #expect(alaw == (UInt8.min...UInt8.max).map { G711.linearToUlaw(G711.alawToLinear($0)) })
    }
}
