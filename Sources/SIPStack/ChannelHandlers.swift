import NIOCore
import SIP

/// UDP: each datagram is one message (RFC 3261 §18.3).
final class SIPDatagramHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let endpoint: SIPEndpoint

    init(endpoint: SIPEndpoint) { self.endpoint = endpoint }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        // Keep-alive pings (CRLF) carry no message.
        guard envelope.data.readableBytes > 4 else { return }
        endpoint.inUDPReadBatch = true
        endpoint.receive(datagram: envelope.data, from: SIPPeer(transport: .udp, address: envelope.remoteAddress))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        endpoint.udpReadBatchEnded()
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP port unreachable and friends: a UDP socket keeps serving.
        endpoint.logger.debug("UDP error", metadata: ["error": "\(error)"])
    }
}

/// TCP: a byte stream framed by Content-Length (RFC 3261 §18.3), with
/// RFC 5626 CRLF keep-alives answered.
final class SIPStreamHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let endpoint: SIPEndpoint
    private var framer: SIPStreamFramer
    private var remote: SocketAddress?

    init(endpoint: SIPEndpoint) {
        self.endpoint = endpoint
        self.framer = SIPStreamFramer(configuration: endpoint.configuration.parser)
    }

    func channelActive(context: ChannelHandlerContext) {
        guard let remote = context.channel.remoteAddress, endpoint.connectionOpened(context.channel, remote: remote) else {
            context.close(promise: nil)
            return
        }
        self.remote = remote
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let remote { endpoint.connectionClosed(remote: remote) }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let remote else { return }
        framer.feed(unwrapInboundIn(data))
        let peer = SIPPeer(transport: .tcp, address: remote)
        while true {
            do {
                guard let event = try framer.next() else { return }
                switch event {
                case .message(let message):
                    endpoint.receive(message: message, from: peer)
                case .keepAlivePing:
                    context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "\r\n")), promise: nil)
                case .keepAlivePong:
                    break
                }
            } catch {
                // A stream that cannot be framed cannot be resynchronised: answer if we can, then close.
                endpoint.logger.debug("closing TCP connection after a framing error", metadata: ["sip.peer": "\(peer)", "sip.error": "\(error)"])
                context.close(promise: nil)
                return
            }
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
