import Media
import Testing

@Suite struct AudioMixerTests {
    /// A distinct tone per participant, each a whole number of cycles in a
    /// 20 ms frame (multiples of 50 Hz), so Goertzel tells them apart exactly.
    static let frequencies: [Double] = [450, 850, 1250, 1650, 2050, 2450]

    /// One tick: participant p says frequencies[p] at −10 dBm0 (or `inputs` if given).
    static func mix(_ mixer: inout AudioMixer, inputs given: [Int16]? = nil) -> [[Int16]] {
        let n = AudioMixer.frameSamples
        let inputs = given ?? (0..<mixer.count).flatMap {
            Tone.sine(frequency: frequencies[$0], amplitude: Tone.amplitude(dBm0: -10), sampleRate: 8000, count: n)
        }
        var outputs = [Int16](repeating: 0x5555, count: mixer.count * n)
        inputs.withUnsafeBufferPointer { input in
            outputs.withUnsafeMutableBufferPointer { mixer.mix(input, into: $0) }
        }
        return (0..<mixer.count).map { Array(outputs[($0 * n)..<($0 * n + n)]) }
    }

    /// Which participants' tones a frame holds: ≥ 90 % of a tone's power, or ≤ 0.1 %.
    static func heard(in frame: [Int16], participants: Int) -> Set<Int> {
        let expected = Tone.amplitude(dBm0: -10) * Tone.amplitude(dBm0: -10)
        var heard: Set<Int> = []
        for p in 0..<participants {
            let power = Tone.goertzelPower(frame, frequency: frequencies[p], sampleRate: 8000)
            if power > 0.9 * expected {
                heard.insert(p)
            } else {
                #expect(power < 0.001 * expected, "participant \(p) half-heard: \(power / expected)")
            }
        }
        return heard
    }

    @Test func conferenceEveryoneHearsEveryoneElseButNotThemselves() {
        var mixer = AudioMixer(participants: 5)
        mixer.conference()
        let out = Self.mix(&mixer)
        for p in 0..<5 {
            #expect(Self.heard(in: out[p], participants: 5) == Set(0..<5).subtracting([p]), "participant \(p)")
        }
    }

    @Test func listenTheSupervisorHearsBothAndNobodyHearsTheSupervisor() {
        let (supervisor, agent, customer) = (0, 1, 2)
        var mixer = AudioMixer(participants: 3)
        mixer.conference()
        mixer.supervise(.listen, supervisor: supervisor, agent: agent, customer: customer)
        let out = Self.mix(&mixer)
        #expect(Self.heard(in: out[supervisor], participants: 3) == [agent, customer])
        #expect(Self.heard(in: out[agent], participants: 3) == [customer])
        #expect(Self.heard(in: out[customer], participants: 3) == [agent])
    }

    @Test func whisperTheAgentHearsTheSupervisorAndTheCustomerDoesNot() {
        let (supervisor, agent, customer) = (2, 0, 1)
        var mixer = AudioMixer(participants: 3)
        mixer.supervise(.whisper, supervisor: supervisor, agent: agent, customer: customer)
        let out = Self.mix(&mixer)
        #expect(Self.heard(in: out[supervisor], participants: 3) == [agent, customer])
        #expect(Self.heard(in: out[agent], participants: 3) == [supervisor, customer])
        #expect(Self.heard(in: out[customer], participants: 3) == [agent])
    }

    @Test func bargeAllThreeHearEachOther() {
        let (supervisor, agent, customer) = (1, 2, 0)
        var mixer = AudioMixer(participants: 3)
        mixer.supervise(.listen, supervisor: supervisor, agent: agent, customer: customer)
        mixer.supervise(.barge, supervisor: supervisor, agent: agent, customer: customer)
        let out = Self.mix(&mixer)
        #expect(Self.heard(in: out[supervisor], participants: 3) == [agent, customer])
        #expect(Self.heard(in: out[agent], participants: 3) == [supervisor, customer])
        #expect(Self.heard(in: out[customer], participants: 3) == [agent, supervisor])
    }

    @Test func supervisionLeavesOtherParticipantsAlone() {
        // A second call in the same mixer (3 and 4) goes on untouched.
        var mixer = AudioMixer(participants: 5)
        mixer.setHears(3, [4])
        mixer.setHears(4, [3])
        mixer.supervise(.whisper, supervisor: 0, agent: 1, customer: 2)
        let out = Self.mix(&mixer)
        #expect(Self.heard(in: out[3], participants: 5) == [4])
        #expect(Self.heard(in: out[4], participants: 5) == [3])
        #expect(Self.heard(in: out[2], participants: 5) == [1])
    }

    @Test func aListenerNeverHearsItselfAndNobodyOutsideTheMixer() {
        var mixer = AudioMixer(participants: 3)
        mixer.setHears(1, [0, 1, 2, 40])
        #expect(mixer.hears(1) == [0, 2])
        let out = Self.mix(&mixer)
        #expect(Self.heard(in: out[1], participants: 3) == [0, 2])
        #expect(out[0].allSatisfy { $0 == 0 }, "participant 0 hears nobody")
    }

    @Test func sumsSaturateInsteadOfWrapping() {
        let n = AudioMixer.frameSamples
        let loud = Tone.sine(frequency: 450, amplitude: 0.9, sampleRate: 8000, count: n)
        var mixer = AudioMixer(participants: 3)
        mixer.setHears(2, [0, 1])
        let out = Self.mix(&mixer, inputs: loud + loud + [Int16](repeating: 0, count: n))[2]
        #expect(out.max() == Int16.max)
        #expect(out.min() == Int16.min)
        for i in 0..<n {
            let exact = 2 * Int(loud[i])
            #expect(Int(out[i]) == min(max(exact, -32768), 32767), "sample \(i)")
        }
    }

    @Test func conferenceOfSixtyFourMatchesANaiveSum() {
        var random = SplitMix64(seed: 64)
        let n = AudioMixer.frameSamples
        // Loud enough that many sums clip, with both mixing paths in use:
        // most listeners in conference, a few with sets of their own.
        let inputs = (0..<(64 * n)).map { _ in Int16.random(in: -3000...3000, using: &random) }
        var mixer = AudioMixer(participants: 64)
        mixer.conference()
        for p in stride(from: 0, to: 64, by: 7) {
            mixer.setHears(p, ParticipantSet(bits: UInt64.random(in: 0...UInt64.max, using: &random)))
        }
        let out = Self.mix(&mixer, inputs: inputs)
        for p in 0..<64 {
            let heard = mixer.hears(p)
            #expect(!heard.contains(p))
            let expected = (0..<n).map { i in
                Int16(clamping: (0..<64).filter { heard.contains($0) }.reduce(0) { $0 + Int(inputs[$1 * n + i]) })
            }
            #expect(out[p] == expected, "participant \(p)")
        }
    }

    @Test func leavingParticipantsAreNoLongerHeard() {
        var mixer = AudioMixer(participants: 4)
        mixer.conference()
        mixer.setParticipants(3)
        #expect(mixer.hears(0) == [1, 2])
        mixer.setParticipants(4)
        #expect(mixer.hears(3).isEmpty)
        #expect(mixer.hears(0) == [1, 2])
        let out = Self.mix(&mixer)
        #expect(Self.heard(in: out[1], participants: 4) == [0, 2])
    }
}
