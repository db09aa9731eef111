import Media
import NIOCore
import NIOPosix

/// The two sides of a relayed call.
public enum MediaLeg: Int, Sendable, CaseIterable {
    /// The caller (A): recorded on the left channel.
    case caller = 0
    /// The callee (B): recorded on the right channel.
    case callee = 1

    public var other: MediaLeg { self == .caller ? .callee : .caller }
}

/// Packet counters of one leg, for tests, metrics and the CDR.
public struct LegCounters: Sendable, Equatable {
    /// RTP packets received from this leg's phone.
    public var received = 0
    /// RTP packets sent to this leg's phone.
    public var sent = 0
    /// Packets from this leg that could not be sent on (no destination yet,
    /// payload not negotiated, malformed).
    public var dropped = 0
    /// telephone-event packets received from this leg.
    public var events = 0
    public var latchedTo: String?
}

/// One call's media: two legs, each with its own RTP/RTCP port pair at the
/// server, relayed to each other. Confined to one event loop: every method
/// below runs on `eventLoop` (the public ones hop there themselves).
public final class MediaSession: @unchecked Sendable {
    public let eventLoop: any EventLoop
    /// The RTP ports at the server, per leg (RTCP on +1).
    public let ports: [Int]
    let release: @Sendable ([Int]) -> Void
    let stats: MediaLoopStats
    var recordingWritten: (@Sendable () -> Void)?

    var legs: [LegState]
    var plans: [ForwardPlan?] = [nil, nil]
    var recorder: CallRecorder?
    var closed = false
    var timeoutCheck: RepeatedTask?

    struct LegState {
        var rtp: (any Channel)?
        var rtcp: (any Channel)?
        var remoteRTP: SocketAddress?
        var remoteRTCP: SocketAddress?
        var latched = false
        var format: LegFormat?
        /// The phone asked for no media from us or to us (hold): no timeout.
        var quiet = false
        var lastPacket = NIODeadline.now()
        var lastFromRemote = NIODeadline.uptimeNanoseconds(0)
        var needsFlush = false
        var counters = LegCounters()
        var sequence = RTPSequenceTracker()
        /// Packets we change (payload type, transcoding) are built in these,
        /// round-robin: by the time a buffer comes round again NIO has sent
        /// and released it, so rewriting it allocates nothing. Mutating the
        /// received buffer instead would copy it (NIO still references it).
        var outputs: [ByteBuffer] = []
        var nextOutput = 0

        static let outputRing = 8

        /// The next output buffer's index, created on first use.
        mutating func takeOutput() -> Int {
            if outputs.count < Self.outputRing {
                outputs.append(ByteBufferAllocator().buffer(capacity: 256))
                return outputs.count - 1
            }
            nextOutput = (nextOutput + 1) % outputs.count
            return nextOutput
        }
    }

    init(eventLoop: any EventLoop, ports: [Int], stats: MediaLoopStats, release: @escaping @Sendable ([Int]) -> Void) {
        self.eventLoop = eventLoop
        self.ports = ports
        self.stats = stats
        self.release = release
        legs = [LegState(), LegState()]
    }

    // MARK: control (from the call engine)

    /// Where a leg's phone said it receives media (SDP `c=`/`m=`), and its
    /// negotiated format. Until the phone's first packet arrives it is sent
    /// to this address; then to wherever its packets come from (latching).
    public func configure(_ leg: MediaLeg, remoteHost: String, remotePort: Int, format: LegFormat, quiet: Bool = false) {
        eventLoop.execute {
            var state = self.legs[leg.rawValue]
            if MediaAddress.isUsableUnicast(remoteHost, port: remotePort), let address = try? SocketAddress(ipAddress: remoteHost, port: remotePort) {
                if !state.latched || state.remoteRTP?.ipAddress != address.ipAddress {
                    state.remoteRTP = address
                    state.remoteRTCP = try? SocketAddress(ipAddress: remoteHost, port: remotePort + 1)
                    state.latched = false
                }
            }
            state.format = format
            state.quiet = quiet
            self.legs[leg.rawValue] = state
            self.replan()
        }
    }

    private func replan() {
        for leg in MediaLeg.allCases {
            guard let from = legs[leg.rawValue].format, let to = legs[leg.other.rawValue].format else {
                plans[leg.rawValue] = nil
                continue
            }
            plans[leg.rawValue] = ForwardPlan(from: from, to: to)
        }
    }

    /// Calls `onTimeout` (on this loop) when neither phone has sent RTP for
    /// `seconds` while neither is on hold.
    public func watchMediaTimeout(seconds: Int, onTimeout: @escaping @Sendable () -> Void) {
        guard seconds > 0 else { return }
        eventLoop.execute {
            let limit = TimeAmount.seconds(Int64(seconds))
            let now = NIODeadline.now()
            for index in self.legs.indices { self.legs[index].lastPacket = now }
            self.timeoutCheck = self.eventLoop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { task in
                guard !self.closed else { task.cancel(); return }
                if self.legs.contains(where: \.quiet) { return }
                let now = NIODeadline.now()
                if self.legs.allSatisfy({ now - $0.lastPacket > limit }) {
                    task.cancel()
                    onTimeout()
                }
            }
        }
    }

    /// Records the call from now on into a stereo WAV at `path` (caller left, callee right).
    func startRecording(
        path: String, threadPool: NIOThreadPool, onFailure: @escaping @Sendable (String) -> Void, onWritten: @escaping @Sendable () -> Void
    ) {
        eventLoop.execute {
            guard !self.closed, self.recorder == nil else { return }
            self.recordingWritten = onWritten
            let recorder = CallRecorder(path: path, eventLoop: self.eventLoop, threadPool: threadPool, onFailure: onFailure)
            self.recorder = recorder
            recorder.start()
        }
    }

    /// A socket of this session closed without the session closing (a send
    /// error NIO treats as fatal): the caller opens it again on the same port.
    func socketClosed(_ leg: MediaLeg, rtcp: Bool, reopen: @escaping (MediaSession) -> EventLoopFuture<any Channel>) {
        eventLoop.assertInEventLoop()
        guard !closed else { return }
        reopen(self).whenSuccess { channel in
            guard !self.closed else {
                channel.close(promise: nil)
                return
            }
            if rtcp { self.legs[leg.rawValue].rtcp = channel } else { self.legs[leg.rawValue].rtp = channel }
        }
    }

    public func counters() -> EventLoopFuture<[LegCounters]> {
        eventLoop.submit { self.legs.map(\.counters) }
    }

    /// Closes the sockets and finishes the recording; the future completes
    /// when the WAV is complete on disk (with its byte count, if recorded).
    public func close() -> EventLoopFuture<Int?> {
        eventLoop.flatSubmit {
            guard !self.closed else { return self.eventLoop.makeSucceededFuture(nil) }
            self.closed = true
            self.timeoutCheck?.cancel()
            for leg in self.legs {
                leg.rtp?.close(promise: nil)
                leg.rtcp?.close(promise: nil)
            }
            self.release(self.ports)
            self.stats.lost += self.legs.reduce(0) { $0 + $1.sequence.lost }
            guard let recorder = self.recorder else { return self.eventLoop.makeSucceededFuture(nil) }
            let written = self.recordingWritten
            return recorder.finish().map { bytes in
                if !recorder.failed { written?() }
                return Optional(bytes)
            }
        }
    }

    // MARK: packets (on the loop, from RTPRelayHandler)

    func receiveRTP(_ envelope: AddressedEnvelope<ByteBuffer>, on leg: MediaLeg) {
        guard !closed else { return }
        let index = leg.rawValue
        legs[index].counters.received += 1
        let now = NIODeadline.now()
        legs[index].lastPacket = now
        guard latch(leg, source: envelope.remoteAddress, now: now) else {
            legs[index].counters.dropped += 1
            return
        }

        let target = leg.other.rawValue
        guard let plan = plans[index], let destination = legs[target].remoteRTP, let channel = legs[target].rtp else {
            legs[index].counters.dropped += 1
            return
        }
        let packet = envelope.data
        let header = packet.withUnsafeReadableBytes { RTPHeader($0) }
        guard let header else {
            legs[index].counters.dropped += 1
            stats.dropped += 1
            return
        }
        legs[index].sequence.observe(header.sequence)
        if header.payloadType == plan.from.telephoneEventPayloadType { legs[index].counters.events += 1 }
        if let recorder, header.payloadType == plan.from.audioPayloadType {
            packet.withUnsafeReadableBytes { bytes in
                let payload = UnsafeRawBufferPointer(rebasing: bytes[header.payloadOffset..<(header.payloadOffset + header.payloadLength)])
                recorder.append(payload, codec: plan.from.codec, channel: index)
            }
        }
        switch plan.verdict(payloadType: header.payloadType) {
        case .drop:
            legs[index].counters.dropped += 1
            stats.dropped += 1
            return
        case .forward:
            channel.write(AddressedEnvelope(remoteAddress: destination, data: packet), promise: nil)
        case .rewrite(let payloadType):
            let slot = legs[target].takeOutput()
            legs[target].outputs[slot].clear()
            legs[target].outputs[slot].writeImmutableBuffer(packet)
            legs[target].outputs[slot].withUnsafeMutableReadableBytes { RTPHeader.setPayloadType(payloadType, in: $0) }
            channel.write(AddressedEnvelope(remoteAddress: destination, data: legs[target].outputs[slot]), promise: nil)
        case .transcode(let transcoding, let payloadType):
            let slot = legs[target].takeOutput()
            legs[target].outputs[slot].clear()
            legs[target].outputs[slot].writeImmutableBuffer(packet)
            legs[target].outputs[slot].withUnsafeMutableReadableBytes { bytes in
                RTPHeader.setPayloadType(payloadType, in: bytes)
                let payload = UnsafeMutableRawBufferPointer(
                    rebasing: bytes[header.payloadOffset..<(header.payloadOffset + header.payloadLength)])
                switch transcoding {
                case .ulawToAlaw: G711.transcodeUlawToAlaw(payload)
                case .alawToUlaw: G711.transcodeAlawToUlaw(payload)
                case .none: break
                }
            }
            channel.write(AddressedEnvelope(remoteAddress: destination, data: legs[target].outputs[slot]), promise: nil)
        }
        legs[target].counters.sent += 1
        stats.relayed += 1
        legs[target].needsFlush = true
    }

    func receiveRTCP(_ envelope: AddressedEnvelope<ByteBuffer>, on leg: MediaLeg) {
        guard !closed else { return }
        if legs[leg.rawValue].remoteRTCP != envelope.remoteAddress, legs[leg.rawValue].latched {
            legs[leg.rawValue].remoteRTCP = envelope.remoteAddress
        }
        let target = legs[leg.other.rawValue]
        guard let destination = target.remoteRTCP, let channel = target.rtcp else { return }
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: destination, data: envelope.data), promise: nil)
    }

    /// Symmetric RTP (RFC 4961 in spirit): media goes back to where the
    /// phone's media comes from, which behind NAT is not what its SDP says.
    /// A move (a NAT rebinding) re-latches after a second of silence from
    /// the latched address; until then a stranger's packets are dropped, so
    /// a stray sender cannot steal the stream.
    private func latch(_ leg: MediaLeg, source: SocketAddress, now: NIODeadline) -> Bool {
        let index = leg.rawValue
        if legs[index].remoteRTP == source {
            if !legs[index].latched { legs[index].counters.latchedTo = "\(source.ipAddress ?? "?"):\(source.port ?? 0)" }
            legs[index].latched = true
            legs[index].lastFromRemote = now
            return true
        }
        if legs[index].latched, now - legs[index].lastFromRemote < .seconds(1) { return false }
        legs[index].remoteRTP = source
        if let host = source.ipAddress, let port = source.port {
            legs[index].remoteRTCP = try? SocketAddress(ipAddress: host, port: port + 1)
        }
        legs[index].latched = true
        legs[index].lastFromRemote = now
        legs[index].counters.latchedTo = "\(source.ipAddress ?? "?"):\(source.port ?? 0)"
        return true
    }

    func flush() {
        for index in legs.indices where legs[index].needsFlush {
            legs[index].needsFlush = false
            legs[index].rtp?.flush()
        }
    }
}
