import Media
import NIOCore

/// The socket pairs resting between calls on one media loop. Opening and
/// closing a leg's four sockets per call cost a quarter of the server's CPU
/// at 1,000 calls/s; a pair that rested `quarantine` quietly is as good as
/// a fresh one. Pairs resting longer than `maxIdle` are closed, so a burst
/// does not hold ports and descriptors for ever. Confined to its loop.
final class RTPSocketCache: @unchecked Sendable {
    static let quarantine = TimeAmount.milliseconds(500)
    static let maxIdle = TimeAmount.seconds(30)

    let eventLoop: any EventLoop
    private var idle: IdleQueue<RTPSocketPair>

    init(eventLoop: any EventLoop, limit: Int) {
        self.eventLoop = eventLoop
        idle = IdleQueue(limit: limit)
    }

    var count: Int { idle.count }

    /// A pair that rested long enough and heard nothing meanwhile; with
    /// `rested: false`, any open one (every port is taken otherwise). Pairs
    /// found broken or still receiving go to `discard`.
    func take(rested: Bool = true, discard: (RTPSocketPair) -> Void) -> RTPSocketPair? {
        let now = NIODeadline.now().uptimeNanoseconds
        let quarantine = UInt64(Self.quarantine.nanoseconds)
        return idle.take(
            now: now, quarantine: rested ? quarantine : 0,
            usable: { pair in pair.isOpen && (!rested || now &- pair.lastStray >= quarantine) },
            discard: discard)
    }

    /// Keeps `pair` for a later call; false when full (the caller closes it).
    func put(_ pair: RTPSocketPair) -> Bool {
        idle.put(pair, now: NIODeadline.now().uptimeNanoseconds)
    }

    /// Closes the pairs that rested too long (run now and then on the loop).
    func expire(discard: (RTPSocketPair) -> Void) {
        idle.expire(now: NIODeadline.now().uptimeNanoseconds, maxIdle: UInt64(Self.maxIdle.nanoseconds), discard: discard)
    }
}
