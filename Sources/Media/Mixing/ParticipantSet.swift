/// A set of mixer participants, by index 0…63, as one 64-bit mask.
public struct ParticipantSet: Hashable, Sendable, ExpressibleByArrayLiteral {
    public var bits: UInt64

    public init() { bits = 0 }

    public init(bits: UInt64) { self.bits = bits }

    public init(_ participants: some Sequence<Int>) {
        bits = 0
        for participant in participants { insert(participant) }
    }

    public init(arrayLiteral participants: Int...) {
        self.init(participants)
    }

    /// Participants 0 ..< `count`.
    public static func first(_ count: Int) -> ParticipantSet {
        precondition((0...64).contains(count), "a mixer has at most 64 participants")
        return ParticipantSet(bits: count == 64 ? .max : (1 << UInt64(count)) - 1)
    }

    public var isEmpty: Bool { bits == 0 }
    public var count: Int { bits.nonzeroBitCount }

    public func contains(_ participant: Int) -> Bool {
        (0..<64).contains(participant) && bits & (1 << UInt64(participant)) != 0
    }

    public mutating func insert(_ participant: Int) {
        precondition((0..<64).contains(participant), "participant \(participant) out of 0..<64")
        bits |= 1 << UInt64(participant)
    }

    public mutating func remove(_ participant: Int) {
        guard (0..<64).contains(participant) else { return }
        bits &= ~(1 << UInt64(participant))
    }

    public func removing(_ participant: Int) -> ParticipantSet {
        var copy = self
        copy.remove(participant)
        return copy
    }
}
