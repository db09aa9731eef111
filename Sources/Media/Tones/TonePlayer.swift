/// Plays a `TonePattern` frame by frame into the caller's buffers.
/// Allocates nothing after `init`; frames may be of any size.
public struct TonePlayer: Sendable {
    public let pattern: TonePattern
    /// The current cadence step (even: on, odd: off) and the sample in it.
    private var step = 0
    private var position = 0
    /// Where the tone is in its table: each burst starts at phase zero.
    private var phase = 0
    /// A pattern that does not repeat has played out; from then on it renders silence.
    public private(set) var isFinished = false

    public init(_ pattern: TonePattern) {
        self.pattern = pattern
    }

    /// Starts the pattern over from its first burst.
    public mutating func restart() {
        step = 0
        position = 0
        phase = 0
        isFinished = false
    }

    /// Fills `frame` with the next samples.
    public mutating func render(into frame: UnsafeMutableBufferPointer<Int16>) {
        let cadence = pattern.cadence
        guard !pattern.frequencies.isEmpty, !cadence.isEmpty, !isFinished else {
            frame.update(repeating: 0)
            return
        }
        let ramp = TonePattern.rampSamples
        pattern.table.withUnsafeBufferPointer { table in
            for i in frame.indices {
                // Skip empty steps (e.g. a zero-length pause).
                while !isFinished, position >= cadence[step] { advance(cadence.count) }
                guard !isFinished else {
                    frame[i] = 0
                    continue
                }
                if step & 1 == 0 {
                    let length = cadence[step]
                    let edge = min(position + 1, length - position, ramp)
                    let sample = Int32(table[phase])
                    frame[i] = edge >= ramp ? Int16(sample) : Int16(sample * Int32(edge) / Int32(ramp))
                    phase = phase + 1 == table.count ? 0 : phase + 1
                } else {
                    frame[i] = 0
                }
                position += 1
            }
        }
    }

    private mutating func advance(_ steps: Int) {
        position = 0
        phase = 0
        step += 1
        if step == steps {
            if pattern.repeats {
                step = 0
            } else {
                isFinished = true
            }
        }
    }
}
