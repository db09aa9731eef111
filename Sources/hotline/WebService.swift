import Hummingbird
import ServiceLifecycle
import WebAPI

/// The web server as a service whose shutdown is bounded: requests in
/// progress get `shutdownGrace`, then every connection still open (an idle
/// keep-alive, a half-sent request, a WebSocket) is closed.
struct WebService: Service {
    let app: any Service
    let connections: HTTPConnections

    func run() async throws {
        let connections = self.connections
        try await withGracefulShutdownHandler {
            try await app.run()
        } onGracefulShutdown: {
            Task {
                try? await Task.sleep(for: connections.limits.shutdownGrace)
                connections.closeAll()
            }
        }
    }
}
