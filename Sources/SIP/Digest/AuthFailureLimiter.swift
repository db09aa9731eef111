import Foundation

/// Registration brute-force defence: an address that fails authentication
/// `limit` times within `window` is blocked for `blockFor`. A value with
/// time passed in, so the rule is tested without sockets or clocks.
public struct AuthFailureLimiter: Sendable {
    public struct Block: Sendable, Equatable {
        public var address: String
        public var failures: Int
        public var blockedAt: Date
        public var until: Date
    }

    public var limit: Int
    public var window: TimeInterval
    public var blockFor: TimeInterval
    private var failures: [String: [Date]] = [:]
    private var blocks: [String: Block] = [:]

    public init(limit: Int = 10, window: TimeInterval = 60, blockFor: TimeInterval = 600) {
        self.limit = limit
        self.window = window
        self.blockFor = blockFor
    }

    public mutating func isBlocked(_ address: String, now: Date) -> Bool {
        guard let block = blocks[address] else { return false }
        if block.until <= now {
            blocks[address] = nil
            return false
        }
        return true
    }

    /// Records a failure; returns the new block when this failure caused one.
    @discardableResult
    public mutating func recordFailure(_ address: String, now: Date) -> Block? {
        var recent = (failures[address] ?? []).filter { now.timeIntervalSince($0) < window }
        recent.append(now)
        if recent.count >= limit {
            failures[address] = nil
            let block = Block(address: address, failures: recent.count, blockedAt: now, until: now.addingTimeInterval(blockFor))
            blocks[address] = block
            return block
        }
        failures[address] = recent
        if failures.count > 100_000 { failures = failures.filter { $0.value.contains { now.timeIntervalSince($0) < window } } }
        return nil
    }

    public mutating func recordSuccess(_ address: String) {
        failures[address] = nil
    }

    public mutating func activeBlocks(now: Date) -> [Block] {
        blocks = blocks.filter { $0.value.until > now }
        return blocks.values.sorted { $0.blockedAt < $1.blockedAt }
    }

    @discardableResult
    public mutating func unblock(_ address: String) -> Bool {
        failures[address] = nil
        return blocks.removeValue(forKey: address) != nil
    }
}
