import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore

/// Hummingbird's HTTP/1 + WebSocket channel with `HTTPConnectionGuard` in
/// front of it and the body deadline and idle timeout behind the decoder.
struct GuardedServerChannel<Inner: ServerChildChannel>: ServerChildChannel {
    typealias Value = Inner.Value
    let inner: Inner
    let connections: HTTPConnections

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        do {
            try channel.pipeline.syncOperations.addHandler(HTTPConnectionGuard(connections: connections), position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return inner.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

extension WebApp {
    /// The web server: HTTP/1.1 with the events WebSocket, every connection bounded by `connections.limits`.
    public static func server(router: Router<AppRequestContext>, connections: HTTPConnections) -> HTTPServerBuilder {
        let webSocketResponder = router.buildResponder()
        let limits = connections.limits
        return HTTPServerBuilder { responder in
            let inner = HTTP1WebSocketUpgradeChannel(
                responder: responder,
                webSocketResponder: webSocketResponder,
                configuration: .init(
                    http1: .init(
                        additionalChannelHandlers: [RequestBodyDeadline(connections: connections)],
                        idleTimeout: limits.idleTimeout
                    ),
                    // Pings every 30 s; a tab that does not answer is closed.
                    ws: .init(maxFrameSize: 1 << 14, autoPing: .enabled(timePeriod: .seconds(30)))
                )
            )
            return GuardedServerChannel(inner: inner, connections: connections)
        }
    }
}
