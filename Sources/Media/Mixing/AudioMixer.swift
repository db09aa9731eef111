/// Mixes 20 ms frames for up to 64 participants, each of whom hears the
/// set of others it is given: conference, or a supervisor's listen,
/// whisper and barge (`AudioMixer+Supervision.swift`).
///
/// Frames are 160 samples of 8 kHz audio, laid out one participant after
/// another in the caller's input and output buffers (participant `p` at
/// `p * 160`); a participant with nothing to say this tick sends zeros.
/// Sums saturate to the Int16 range instead of wrapping. `mix` allocates
/// nothing: its scratch is sized in `init`.
public struct AudioMixer: Sendable {
    public static let capacity = 64
    public static let frameSamples = 160

    /// Participants 0 ..< `count` take part; the rest of the inputs is ignored.
    public private(set) var count: Int
    private var hearing: [ParticipantSet]
    /// Sums in 32 bits: 64 full-scale frames need 22 bits.
    private var total: [Int32]
    private var sum: [Int32]

    /// `count` participants who hear nobody yet.
    public init(participants count: Int) {
        precondition((0...Self.capacity).contains(count), "a mixer has at most \(Self.capacity) participants")
        self.count = count
        hearing = Array(repeating: ParticipantSet(), count: Self.capacity)
        total = Array(repeating: 0, count: Self.frameSamples)
        sum = Array(repeating: 0, count: Self.frameSamples)
    }

    /// Changes the number of participants. Those who leave are forgotten
    /// (nobody hears them), those who join hear nobody until told.
    public mutating func setParticipants(_ newCount: Int) {
        precondition((0...Self.capacity).contains(newCount), "a mixer has at most \(Self.capacity) participants")
        let remaining = ParticipantSet.first(newCount)
        for p in 0..<Self.capacity {
            hearing[p] = p < newCount ? ParticipantSet(bits: hearing[p].bits & remaining.bits) : ParticipantSet()
        }
        count = newCount
    }

    public func hears(_ listener: Int) -> ParticipantSet {
        hearing[listener]
    }

    /// Whom `listener` hears; never itself, and only current participants.
    public mutating func setHears(_ listener: Int, _ speakers: ParticipantSet) {
        precondition((0..<count).contains(listener), "no participant \(listener)")
        hearing[listener] = ParticipantSet(bits: speakers.bits & ParticipantSet.first(count).bits).removing(listener)
    }

    /// Writes each participant's frame: the saturated sum of the frames of
    /// those it hears. Both buffers hold at least `count × 160` samples.
    public mutating func mix(_ inputs: UnsafeBufferPointer<Int16>, into outputs: UnsafeMutableBufferPointer<Int16>) {
        let n = Self.frameSamples
        precondition(inputs.count >= count * n && outputs.count >= count * n, "mixer buffers hold fewer than \(count) frames")
        let everyone = ParticipantSet.first(count)
        let count = self.count
        let hearing = self.hearing
        // Conference listeners hear the total less themselves: one pass over
        // all inputs instead of one per listener.
        var needsTotal = false
        for p in 0..<count where hearing[p] == everyone.removing(p) && hearing[p].count > 1 { needsTotal = true }
        total.withUnsafeMutableBufferPointer { total in
            sum.withUnsafeMutableBufferPointer { sum in
                if needsTotal { Self.add(everyone, of: inputs, into: total) }
                for listener in 0..<count {
                    let out = UnsafeMutableBufferPointer(rebasing: outputs[(listener * n)..<(listener * n + n)])
                    let heard = hearing[listener]
                    if needsTotal, heard == everyone.removing(listener), heard.count > 1 {
                        let own = listener * n
                        for i in 0..<n { out[i] = Self.saturate(total[i] - Int32(inputs[own + i])) }
                    } else {
                        Self.add(heard, of: inputs, into: sum)
                        for i in 0..<n { out[i] = Self.saturate(sum[i]) }
                    }
                }
            }
        }
    }

    private static func add(_ speakers: ParticipantSet, of inputs: UnsafeBufferPointer<Int16>, into sum: UnsafeMutableBufferPointer<Int32>) {
        let n = frameSamples
        for i in 0..<n { sum[i] = 0 }
        var bits = speakers.bits
        while bits != 0 {
            let start = bits.trailingZeroBitCount * n
            bits &= bits - 1
            for i in 0..<n { sum[i] += Int32(inputs[start + i]) }
        }
    }

    private static func saturate(_ value: Int32) -> Int16 {
        Int16(clamping: value)
    }
}
