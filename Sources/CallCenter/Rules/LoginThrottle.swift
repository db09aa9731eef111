import Foundation

/// Brute-force defence for the login form: after `limit` failures for one
/// key (a username or an address) inside `window`, further attempts wait
/// until the oldest failure leaves the window. Time is passed in, so the
/// rule is tested without a clock.
public struct LoginThrottle: Sendable {
    public var limit: Int
    public var window: TimeInterval
    private var failures: [String: [Date]] = [:]

    public init(limit: Int = 5, window: TimeInterval = 300) {
        self.limit = limit
        self.window = window
    }

    /// Seconds until `key` may try again, or `nil` when it may try now.
    public mutating func waitTime(for key: String, now: Date) -> Int? {
        prune(key, now: now)
        guard let recent = failures[key], recent.count >= limit, let oldest = recent.first else { return nil }
        return max(1, Int((oldest.addingTimeInterval(window).timeIntervalSince(now)).rounded(.up)))
    }

    public mutating func recordFailure(for key: String, now: Date) {
        prune(key, now: now)
        failures[key, default: []].append(now)
    }

    public mutating func recordSuccess(for key: String) {
        failures[key] = nil
    }

    private mutating func prune(_ key: String, now: Date) {
        guard var recent = failures[key] else { return }
        recent.removeAll { now.timeIntervalSince($0) >= window }
        failures[key] = recent.isEmpty ? nil : recent
        // Bound memory under a spray of usernames: forget keys nobody hits.
        if failures.count > 100_000 {
            failures = failures.filter { $0.value.contains { now.timeIntervalSince($0) < window } }
        }
    }
}
