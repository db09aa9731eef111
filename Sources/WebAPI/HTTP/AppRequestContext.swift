import Hummingbird
import NIOCore

/// Per-request context: Hummingbird's core plus the peer address.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// JSON bodies are small; logos have their own limit.
    public var maxUploadSize: Int { 1 << 20 }

    var clientAddress: String { remoteAddress?.ipAddress ?? "unknown" }
}
