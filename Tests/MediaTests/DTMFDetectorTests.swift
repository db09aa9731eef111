import Media
import Testing

extension DTMFDetector {
    /// Runs a fresh detector over `samples` in frames of `chunk`; the keys it reported.
    static func keys(in samples: [Int16], chunk: Int = 160) -> String {
        var detector = DTMFDetector()
        var keys = ""
        samples.withUnsafeBufferPointer { all in
            var start = 0
            while start < all.count {
                let end = min(start + chunk, all.count)
                detector.process(UnsafeBufferPointer(rebasing: all[start..<end])) { keys.append($0) }
                start = end
            }
        }
        return keys
    }
}

@Suite struct DTMFDetectorTests {
    static let allKeys = "0123456789*#ABCD"

    /// Keys of `ms` each, separated by gaps of `gap` ms, with silence around.
    static func dial(_ keys: String, ms: Double = 60, gap: Double = 60, dBm0: Double = -20) -> [Double] {
        var signal = Signals.silence(ms: 40)
        for (index, key) in keys.enumerated() {
            signal += Signals.dtmf(key, ms: ms, dBm0: dBm0, phase: Double(index)) + Signals.silence(ms: gap)
        }
        return signal
    }

    @Test(arguments: [-10.0, -20.0, -25.0])
    func everyKeyIsDetectedInWhiteNoiseAt20dBSNR(dBm0: Double) {
        let clean = Self.dial(Self.allKeys, dBm0: dBm0)
        let noise = Signals.whiteNoise(count: clean.count, power: 1, seed: 42)
        let noisy = Signals.quantize(Signals.addNoise(noise, to: clean, snr: 20))
        #expect(DTMFDetector.keys(in: noisy) == Self.allKeys)
    }

    @Test(arguments: ["speech-en.wav", "speech-zh.wav"], [-10.0, -20.0, -25.0])
    func everyKeyIsDetectedOverSpeechAt20dBSNR(fixture: String, dBm0: Double) throws {
        let clean = Self.dial(Self.allKeys, dBm0: dBm0)
        // The talker goes on through the gaps too: speech as continuous noise.
        let speech = try Fixtures.speech(fixture).dropFirst(4000).map(Double.init)
        let noisy = Signals.quantize(Signals.addNoise(speech, to: clean, snr: 20))
        #expect(DTMFDetector.keys(in: noisy) == Self.allKeys)
    }

    @Test func everyKeySurvivesG711() {
        let samples = Signals.quantize(Self.dial(Self.allKeys, dBm0: -20))
        #expect(DTMFDetector.keys(in: samples.map { G711.ulawToLinear(G711.linearToUlaw($0)) }) == Self.allKeys)
        #expect(DTMFDetector.keys(in: samples.map { G711.alawToLinear(G711.linearToAlaw($0)) }) == Self.allKeys)
    }

    @Test func howTheSamplesAreChunkedDoesNotMatter() {
        let samples = Signals.quantize(Self.dial("159#D", ms: 45, gap: 45))
        for chunk in [1, 7, 33, 34, 102, 160, 1000] {
            #expect(DTMFDetector.keys(in: samples, chunk: chunk) == "159#D", "chunk \(chunk)")
        }
    }

    @Test func fortyMillisecondKeysCountWhateverTheirAlignment() {
        for offset in 0..<34 {
            let signal = Signals.silence(ms: 30) + Signals.silence(ms: Double(offset) / 8)
                + Self.dial("1*D9", ms: 40, gap: 40)
            #expect(DTMFDetector.keys(in: Signals.quantize(signal)) == "1*D9", "offset \(offset)")
        }
    }

    @Test func twentyMillisecondKeysDoNotCountWhateverTheirAlignment() {
        for offset in 0..<34 {
            let signal = Signals.silence(ms: 30) + Signals.silence(ms: Double(offset) / 8)
                + Self.dial(Self.allKeys, ms: 20, gap: 40, dBm0: -10)
            #expect(DTMFDetector.keys(in: Signals.quantize(signal)) == "", "offset \(offset)")
        }
    }

    @Test func aKeyHeldForOneSecondCountsOnce() {
        let clean = Self.dial("5", ms: 1000, gap: 100)
        let noisy = Signals.addNoise(Signals.whiteNoise(count: clean.count, power: 1, seed: 7), to: clean, snr: 20)
        #expect(DTMFDetector.keys(in: Signals.quantize(noisy)) == "5")
    }

    @Test func oneTwoOneWithFiftyMillisecondGapsCountsThree() {
        #expect(DTMFDetector.keys(in: Signals.quantize(Self.dial("121", ms: 60, gap: 50))) == "121")
    }

    @Test func theSameKeyTwiceWithAFortyMillisecondGapCountsTwice() {
        #expect(DTMFDetector.keys(in: Signals.quantize(Self.dial("77", ms: 60, gap: 40))) == "77")
    }

    @Test func aTenMillisecondDropOutInAHeldKeyDoesNotMakeASecondPress() {
        let signal = Signals.silence(ms: 40) + Signals.dtmf("8", ms: 200)
            + Signals.silence(ms: 10) + Signals.dtmf("8", ms: 200, phase: 1) + Signals.silence(ms: 40)
        #expect(DTMFDetector.keys(in: Signals.quantize(signal)) == "8")
    }

    @Test func aKeyChangingWithoutAGapCountsBoth() {
        let signal = Signals.silence(ms: 40) + Signals.dtmf("3", ms: 80) + Signals.dtmf("6", ms: 80) + Signals.silence(ms: 40)
        #expect(DTMFDetector.keys(in: Signals.quantize(signal)) == "36")
    }

    @Test func aSingleToneDoesNotCount() {
        for frequency in [697.0, 770, 852, 941, 1209, 1336, 1477, 1633] {
            let signal = Signals.sine(frequency, ms: 300, dBm0: -10) + Signals.silence(ms: 40)
            #expect(DTMFDetector.keys(in: Signals.quantize(signal)) == "", "\(frequency) Hz")
        }
    }

    @Test(arguments: [0.95, 1.05])
    func pairsDetunedByFivePercentDoNotCount(factor: Double) {
        for key in Self.allKeys {
            for (row, column) in [(factor, factor), (factor, 1), (1, factor)] {
                let signal = Signals.dtmf(key, ms: 300, dBm0: -10, rowFactor: row, columnFactor: column) + Signals.silence(ms: 40)
                #expect(DTMFDetector.keys(in: Signals.quantize(signal)) == "", "\(key) ×\(row) ×\(column)")
            }
        }
    }

    @Test(arguments: [0.985, 1.015])
    func pairsDetunedByOneAndAHalfPercentStillCount(factor: Double) {
        for key in Self.allKeys {
            let signal = Signals.dtmf(key, ms: 60, rowFactor: factor, columnFactor: factor) + Signals.silence(ms: 40)
            #expect(DTMFDetector.keys(in: Signals.quantize(signal)) == String(key), "\(key) ×\(factor)")
        }
    }

    @Test func twistOfEightDBNormalAndFourDBReverseCounts() {
        for key in Self.allKeys {
            for twist in [-8.0, 4.0] {
                for phase in 0..<5 {
                    let signal = Signals.dtmf(key, ms: 60, columnOverRow: twist, phase: Double(phase)) + Signals.silence(ms: 40)
                    #expect(DTMFDetector.keys(in: Signals.quantize(signal)) == String(key), "\(key) at \(twist) dB, phase \(phase)")
                }
            }
        }
    }

    @Test func twistOfTwelveDBNormalOrEightDBReverseDoesNotCount() {
        for key in Self.allKeys {
            for twist in [-12.0, 8.0] {
                for phase in 0..<5 {
                    let signal = Signals.dtmf(key, ms: 200, columnOverRow: twist, phase: Double(phase)) + Signals.silence(ms: 40)
                    #expect(DTMFDetector.keys(in: Signals.quantize(signal)) == "", "\(key) at \(twist) dB, phase \(phase)")
                }
            }
        }
    }

    @Test func keysBelowMinus36dBm0DoNotCountAndJustAboveDo() {
        #expect(DTMFDetector.keys(in: Signals.quantize(Self.dial(Self.allKeys, dBm0: -40))) == "")
        #expect(DTMFDetector.keys(in: Signals.quantize(Self.dial(Self.allKeys, dBm0: -34))) == Self.allKeys)
    }

    @Test func resetForgetsAKeyInProgress() {
        let key = Signals.quantize(Signals.dtmf("4", ms: 200))
        var detector = DTMFDetector()
        var keys = ""
        key.withUnsafeBufferPointer { detector.process($0) { keys.append($0) } }
        detector.reset()
        key.withUnsafeBufferPointer { detector.process($0) { keys.append($0) } }
        #expect(keys == "44")
    }
}
