import NIOCore

/// An RTP/RTCP socket pair at the server (an even port and the next one),
/// kept open from call to call: while a leg of a call owns it, its packets
/// go to that call; while it rests between calls, they are dropped and
/// their arrival noted, so a pair still receiving an old call's media is
/// not handed to a new one. Confined to its event loop.
final class RTPSocketPair: @unchecked Sendable {
    let port: Int
    let eventLoop: any EventLoop
    var rtp: (any Channel)?
    var rtcp: (any Channel)?
    /// The call and endpoint slot its packets go to; nil while it rests.
    private(set) var call: MediaCall?
    private(set) var slot = 0
    /// When a packet last came in while it rested (uptime nanoseconds).
    var lastStray: UInt64 = 0
    /// Closed for good, its port back in the pool.
    var discarded = false

    init(port: Int, eventLoop: any EventLoop) {
        self.port = port
        self.eventLoop = eventLoop
    }

    var isOpen: Bool { rtp != nil && rtcp != nil && !discarded }

    func assign(to call: MediaCall, slot: Int) {
        self.call = call
        self.slot = slot
    }

    func release() {
        call = nil
    }

    /// Takes a socket just bound for it; one that comes after the pair was
    /// closed for good (its leg left meanwhile) is closed at once.
    func adopt(_ channel: any Channel, rtcp: Bool) {
        if discarded {
            channel.close(promise: nil)
        } else if rtcp {
            self.rtcp = channel
        } else {
            rtp = channel
        }
    }
}

/// Feeds one socket of a pair into the call that owns the pair. Writes to
/// other endpoints are flushed once per read batch, so NIO sends them together.
final class RTPRelayHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    let pair: RTPSocketPair
    let rtcp: Bool

    init(pair: RTPSocketPair, rtcp: Bool) {
        self.pair = pair
        self.rtcp = rtcp
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let call = pair.call else {
            pair.lastStray = NIODeadline.now().uptimeNanoseconds
            return
        }
        let envelope = unwrapInboundIn(data)
        if rtcp {
            call.receiveRTCP(envelope, slot: pair.slot)
        } else {
            call.receiveRTP(envelope, slot: pair.slot)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        pair.call?.flush()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP port unreachable and the like: a phone that went away. The
        // media timeout or the signalling ends the call, not a socket error.
    }
}
