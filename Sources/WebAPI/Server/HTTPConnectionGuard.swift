import NIOCore

/// The first handler of every web connection, on raw bytes: it applies the
/// connection caps, and until the first request head has arrived whole it
/// enforces the head's deadline and size (a client that connects and sends
/// nothing, or a header byte at a time, is answered 408; an oversized head
/// 431). After the first head it only watches; the HTTP handlers after it
/// bound later requests (`RequestBodyDeadline`, the idle timeout).
final class HTTPConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let connections: HTTPConnections
    private var address = ""
    private var admitted = false
    private var firstHeadSeen = false
    private var headBytes = 0
    /// The last bytes read, to find a CRLFCRLF split across reads.
    private var tail: UInt32 = 0
    private var deadline: Scheduled<Void>?
    private var refused = false

    init(connections: HTTPConnections) {
        self.connections = connections
    }

    func channelActive(context: ChannelHandlerContext) {
        address = context.channel.remoteAddress?.ipAddress ?? "?"
        guard connections.admit(context.channel, address: address) else {
            refuse(context, "503 Service Unavailable")
            return
        }
        admitted = true
        let limits = connections.limits
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: limits.headerTimeout) { [weak self] in
            guard let self, !self.firstHeadSeen else { return }
            self.connections.noteTimeout()
            self.refuse(context, "408 Request Timeout")
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        if admitted { connections.release(context.channel, address: address) }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard admitted, !refused else { return }
        if !firstHeadSeen {
            let bytes = unwrapInboundIn(data)
            var tail = self.tail
            var consumed = 0
            var end = false
            for byte in bytes.readableBytesView {
                consumed += 1
                tail = tail << 8 | UInt32(byte)
                if tail == 0x0D0A_0D0A {
                    end = true
                    break
                }
            }
            self.tail = tail
            headBytes += consumed
            if headBytes > connections.limits.maxHeadBytes {
                refuse(context, "431 Request Header Fields Too Large")
                return
            }
            if end {
                firstHeadSeen = true
                deadline?.cancel()
                deadline = nil
            }
        }
        context.fireChannelRead(data)
    }

    /// Answers with a bare status (the HTTP handlers have no request to answer yet) and closes.
    private func refuse(_ context: ChannelHandlerContext, _ status: String) {
        guard context.channel.isActive, !refused else { return }
        refused = true
        let text = "HTTP/1.1 \(status)\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: text))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}
