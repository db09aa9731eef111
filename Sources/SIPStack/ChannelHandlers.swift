import NIOCore
import SIP

/// UDP: each datagram is one message (RFC 3261 §18.3).
final class SIPDatagramHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let endpoint: SIPEndpoint

    /// The largest UDP payload (RFC 3261 §18.1.1 lets a message over UDP be
    /// any size the datagram carries).
    static let largestDatagram = 65_535

    init(endpoint: SIPEndpoint) { self.endpoint = endpoint }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        // Keep-alive pings (CRLF) carry no message.
        guard envelope.data.readableBytes > 4 else { return }
        endpoint.inUDPReadBatch = true
        // The message keeps only its own bytes: a transaction holding it does
        // not pin the 64 KiB receive buffer, which NIO then reads into again.
        var datagram = context.channel.allocator.buffer(capacity: envelope.data.readableBytes)
        datagram.writeImmutableBuffer(envelope.data)
        endpoint.receive(datagram: datagram, from: SIPPeer(transport: .udp, address: envelope.remoteAddress))
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
///
/// A connection is closed when it stays silent too long (a short limit
/// until a registration or call has been accepted on it, the configured
/// one after) or when a message it started does not complete in time, so
/// idle or slow clients cannot hold descriptors (docs/OPERATIONS.md).
final class SIPStreamHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let endpoint: SIPEndpoint
    private var framer: SIPStreamFramer
    private var remote: SocketAddress?
    private var lastRead = NIODeadline.now()
    /// When the message held in the framer began arriving.
    private var partialSince: NIODeadline?
    private var check: RepeatedTask?

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
        let limits = endpoint.configuration.tcpLimits
        let channel = context.channel
        check = context.eventLoop.scheduleRepeatedTask(initialDelay: limits.checkInterval, delay: limits.checkInterval) { [weak self] _ in
            guard let self, let remote = self.remote else { return }
            let now = NIODeadline.now()
            let idleLimit = self.endpoint.isEstablished(remote) ? limits.idle : limits.idleBeforeAccepted
            if now - self.lastRead > idleLimit {
                self.endpoint.logger.debug("closing an idle SIP TCP connection", metadata: ["sip.peer": "\(remote)"])
                channel.close(promise: nil)
            } else if let since = self.partialSince, now - since > limits.messageTime {
                self.endpoint.logger.debug("closing a SIP TCP connection whose message did not complete", metadata: ["sip.peer": "\(remote)"])
                channel.close(promise: nil)
            }
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        check?.cancel()
        check = nil
        if let remote { endpoint.connectionClosed(remote: remote) }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let remote else { return }
        let now = NIODeadline.now()
        lastRead = now
        framer.feed(unwrapInboundIn(data))
        let peer = SIPPeer(transport: .tcp, address: remote)
        while true {
            do {
                guard let event = try framer.next() else { break }
                switch event {
                case .message(let message):
                    endpoint.receive(message: message, from: peer)
                case .keepAlivePing:
                    context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "\r\n")), promise: nil)
                case .keepAlivePong:
                    break
                }
            } catch {
                // A stream that cannot be framed cannot be resynchronised: close it.
                endpoint.logger.debug("closing TCP connection after a framing error", metadata: ["sip.peer": "\(peer)", "sip.error": "\(error)"])
                context.close(promise: nil)
                return
            }
        }
        // Stray CR/LF bytes are keep-alives in the making, not a message.
        partialSince = framer.holdsPartialMessage ? (partialSince ?? now) : nil
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
