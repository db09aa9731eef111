/// In-band DTMF (ITU-T Q.23 tones, Q.24 acceptance) for 8 kHz 16-bit
/// linear audio, such as decoded G.711 from a phone that does not send
/// RFC 4733 events.
///
/// Samples may come in chunks of any size. Every `hop` samples the last
/// `blockSize` samples (12.75 ms) are checked as one block by Goertzel at
/// the eight DTMF frequencies (`DTMFDetector+Block.swift` lists the checks).
/// A digit is reported once, at its start, when `blocksToStart` consecutive
/// blocks agree: their spans cover 238 samples, so any tone of 35 ms or more
/// is seen whatever its alignment, while a tone of 20 ms leaves the first or
/// the last of those blocks at most 63/102 tone, which fails the energy
/// check. The digit ends after `blocksToEnd` blocks without it (about 25 ms
/// of gap); only then may the same digit be reported again, so a 10 ms
/// drop-out in a held key does not make a second press.
///
/// Nothing is allocated after `init`.
public struct DTMFDetector: Sendable {
    /// Goertzel block: 102 samples, whose 78 Hz resolution parts adjacent
    /// row tones (73 Hz apart) by 22 dB, and short enough for 40 ms tones.
    static let blockSize = 102
    /// A block is checked every third of a block.
    static let hop = 34
    static let blocksToStart = 5
    static let blocksToEnd = 6

    /// The last `blockSize` samples, each written twice (at `i` and
    /// `i + blockSize`) so the block is always one contiguous run.
    private var window: [Float]
    private var writeIndex = 0
    private var filled = 0
    private var sinceCheck = 0
    /// The event code (0…15) the latest blocks agree on, and for how many blocks.
    private var candidate: Int = -1
    private var run = 0
    /// The digit reported last, until `blocksToEnd` blocks lack it.
    private var current: Int = -1
    private var misses = 0

    public init() {
        window = [Float](repeating: 0, count: 2 * Self.blockSize)
    }

    /// Forgets the audio and any digit in progress (e.g. after a re-INVITE
    /// changed the source).
    public mutating func reset() {
        self = DTMFDetector()
    }

    /// Feeds samples; `onDigit` gets each key (`0`–`9`, `*`, `#`, `A`–`D`)
    /// once, when it has lasted long enough to count.
    public mutating func process(_ samples: UnsafeBufferPointer<Int16>, onDigit: (Character) -> Void) {
        let n = Self.blockSize
        var index = 0
        while index < samples.count {
            let take = min(samples.count - index, Self.hop - sinceCheck)
            var writeIndex = self.writeIndex
            window.withUnsafeMutableBufferPointer { window in
                for i in index..<(index + take) {
                    let value = Float(samples[i]) * Self.scale
                    window[writeIndex] = value
                    window[writeIndex + n] = value
                    writeIndex = writeIndex == n - 1 ? 0 : writeIndex + 1
                }
            }
            self.writeIndex = writeIndex
            index += take
            filled = min(filled + take, n)
            sinceCheck += take
            guard sinceCheck == Self.hop else { continue }
            sinceCheck = 0
            guard filled == n else { continue }
            let code = window.withUnsafeBufferPointer { window in
                Self.classify(UnsafeBufferPointer(rebasing: window[writeIndex..<(writeIndex + n)]))
            }
            if let key = advance(code) { onDigit(key) }
        }
    }

    /// One block's verdict into the digit state; returns a key to report.
    private mutating func advance(_ code: Int) -> Character? {
        if code >= 0, code == candidate {
            run += 1
        } else {
            candidate = code
            run = code >= 0 ? 1 : 0
        }
        if current >= 0 {
            if code == current {
                misses = 0
            } else {
                misses += 1
                if misses >= Self.blocksToEnd { current = -1 }
            }
        }
        guard candidate >= 0, run >= Self.blocksToStart, candidate != current else { return nil }
        current = candidate
        misses = 0
        return TelephoneEvent.character(for: UInt8(candidate))
    }

    private static let scale = 1 / Float(Int16.max)
}
