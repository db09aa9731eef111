import NIOCore
import Synchronization

/// Packet counts of every session on one media event loop, kept by that
/// loop alone (a plain increment per packet, no atomics) and read on it.
final class MediaLoopStats: @unchecked Sendable {
    var relayed = 0
    var dropped = 0
    /// Losses by sequence gaps, added when a session's media ends.
    var lost = 0
}

/// The media figures /metrics shows.
public struct MediaStatistics: Sendable, Equatable {
    public var packetsRelayed = 0
    public var packetsDropped = 0
    public var packetsLost = 0
    public var recordingsWritten = 0
    public var recordingsFailed = 0
    public var socketRestarts = 0
    public var activeSessions = 0
    /// Legs given a socket pair that rested after an earlier call, and the pairs resting now.
    public var pairsReused = 0
    public var pairsResting = 0
}

extension MediaService {
    /// Sums every loop's counters (each read on its own loop).
    public func statistics() async -> MediaStatistics {
        var total = MediaStatistics()
        for (loop, cache) in caches {
            total.pairsResting += (try? await loop.submit { cache.count }.get()) ?? 0
        }
        for (loop, stats) in loopStats {
            guard let (relayed, dropped, lost) = try? await loop.submit({ (stats.relayed, stats.dropped, stats.lost) }).get() else { continue }
            total.packetsRelayed += relayed
            total.packetsDropped += dropped
            total.packetsLost += lost
        }
        total.recordingsWritten = recordingsWritten.load(ordering: .relaxed)
        total.recordingsFailed = recordingsFailed.load(ordering: .relaxed)
        total.socketRestarts = socketRestarts.load(ordering: .relaxed)
        total.activeSessions = activeSessions
        total.pairsReused = pairsReused.load(ordering: .relaxed)
        return total
    }
}
