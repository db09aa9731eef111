import Media
import Testing

@Suite struct ToneTests {
    @Test func fullScaleSineHasRMSOfPeakOverRootTwo() {
        let sine = Tone.sine(frequency: 1000, amplitude: 1, sampleRate: 8000, count: 8000)
        #expect(sine.max() == 32767)
        #expect(abs(Tone.rms(sine) - 32767 / 2.0.squareRoot()) < 5)
        #expect(Tone.rms([Int16]()) == 0)
    }

    @Test func startSampleContinuesThePhase() {
        let whole = Tone.sine(frequency: 697, amplitude: 0.3, sampleRate: 8000, count: 320)
        let second = Tone.sine(frequency: 697, amplitude: 0.3, sampleRate: 8000, count: 160, startSample: 160)
        #expect(Array(whole[160...]) == second)
    }

    @Test func goertzelTellsA1000HzToneFromA1500HzOne() {
        // One 20 ms packet of 8 kHz audio.
        let tone = Tone.sine(frequency: 1000, amplitude: 0.5, sampleRate: 8000, count: 160)
        let at1000 = Tone.goertzelPower(tone, frequency: 1000, sampleRate: 8000)
        let at1500 = Tone.goertzelPower(tone, frequency: 1500, sampleRate: 8000)
        #expect(abs(at1000 - 0.25) < 0.01)
        #expect(at1500 < 0.001)
    }

    @Test func goertzelGivesAboutOneForAFullScaleSineAtAnyBlockLength() {
        for count in [160, 205, 800] {
            let tone = Tone.sine(frequency: 1209, amplitude: 1, sampleRate: 8000, count: count)
            #expect(abs(Tone.goertzelPower(tone, frequency: 1209, sampleRate: 8000) - 1) < 0.05, "N = \(count)")
        }
        #expect(Tone.goertzelPower([Int16](), frequency: 1000, sampleRate: 8000) == 0)
    }
}
