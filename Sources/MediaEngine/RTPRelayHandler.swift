import NIOCore

/// Feeds one RTP or RTCP socket of an endpoint into its call. Writes to
/// other endpoints are flushed once per read batch, so NIO sends them together.
final class RTPRelayHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    let call: MediaCall
    let slot: Int
    let rtcp: Bool

    init(call: MediaCall, slot: Int, rtcp: Bool) {
        self.call = call
        self.slot = slot
        self.rtcp = rtcp
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        if rtcp {
            call.receiveRTCP(envelope, slot: slot)
        } else {
            call.receiveRTP(envelope, slot: slot)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        call.flush()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP port unreachable and the like: a phone that went away. The
        // media timeout or the signalling ends the call, not a socket error.
    }
}
