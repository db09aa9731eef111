import Foundation

/// A part of the server that is not working, as `/healthz` names it.
public struct HealthProblem: Sendable, Encodable, Equatable {
    /// `database`, `sip`, `media`, or the name of a service that stopped.
    public var part: String
    public var reason: String

    public init(part: String, reason: String) {
        self.part = part
        self.reason = reason
    }
}

/// Runs `check` and gives up after `seconds`: a hung part must not hang the
/// health check that is meant to report it.
public func withDeadline<T: Sendable>(seconds: Double, _ check: @escaping @Sendable () async -> T) async -> T? {
    await withTaskGroup(of: T?.self) { group in
        group.addTask { await check() }
        group.addTask {
            try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            return nil
        }
        let first = await group.next() ?? nil
        group.cancelAll()
        return first
    }
}
