import Foundation

/// A call's ring and talk time in whole seconds, from its timestamps:
/// it rang from the start until answered (or, unanswered, until it ended)
/// and talked from the answer to the end.
public struct CallDurations: Sendable, Equatable {
    public var ring: Int
    public var talk: Int

    public init(startedAt: Date, answeredAt: Date?, endedAt: Date) {
        ring = Self.seconds(from: startedAt, to: answeredAt ?? endedAt)
        talk = answeredAt.map { Self.seconds(from: $0, to: endedAt) } ?? 0
    }

    /// Rounded to the nearest second; never negative (clocks can step back).
    static func seconds(from start: Date, to end: Date) -> Int {
        let interval = end.timeIntervalSince(start)
        guard interval.isFinite, interval > 0 else { return 0 }
        return Int(min(interval.rounded(), Double(Int32.max)))
    }
}
