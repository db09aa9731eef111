import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request body stalls (no part for
/// `bodyIdleTimeout`) or takes longer than `bodyTimeout` in all. Between the
/// end of the body and the response the server is working, so nothing is
/// timed then; between requests Hummingbird's idle timeout applies.
final class RequestBodyDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let connections: HTTPConnections
    private var started: NIODeadline?
    private var lastPart = NIODeadline.now()
    private var check: Scheduled<Void>?

    init(connections: HTTPConnections) {
        self.connections = connections
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let now = NIODeadline.now()
        lastPart = now
        switch unwrapInboundIn(data) {
        case .head:
            started = now
            if check == nil { scheduleCheck(context) }
        case .body:
            break
        case .end:
            started = nil
        }
        context.fireChannelRead(data)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        check?.cancel()
        check = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        check?.cancel()
        check = nil
        context.fireChannelInactive()
    }

    /// Looks once a second while a body is being read.
    private func scheduleCheck(_ context: ChannelHandlerContext) {
        let limits = connections.limits
        check = context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(1)) { [weak self] in
            guard let self else { return }
            self.check = nil
            guard let started = self.started else { return }
            let now = NIODeadline.now()
            if now - self.lastPart > limits.bodyIdleTimeout || now - started > limits.bodyTimeout {
                self.started = nil
                self.connections.noteTimeout()
                context.close(promise: nil)
            } else {
                self.scheduleCheck(context)
            }
        }
    }
}
