/// Counts the packets a stream lost from its sequence numbers (RFC 3550
/// §6.4.1, Appendix A.1 in spirit): the extended highest sequence number
/// minus the first one, plus one, is what was expected; what arrived is
/// counted. Duplicates and late packets count as received, as in the RFC;
/// a jump of more than `maxDropout` starts over (a new source or a restart).
public struct RTPSequenceTracker: Sendable {
    static let maxDropout: UInt16 = 3000
    static let maxMisorder: UInt16 = 100

    private var base: UInt32 = 0
    private var highest: UInt32 = 0
    private var started = false
    /// Packets counted since the last restart, and before it.
    private var received = 0
    private var settledExpected = 0
    private var settledReceived = 0

    public init() {}

    public mutating func observe(_ sequence: UInt16) {
        guard started else {
            started = true
            base = UInt32(sequence)
            highest = UInt32(sequence)
            received = 1
            return
        }
        received += 1
        let current = UInt16(truncatingIfNeeded: highest)
        let delta = sequence &- current
        if delta != 0, delta < Self.maxDropout {
            // In order, possibly with a gap; a wrap adds a cycle.
            highest = (highest & 0xFFFF_0000) + UInt32(sequence) + (sequence < current ? 0x1_0000 : 0)
        } else if delta != 0, delta <= UInt16.max - Self.maxMisorder {
            // A large jump: the stream was restarted. Keep what was counted so far.
            settledExpected += Int(highest - base) + 1
            settledReceived += received - 1
            base = UInt32(sequence)
            highest = UInt32(sequence)
            received = 1
        }
        // Otherwise a duplicate or a late packet: counted, nothing else.
    }

    public var expected: Int { started ? settledExpected + Int(highest - base) + 1 : 0 }
    /// Expected minus received, never below zero (duplicates can outnumber losses).
    public var lost: Int { max(0, expected - (settledReceived + received)) }
}
