import CallCenter
import Foundation
import Logging
import ServiceLifecycle

/// Turns the call engine's events into `call.*` WebSocket events for the
/// users on the call, in the order they happened. `call.ringing` carries
/// the customer matched by the caller's number, as far as the agent may
/// see customers (its data scope).
public final class CallEventRelay: CallEventSink, Service, Sendable {
    let hub: EventHub
    let repos: Repositories
    let logger: Logger
    private let stream: AsyncStream<CallEvent>
    private let input: AsyncStream<CallEvent>.Continuation

    public init(hub: EventHub, repos: Repositories, logger: Logger) {
        self.hub = hub
        self.repos = repos
        self.logger = logger
        // A stuck database must not pile events up without bound.
        (stream, input) = AsyncStream.makeStream(of: CallEvent.self, bufferingPolicy: .bufferingNewest(10_000))
    }

    public func send(_ event: CallEvent) {
        input.yield(event)
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            for await event in stream { await deliver(event) }
        } onGracefulShutdown: {
            self.input.finish()
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
