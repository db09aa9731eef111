import Foundation
import Synchronization

/// Keeps what every request needs — the principal behind a session token
/// and the department tree — for a few seconds, so a list request costs
/// its own queries only. Any write to users, roles or departments drops
/// everything at once, so a revoked right never outlives the write.
public final class AuthorizationCache: Sendable {
    public let ttl: TimeInterval

    private struct State {
        var principals: [String: (principal: Principal, stored: Date)] = [:]
        var tree: DepartmentTree?
        var generation = 0
    }

    private let state = Mutex(State())

    public init(ttl: TimeInterval = 10) {
        self.ttl = ttl
    }

    /// Forget everything: called after any organization write.
    public func invalidate() {
        state.withLock { state in
            state.principals.removeAll(keepingCapacity: true)
            state.tree = nil
            state.generation &+= 1
        }
    }

    public func forget(tokenDigest: String) {
        _ = state.withLock { $0.principals.removeValue(forKey: tokenDigest) }
    }

    func principal(tokenDigest: String, now: Date) -> Principal? {
        state.withLock { state in
            guard let entry = state.principals[tokenDigest], now.timeIntervalSince(entry.stored) < ttl else { return nil }
            return entry.principal
        }
    }

    /// Stores a principal read at `generation` unless the organization changed meanwhile.
    func store(_ principal: Principal, tokenDigest: String, now: Date, generation: Int) {
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.principals.count > 10_000 { state.principals.removeAll(keepingCapacity: true) }
            state.principals[tokenDigest] = (principal, now)
        }
    }

    var generation: Int { state.withLock { $0.generation } }

    /// The department tree, read through `load` when not cached.
    public func tree(_ load: () async throws -> [Department]) async throws -> DepartmentTree {
        if let tree = state.withLock({ $0.tree }) { return tree }
        let generation = self.generation
        let tree = DepartmentTree(try await load())
        state.withLock { state in
            if state.generation == generation { state.tree = tree }
        }
        return tree
    }
}
