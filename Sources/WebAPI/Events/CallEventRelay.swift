import CallCenter
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Turns the call engine's events into `call.*` WebSocket events for the
/// users on the call, in the order they happened. `call.ringing` carries
/// the customer matched by the caller's number, as far as the agent may
/// see customers (its data scope).
public final class CallEventRelay: CallEventSink, Service, Sendable {
    let hub: EventHub
    let repos: Repositories
    let logger: Logger
    /// Events waiting, in order; wake-ups collapse so a busy server wakes
    /// the relay a few times a second, not once per event.
    private let queued = Mutex<[CallEvent]>([])
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    public init(hub: EventHub, repos: Repositories, logger: Logger) {
        self.hub = hub
        self.repos = repos
        self.logger = logger
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    public func send(_ event: CallEvent) {
        // A stuck database must not pile events up without bound.
        let first = queued.withLock { queue in
            if queue.count >= 10_000 { queue.removeFirst() }
            queue.append(event)
            return queue.count == 1
        }
        if first { wake.yield() }
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            for await _ in wakeups {
                let batch = queued.withLock { queue in
                    defer { queue = [] }
                    return queue
                }
                for event in batch { await deliver(event) }
                try? await Task.sleep(for: .milliseconds(20))
            }
        } onGracefulShutdown: {
            self.wake.finish()
        }
    }

    struct Body: Encodable {
        let callId: String
        let sipCallId: String
        let from: String
        let to: String
        let direction: CallDirection
        let at: Date
        var customer: CustomerBrief?
        var transferredTo: String?
        var disposition: CallDisposition?
        var hangupBy: HangupSide?
    }

    struct CustomerBrief: Encodable {
        let id: Int64
        let name: String
        let phone: String
    }

    func deliver(_ event: CallEvent) async {
        let info = event.info
        var body = Body(callId: info.callId, sipCallId: info.sipCallId, from: info.from, to: info.to, direction: info.direction, at: info.at)
        let type: String
        switch event {
        case .ringing: type = "call.ringing"
        case .answered: type = "call.answered"
        case .transferred(_, let to):
            type = "call.transferred"
            body.transferredTo = to
        case .ended(_, let disposition, let hangupBy):
            type = "call.ended"
            body.disposition = disposition
            body.hangupBy = hangupBy
        }
        for userId in Set(info.userIds) {
            var personal = body
            if case .ringing = event, hub.isListening(userId) {
                personal.customer = await customer(calling: info.from, seenBy: userId)
            }
            hub.publish(type, data: personal, to: userId)
        }
    }

    /// The customer one of whose numbers is `number`, if `userId` may see it.
    func customer(calling number: String, seenBy userId: Int64) async -> CustomerBrief? {
        do {
            guard let user = try await repos.users.get(userId) else { return nil }
            let principal = Principal(user: user, roles: try await repos.roles.get(ids: user.roleIds))
            guard principal.permissions.contains("crm.customers.view") else { return nil }
            let tree = try await repos.authorization.tree { try await repos.departments.all() }
            var filter = CustomerFilter(visibility: principal.customerVisibility(in: tree))
            filter.phone = PhoneNumber.normalize(number)
            let page = try await repos.crm.customers.list(ListQuery(pageSize: 1), filter: filter)
            return page.items.first.map { CustomerBrief(id: $0.id, name: $0.name, phone: $0.phone) }
        } catch {
            logger.warning("could not match a caller to a customer", metadata: ["error": "\(error)"])
            return nil
        }
    }
}
