import Media
import NIOCore

/// Legs that hear more than one other leg: a conference, or a supervisor
/// listening, whispering or barging in. The legs' audio is decoded into the
/// mixer as it arrives; each tick mixes a frame per listener (`AudioMixer`:
/// each hears its own set) and sends it in the listener's codec. A leg
/// that hears exactly one other keeps the plain relay.
extension MediaCall {
    /// Who hears whom: every key is a leg on the mix and the legs it hears
    /// (never itself). An empty map ends the mix (everyone back to silence:
    /// set their sources again with `hear`).
    public func mix(_ hearing: [Int: Set<Int>]) {
        enqueue { self.setMix(hearing) }
    }

    private func setMix(_ hearing: [Int: Set<Int>]) {
        for slot in slots.indices where slots[slot] != nil {
            slots[slot]!.mixIndex = nil
            slots[slot]!.mixed = false
        }
        let legs = Set(hearing.keys).union(hearing.values.flatMap { $0 }).filter { slotOfLeg[$0] != nil }.sorted()
        guard !legs.isEmpty, legs.count <= AudioMixer.capacity else {
            mixer = nil
            return
        }
        var state = CallMixer(participants: legs.count)
        for (index, leg) in legs.enumerated() {
            let slot = slotOfLeg[leg]!
            slots[slot]!.mixIndex = index
            state.slots.append(slot)
        }
        for (listener, heard) in hearing {
            guard let index = legs.firstIndex(of: listener) else { continue }
            let speakers = heard.subtracting([listener]).compactMap { legs.firstIndex(of: $0) }
            state.mixer.setHears(index, ParticipantSet(speakers))
            let slot = slotOfLeg[listener]!
            if heard.count == 1, let only = heard.first {
                // One voice: the relay carries it, untouched.
                slots[slot]!.source = .leg(only)
            } else {
                slots[slot]!.source = .mix
                slots[slot]!.mixed = true
                slots[slot]!.stream.marker = true
            }
            slots[slot]!.player = nil
            playing.remove(slot)
        }
        mixer = state
        replan()
        service.ticker(for: eventLoop).add(self)
    }

    /// One mixed frame to every leg that hears the mix.
    func mixTick() {
        guard var state = mixer else { return }
        state.prepareInputs()
        state.mix()
        mixer = state
        for (index, slot) in state.slots.enumerated() where slots[slot]?.mixed == true {
            state.withOutput(index) { frame in send(frame, to: slot) }
        }
    }
}

/// The mixer of one call with its input rings and frame buffers, allocated
/// when the mix is set up (never per frame).
struct CallMixer {
    var mixer: AudioMixer
    /// Participant → slot.
    var slots: [Int] = []
    /// Decoded audio waiting to be mixed, per participant (200 ms each).
    var rings: [SampleFIFO]
    var inputs: [Int16]
    var outputs: [Int16]

    init(participants: Int) {
        mixer = AudioMixer(participants: participants)
        rings = Array(repeating: SampleFIFO(capacity: 1_600), count: participants)
        inputs = Array(repeating: 0, count: participants * AudioMixer.frameSamples)
        outputs = Array(repeating: 0, count: participants * AudioMixer.frameSamples)
    }

    mutating func append(_ payload: UnsafeRawBufferPointer, codec: AudioCodec, participant: Int) {
        switch codec {
        case .pcmu: for byte in payload { rings[participant].push(G711.ulawToLinear(byte)) }
        case .pcma: for byte in payload { rings[participant].push(G711.alawToLinear(byte)) }
        }
    }

    /// A frame per participant from its ring (silence where it has fallen behind).
    mutating func prepareInputs() {
        let n = AudioMixer.frameSamples
        for participant in rings.indices {
            for i in 0..<n { inputs[participant * n + i] = rings[participant].pop() }
        }
    }

    mutating func mix() {
        inputs.withUnsafeBufferPointer { inputs in
            outputs.withUnsafeMutableBufferPointer { outputs in mixer.mix(inputs, into: outputs) }
        }
    }

    func withOutput(_ participant: Int, _ body: (UnsafeBufferPointer<Int16>) -> Void) {
        let n = AudioMixer.frameSamples
        outputs.withUnsafeBufferPointer { outputs in body(UnsafeBufferPointer(rebasing: outputs[(participant * n)..<(participant * n + n)])) }
    }
}
