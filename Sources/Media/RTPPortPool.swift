/// The RTP port pairs of `--rtp-ports`: an even port for RTP and the next
/// one for RTCP (RFC 3550 §11). Handed out round-robin so a port just
/// freed is not reused at once (late packets of the old call would land in
/// the new one).
public struct RTPPortPool: Sendable {
    public let range: ClosedRange<Int>
    private var free: [Int]
    private var next = 0
    private var inUse: Set<Int> = []

    public init(range: ClosedRange<Int>) {
        self.range = range
        let first = range.lowerBound % 2 == 0 ? range.lowerBound : range.lowerBound + 1
        free = Array(stride(from: first, to: range.upperBound, by: 2))
    }

    public var capacity: Int { free.count }
    public var available: Int { free.count - inUse.count }

    /// The RTP port of a free pair, or nil when every pair is taken.
    public mutating func take() -> Int? {
        guard !free.isEmpty else { return nil }
        for _ in 0..<free.count {
            let port = free[next]
            next = (next + 1) % free.count
            if !inUse.contains(port) {
                inUse.insert(port)
                return port
            }
        }
        return nil
    }

    public mutating func release(_ port: Int) {
        inUse.remove(port)
    }
}
