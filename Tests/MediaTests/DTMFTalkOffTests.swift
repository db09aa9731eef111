import Foundation
import Media
import Testing

/// Talk-off: speech and music must not be taken for keys.
@Suite struct DTMFTalkOffTests {
    @Test(arguments: ["speech-en.wav", "speech-zh.wav"], [1.0, 0.3, 3.0])
    func noKeyInSpeech(fixture: String, gain: Double) throws {
        let speech = try Fixtures.speech(fixture)
        #expect(speech.count > 8000 * 10)
        let scaled = Signals.quantize(speech.map { Double($0) * gain })
        #expect(DTMFDetector.keys(in: scaled) == "")
    }

    @Test func noKeyInChords() {
        #expect(DTMFDetector.keys(in: Signals.quantize(Self.chords())) == "")
    }

    @Test func theChordsHoldDTMFLikeIntervalsThatPureSinesWouldMakeKeys() {
        // F5 + F♯6 is 698.5 + 1480 Hz, within 0.3 % of key 3: as pure sines it
        // is a key, so the chord test above is not passing by luck.
        let pure = Signals.add(Signals.sine(698.46, ms: 300, dBm0: -15), Signals.sine(1479.98, ms: 300, dBm0: -15))
        #expect(DTMFDetector.keys(in: Signals.quantize(pure + Signals.silence(ms: 40))) == "3")
    }

    /// Ten seconds of chords, 0.5 s each, voiced as an instrument with
    /// harmonics (1, ½, ¼, ⅛) and a soft attack: equal-tempered notes, a
    /// few of which sit on DTMF frequencies (F5 ≈ 697, F♯6 ≈ 1477, G♯6 ≈ 1633).
    static func chords() -> [Double] {
        let progression: [[Int]] = [
            [65, 78], [65, 78, 84], [53, 65, 69, 72], [65, 80], [57, 64, 69, 76],
            [62, 66, 69, 78], [60, 64, 67, 72], [67, 71, 74, 80], [65, 69, 72, 78], [55, 62, 67, 71],
            [65, 78], [64, 68, 71, 80], [60, 65, 69, 72], [62, 65, 69, 74], [65, 70, 74, 78],
            [57, 60, 64, 69], [66, 70, 73, 78], [65, 72, 77, 80], [59, 62, 65, 68], [60, 64, 67, 72],
        ]
        var out: [Double] = []
        for (index, notes) in progression.enumerated() {
            let count = 4000
            var chord = [Double](repeating: 0, count: count)
            for note in notes {
                let f = 440 * pow(2, Double(note + 12 - 69) / 12)
                for (h, a) in [(1.0, 1.0), (2, 0.5), (3, 0.25), (4, 0.125)] where f * h < 3900 {
                    let step = 2 * Double.pi * f * h / 8000
                    for n in 0..<count {
                        let envelope = min(1, Double(n) / 200) * exp(-Double(n) / 6000)
                        chord[n] += 3000 * a * envelope * sin(step * Double(n + index * count))
                    }
                }
            }
            out += chord
        }
        return out
    }
}
