import Foundation

/// 通话记录: the call detail records under the caller's data scope, which
/// applies to the call's agent as it applies to a customer's owner.
public struct CallRecordService: Sendable {
    let repos: Repositories

    public init(repos: Repositories) {
        self.repos = repos
    }

    public func visibility(for actor: Actor) async throws -> CustomerVisibility {
        let tree = try await repos.authorization.tree { try await repos.departments.all() }
        return actor.principal.customerVisibility(in: tree)
    }

    /// A filter in the caller's scope, with the search form's values.
    public func filter(by actor: Actor, _ build: (inout CallFilter) -> Void = { _ in }) async throws -> CallFilter {
        var filter = CallFilter(visibility: try await visibility(for: actor))
        build(&filter)
        return filter
    }

    public func list(_ query: ListQuery, filter: CallFilter) async throws -> Page<CallRecord> {
        try await repos.calls.list(query, filter: filter)
    }

    /// The call, or not-found when it does not exist or lies outside the
    /// caller's scope (a guessed id learns nothing).
    public func get(_ id: Int64, by actor: Actor) async throws -> CallRecord {
        guard let call = try await repos.calls.get(id, visibility: try await visibility(for: actor)) else {
            throw DomainError.notFound("call")
        }
        return call
    }
}
