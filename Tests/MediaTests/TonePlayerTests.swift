import Foundation
import Media
import Testing

@Suite struct TonePlayerTests {
    /// `seconds` of a pattern rendered in 160-sample frames (or `chunk`).
    static func render(_ pattern: TonePattern, seconds: Double, chunk: Int = 160) -> [Int16] {
        var player = TonePlayer(pattern)
        var out = [Int16](repeating: 0x5555, count: Int(seconds * 8000))
        out.withUnsafeMutableBufferPointer { all in
            var start = 0
            while start < all.count {
                let end = min(start + chunk, all.count)
                player.render(into: UnsafeMutableBufferPointer(rebasing: all[start..<end]))
                start = end
            }
        }
        return out
    }

    static func expectedPower(_ dBm0: Double) -> Double { Tone.amplitude(dBm0: dBm0) * Tone.amplitude(dBm0: dBm0) }

    /// Checks the samples alternate between bursts and exact silence on the
    /// given cadence (in samples), and that each burst holds `frequencies`
    /// at `dBm0` and nothing at `absent`.
    static func expectCadence(_ samples: [Int16], on: Int, off: Int, frequencies: [Double], dBm0: Double, absent: [Double],
                              sourceLocation: SourceLocation = #_sourceLocation) {
        var start = 0
        while start + on + off <= samples.count {
            let burst = Array(samples[start..<(start + on)])
            let pause = samples[(start + on)..<(start + on + off)]
            #expect(pause.allSatisfy { $0 == 0 }, "pause at \(start + on)", sourceLocation: sourceLocation)
            // The ramps sit at the ends: the burst's last samples are not yet silent.
            #expect(burst.suffix(8).contains { $0 != 0 }, "burst ends early at \(start)", sourceLocation: sourceLocation)
            // Steady part: a whole number of 20 ms frames past the ramp (50 Hz resolution).
            let steady = Array(burst[40..<(40 + (on - 80) / 800 * 800)])
            for f in frequencies {
                let power = Tone.goertzelPower(steady, frequency: f, sampleRate: 8000)
                #expect(abs(10 * log10(power / expectedPower(dBm0))) < 0.2, "\(f) Hz at \(start)", sourceLocation: sourceLocation)
            }
            for f in absent {
                #expect(Tone.goertzelPower(steady, frequency: f, sampleRate: 8000) < expectedPower(dBm0) * 1e-4, "\(f) Hz at \(start)",
                        sourceLocation: sourceLocation)
            }
            start += on + off
        }
    }

    @Test func chineseRingbackIs450HzOneSecondOnFourOff() {
        let out = Self.render(.ringbackChina, seconds: 15)
        Self.expectCadence(out, on: 8000, off: 32000, frequencies: [450], dBm0: -10, absent: [400, 500, 1000])
    }

    @Test func americanRingbackIs440And480HzTwoSecondsOnFourOff() {
        let out = Self.render(.ringbackUS, seconds: 18)
        Self.expectCadence(out, on: 16000, off: 32000, frequencies: [440, 480], dBm0: -19, absent: [400, 450, 520])
    }

    @Test func chineseBusyIs450HzAt350MillisecondsOnAndOff() {
        // 2 800 samples: bursts and pauses begin in the middle of 160-sample frames.
        let out = Self.render(.busyChina, seconds: 7)
        Self.expectCadence(out, on: 2800, off: 2800, frequencies: [450], dBm0: -10, absent: [400, 500])
    }

    @Test func americanBusyIs480And620HzHalfASecondOnAndOff() {
        let out = Self.render(.busyUS, seconds: 5)
        Self.expectCadence(out, on: 4000, off: 4000, frequencies: [480, 620], dBm0: -24, absent: [440, 550])
    }

    @Test func theConfirmationBeepIs150MillisecondsOf1kHzOnce() {
        var player = TonePlayer(.confirmationBeep)
        var out = [Int16](repeating: 0x5555, count: 8000)
        for frame in 0..<50 {
            out.withUnsafeMutableBufferPointer { player.render(into: UnsafeMutableBufferPointer(rebasing: $0[(frame * 160)..<(frame * 160 + 160)])) }
            #expect(player.isFinished == (frame >= 7), "frame \(frame)")
        }
        #expect(out[1200...].allSatisfy { $0 == 0 })
        #expect(out[1190..<1200].contains { $0 != 0 })
        let power = Tone.goertzelPower(out[40..<1160], frequency: 1000, sampleRate: 8000)
        #expect(abs(10 * log10(power / Self.expectedPower(-12))) < 0.2)
        player.restart()
        #expect(!player.isFinished)
    }

    @Test func silenceIsZerosForEver() {
        var player = TonePlayer(.silence)
        var frame = [Int16](repeating: 7, count: 160)
        frame.withUnsafeMutableBufferPointer { player.render(into: $0) }
        #expect(frame.allSatisfy { $0 == 0 })
        #expect(!player.isFinished)
    }

    @Test func theFrameSizeDoesNotChangeTheSound() {
        let reference = Self.render(.busyUS, seconds: 2.5)
        for chunk in [1, 7, 160, 333, 20000] {
            #expect(Self.render(.busyUS, seconds: 2.5, chunk: chunk) == reference, "chunk \(chunk)")
        }
    }

    @Test func tonesNeverJumpAcrossFramesOrCadenceEdges() {
        // A sine of peak A moves at most 2π·f·A/8000 per sample; a click at a
        // frame boundary or a switch would jump far more.
        for (pattern, seconds) in [(TonePattern.ringbackChina, 6.0), (.busyChina, 2), (.ringbackUS, 7), (.confirmationBeep, 0.5)] {
            let out = Self.render(pattern, seconds: seconds)
            let peak = Tone.amplitude(dBm0: pattern.dBm0) * Tone.fullScale
            let slope = pattern.frequencies.reduce(0.0) { $0 + 2 * Double.pi * Double($1) * peak / 8000 }
            let jump = zip(out, out.dropFirst()).map { abs(Int($1) - Int($0)) }.max() ?? 0
            #expect(Double(jump) <= slope + 2, "\(pattern.frequencies) Hz: \(jump) > \(slope)")
        }
    }
}
