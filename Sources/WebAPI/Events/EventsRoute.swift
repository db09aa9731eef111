import CallCenter
import Foundation
import Hummingbird
import HummingbirdWebSocket
import ServiceLifecycle

/// `GET /api/v1/events`: the WebSocket of live events. The session cookie
/// (or a bearer token) authenticates the upgrade; a request without a
/// valid session is refused before upgrading.
enum EventsRoute {
    static func register(on router: Router<AppRequestContext>, accounts: AccountService, hub: EventHub) {
        router.ws("/api/v1/events") { request, _ in
            // Browsers name the page on every upgrade: another site's page may not listen in.
            guard OriginCheck.isSameOrigin(request, requireOrigin: false) else { return .dontUpgrade }
            guard let token = Credentials.token(in: request), let principal = try? await accounts.authenticate(token: token),
                !principal.user.mustChangePassword
            else { throw DomainError(.unauthenticated, "Sign in first.") }
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            guard let token = Credentials.token(in: context.request), let principal = try? await accounts.authenticate(token: token) else { return }
            let (id, events) = hub.subscribe(userId: principal.userId)
            defer { hub.cancel(id) }
            // Until the tab goes away or the server stops (a stopping server must not wait for open tabs).
            try? await cancelWhenGracefulShutdown {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await event in events { try await outbound.write(.text(event)) }
                    }
                    group.addTask {
                        for try await _ in inbound.messages(maxSize: 1 << 14) {}
                    }
                    _ = try await group.next()
                    group.cancelAll()
                }
            }
        }
    }
}
