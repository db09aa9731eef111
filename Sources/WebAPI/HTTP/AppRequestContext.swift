import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// Per-request context: Hummingbird's core plus the peer address (and the
/// WebSocket hand-over for `/api/v1/events`).
public struct AppRequestContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    public let webSocket: WebSocketHandlerReference<AppRequestContext>

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        webSocket = .init()
    }

    /// JSON bodies are small; logos have their own limit.
    public var maxUploadSize: Int { 1 << 20 }

    var clientAddress: String { remoteAddress?.ipAddress ?? "unknown" }
}
