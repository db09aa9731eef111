import NIOCore

/// Feeds one RTP or RTCP socket of a leg into its session. Writes to the
/// other leg are flushed once per read batch, so NIO sends them together.
final class RTPRelayHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    let session: MediaSession
    let leg: MediaLeg
    let rtcp: Bool

    init(session: MediaSession, leg: MediaLeg, rtcp: Bool) {
        self.session = session
        self.leg = leg
        self.rtcp = rtcp
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        if rtcp {
            session.receiveRTCP(envelope, on: leg)
        } else {
            session.receiveRTP(envelope, on: leg)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        session.flush()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP port unreachable and the like: a phone that went away. The
        // media timeout or the signalling ends the call, not a socket error.
    }
}
