import Media
import NIOCore
import NIOPosix

/// One interaction's media: an endpoint per leg (its own RTP/RTCP port
/// pair at the server), each hearing another leg (relayed packet by
/// packet), a clip or tone, or nothing. Legs come and go while the call
/// lasts — a transfer target joins, a transferor leaves — and the stereo
/// recording follows whoever is on each side. Confined to one event loop:
/// the public methods hop there themselves; the packet path runs there
/// without allocation or locks.
public final class MediaCall: @unchecked Sendable {
    public let eventLoop: any EventLoop
    let service: MediaService
    let stats: MediaLoopStats
    /// Endpoints by slot; the relay handlers keep their slot.
    var slots: [MediaEndpoint?] = []
    var slotOfLeg: [Int: Int] = [:]
    var recorder: CallRecorder?
    var recordingWritten: (@Sendable () -> Void)?
    var closed = false
    var timeoutCheck: RepeatedTask?
    /// Slots with a player: the loop's frame clock ticks this call while there are any.
    var playing: Set<Int> = []
    /// Called on this loop for each key pressed on a leg's phone.
    var onDigit: (@Sendable (Int, Character) -> Void)?

    /// Reports each key pressed on a leg's phone (leg id, key) from now on, on this call's loop.
    public func reportDigits(_ report: @escaping @Sendable (Int, Character) -> Void) {
        enqueue { self.onDigit = report }
    }
    /// Audio decoded for in-band detection, one frame at a time.
    var scratch = [Int16](repeating: 0, count: 160)
    /// The mix, while some leg hears several others (conference, listen, whisper, barge).
    var mixer: CallMixer?

    /// The loop's command queue, shared with the other calls on it.
    private let commands: LoopCommands

    init(eventLoop: any EventLoop, service: MediaService, stats: MediaLoopStats, commands: LoopCommands) {
        self.eventLoop = eventLoop
        self.service = service
        self.stats = stats
        self.commands = commands
    }

    // MARK: commands

    /// Runs `body` on the call's loop after the commands queued before it.
    func enqueue(_ body: @escaping @Sendable () -> Void) {
        commands.enqueue(body)
    }

    func enqueueResult<T: Sendable>(_ body: @escaping @Sendable () -> T) -> EventLoopFuture<T> {
        let promise = eventLoop.makePromise(of: T.self)
        enqueue { promise.succeed(body()) }
        return promise.futureResult
    }

    func enqueueFuture<T: Sendable>(_ body: @escaping @Sendable () -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        let promise = eventLoop.makePromise(of: T.self)
        enqueue { promise.completeWith(body()) }
        return promise.futureResult
    }

    // MARK: legs

    /// Opens an endpoint for `leg`; the future gives its RTP port at the server.
    public func addLeg(_ leg: Int) -> EventLoopFuture<Int> {
        enqueueFuture {
            if let slot = self.slotOfLeg[leg], let endpoint = self.slots[slot] { return self.eventLoop.makeSucceededFuture(endpoint.port) }
            guard !self.closed else { return self.eventLoop.makeFailedFuture(MediaError.notRunning) }
            return self.service.bindEndpoint(for: self, leg: leg)
        }
    }

    /// Gives `leg` the socket pair the service found for it (on this loop).
    func attach(_ leg: Int, pair: RTPSocketPair) {
        let slot = slots.firstIndex { $0 == nil } ?? slots.count
        if slot == slots.count { slots.append(nil) }
        slots[slot] = MediaEndpoint(leg: leg, pair: pair)
        slotOfLeg[leg] = slot
        pair.assign(to: self, slot: slot)
    }

    /// Where a leg's phone receives media (SDP `c=`/`m=`) and what it speaks.
    /// Until its first packet the relay sends there; then to wherever its
    /// packets come from (latching).
    public func configure(_ leg: Int, remoteHost: String, remotePort: Int, format: LegFormat, quiet: Bool = false) {
        enqueue {
            guard let slot = self.slotOfLeg[leg], var endpoint = self.slots[slot] else { return }
            if MediaAddress.isUsableUnicast(remoteHost, port: remotePort), let address = try? SocketAddress(ipAddress: remoteHost, port: remotePort) {
                if !endpoint.latched || endpoint.remoteRTP?.ipAddress != address.ipAddress {
                    endpoint.remoteRTP = address
                    endpoint.remoteRTCP = try? SocketAddress(ipAddress: remoteHost, port: remotePort + 1)
                    endpoint.latched = false
                }
            }
            endpoint.format = format
            endpoint.quiet = quiet
            // Without telephone-events, keys can only be heard in the audio.
            if format.telephoneEventPayloadType == nil, endpoint.inband == nil { endpoint.inband = DTMFDetector() }
            self.slots[slot] = endpoint
            self.replan()
        }
    }

    /// Detects key presses in `leg`'s audio too (for phones that send DTMF in band).
    public func detectInbandDigits(_ leg: Int) {
        enqueue {
            guard let slot = self.slotOfLeg[leg], self.slots[slot]?.inband == nil else { return }
            self.slots[slot]?.inband = DTMFDetector()
        }
    }

    /// What `leg`'s phone hears from now on.
    public func hear(_ leg: Int, _ source: MediaSource) {
        enqueue {
            guard let slot = self.slotOfLeg[leg], self.slots[slot] != nil else { return }
            guard self.slots[slot]!.source != source else { return }
            self.slots[slot]!.source = source
            switch source {
            case .clip, .tone:
                self.slots[slot]!.player = Player(source)
                self.slots[slot]!.stream.marker = true
                self.playing.insert(slot)
                self.service.ticker(for: self.eventLoop).add(self)
            case .silence, .leg, .mix:
                self.slots[slot]!.player = nil
                self.playing.remove(slot)
            }
            self.replan()
        }
    }

    /// Closes a leg's endpoint (it left the call); the others go on.
    public func removeLeg(_ leg: Int) {
        enqueue { self.detach(leg) }
    }

    /// On the loop: the leg's socket pair goes back to the service (to rest
    /// for another call, or closed).
    func detach(_ leg: Int) {
        guard let slot = slotOfLeg.removeValue(forKey: leg), let endpoint = slots[slot] else { return }
        slots[slot] = nil
        playing.remove(slot)
        stats.lost += endpoint.sequence.lost
        service.recycle(endpoint.pair)
        replan()
    }

    /// Recomputes where each endpoint's packets go: to the endpoint that
    /// hears it, converted once per payload type by a `ForwardPlan`.
    func replan() {
        for slot in slots.indices where slots[slot] != nil {
            slots[slot]!.forwardTo = nil
            slots[slot]!.plan = nil
        }
        for slot in slots.indices {
            guard let listener = slots[slot], case .leg(let heard) = listener.source, let from = slotOfLeg[heard],
                let speaker = slots[from], let speakerFormat = speaker.format, let listenerFormat = listener.format
            else { continue }
            slots[from]!.forwardTo = slot
            slots[from]!.plan = ForwardPlan(from: speakerFormat, to: listenerFormat)
        }
    }

    public func port(of leg: Int) -> EventLoopFuture<Int?> {
        enqueueResult { self.slotOfLeg[leg].flatMap { self.slots[$0]?.port } }
    }

    public func counters(of leg: Int) -> EventLoopFuture<LegCounters?> {
        enqueueResult { self.slotOfLeg[leg].flatMap { self.slots[$0]?.counters } }
    }

    // MARK: recording

    /// Records the call from now on into a stereo WAV: `left` on the left
    /// channel, `right` on the right.
    func startRecording(
        path: String, left: Int, right: Int?, threadPool: NIOThreadPool, onFailure: @escaping @Sendable (String) -> Void,
        onWritten: @escaping @Sendable () -> Void
    ) {
        enqueue {
            guard !self.closed, self.recorder == nil else { return }
            self.recordingWritten = onWritten
            let recorder = CallRecorder(path: path, eventLoop: self.eventLoop, threadPool: threadPool, onFailure: onFailure)
            self.recorder = recorder
            recorder.start()
            self.assignChannels(left: left, right: right)
        }
    }

    /// Who is on each side of the recording (a transfer moves the right side).
    public func recordChannels(left: Int, right: Int?) {
        enqueue { self.assignChannels(left: left, right: right) }
    }

    private func assignChannels(left: Int, right: Int?) {
        for slot in slots.indices where slots[slot] != nil { slots[slot]!.recordChannel = nil }
        if let slot = slotOfLeg[left] { slots[slot]?.recordChannel = 0 }
        if let right, let slot = slotOfLeg[right] { slots[slot]?.recordChannel = 1 }
    }

    // MARK: timeout and end

    /// Calls `onTimeout` (on this loop) when no phone has sent RTP for
    /// `seconds` while none is on hold.
    public func watchMediaTimeout(seconds: Int, onTimeout: @escaping @Sendable () -> Void) {
        guard seconds > 0 else { return }
        enqueue {
            let limit = TimeAmount.seconds(Int64(seconds))
            let now = NIODeadline.now()
            for slot in self.slots.indices where self.slots[slot] != nil { self.slots[slot]!.lastPacket = now }
            self.timeoutCheck?.cancel()
            self.timeoutCheck = self.eventLoop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { task in
                guard !self.closed else {
                    task.cancel()
                    return
                }
                let live = self.slots.compactMap { $0 }
                guard !live.isEmpty, !live.contains(where: \.quiet) else { return }
                let now = NIODeadline.now()
                if live.allSatisfy({ now - $0.lastPacket > limit }) {
                    task.cancel()
                    onTimeout()
                }
            }
        }
    }

    /// Closes every endpoint and finishes the recording; the future
    /// completes when the WAV is complete on disk (with its byte count).
    public func close() -> EventLoopFuture<Int?> {
        enqueueFuture {
            guard !self.closed else { return self.eventLoop.makeSucceededFuture(nil) }
            self.closed = true
            self.timeoutCheck?.cancel()
            self.playing = []
            for leg in Array(self.slotOfLeg.keys) { self.detach(leg) }
            self.service.callClosed()
            guard let recorder = self.recorder else { return self.eventLoop.makeSucceededFuture(nil) }
            let written = self.recordingWritten
            return recorder.finish().map { bytes in
                if !recorder.failed { written?() }
                return Optional(bytes)
            }
        }
    }

    // MARK: packets (on the loop, from RTPRelayHandler)

    func receiveRTP(_ envelope: AddressedEnvelope<ByteBuffer>, slot: Int) {
        guard !closed, slot < slots.count, slots[slot] != nil else { return }
        slots[slot]!.counters.received += 1
        let now = NIODeadline.now()
        slots[slot]!.lastPacket = now
        guard latch(slot, source: envelope.remoteAddress, now: now) else {
            slots[slot]!.counters.dropped += 1
            stats.dropped += 1
            return
        }
        let packet = envelope.data
        guard let header = packet.withUnsafeReadableBytes({ RTPHeader($0) }) else {
            slots[slot]!.counters.dropped += 1
            stats.dropped += 1
            return
        }
        slots[slot]!.sequence.observe(header.sequence)
        guard let format = slots[slot]!.format else {
            slots[slot]!.counters.dropped += 1
            stats.dropped += 1
            return
        }
        if header.payloadType == format.telephoneEventPayloadType {
            slots[slot]!.counters.events += 1
            receiveEvent(packet, header: header, slot: slot)
        } else if header.payloadType == format.audioPayloadType {
            let channel = slots[slot]!.recordChannel
            let detecting = slots[slot]!.inband != nil
            let mixing = slots[slot]!.mixIndex
            if channel != nil || detecting || mixing != nil {
                packet.withUnsafeReadableBytes { bytes in
                    let payload = UnsafeRawBufferPointer(rebasing: bytes[header.payloadOffset..<(header.payloadOffset + header.payloadLength)])
                    if let channel, let recorder { recorder.append(payload, codec: format.codec, channel: channel) }
                    if detecting { detectInband(payload, codec: format.codec, slot: slot) }
                    if let mixing { mixer?.append(payload, codec: format.codec, participant: mixing) }
                }
            }
        }
        relay(packet, header: header, from: slot)
    }

    private func relay(_ packet: ByteBuffer, header: RTPHeader, from slot: Int) {
        guard let target = slots[slot]!.forwardTo, let plan = slots[slot]!.plan, let destination = slots[target]?.remoteRTP,
            let channel = slots[target]?.rtp
        else {
            // Nobody hears this phone (hold, a prompt, a lone leg): not a loss.
            return
        }
        switch plan.verdict(payloadType: header.payloadType) {
        case .drop:
            slots[slot]!.counters.dropped += 1
            stats.dropped += 1
            return
        case .forward:
            channel.write(AddressedEnvelope(remoteAddress: destination, data: packet), promise: nil)
        case .rewrite(let payloadType):
            let out = slots[target]!.takeOutput()
            slots[target]!.outputs[out].clear()
            slots[target]!.outputs[out].writeImmutableBuffer(packet)
            slots[target]!.outputs[out].withUnsafeMutableReadableBytes { RTPHeader.setPayloadType(payloadType, in: $0) }
            channel.write(AddressedEnvelope(remoteAddress: destination, data: slots[target]!.outputs[out]), promise: nil)
        case .transcode(let transcoding, let payloadType):
            let out = slots[target]!.takeOutput()
            slots[target]!.outputs[out].clear()
            slots[target]!.outputs[out].writeImmutableBuffer(packet)
            slots[target]!.outputs[out].withUnsafeMutableReadableBytes { bytes in
                RTPHeader.setPayloadType(payloadType, in: bytes)
                let payload = UnsafeMutableRawBufferPointer(rebasing: bytes[header.payloadOffset..<(header.payloadOffset + header.payloadLength)])
                switch transcoding {
                case .ulawToAlaw: G711.transcodeUlawToAlaw(payload)
                case .alawToUlaw: G711.transcodeAlawToUlaw(payload)
                case .none: break
                }
            }
            channel.write(AddressedEnvelope(remoteAddress: destination, data: slots[target]!.outputs[out]), promise: nil)
        }
        slots[target]!.counters.sent += 1
        stats.relayed += 1
        slots[target]!.needsFlush = true
    }

    private func receiveEvent(_ packet: ByteBuffer, header: RTPHeader, slot: Int) {
        guard header.payloadLength >= TelephoneEvent.size else { return }
        let event = packet.withUnsafeReadableBytes { bytes in
            TelephoneEvent(UnsafeRawBufferPointer(rebasing: bytes[header.payloadOffset..<(header.payloadOffset + header.payloadLength)]))
        }
        guard let event, let key = slots[slot]!.events.receiveKey(timestamp: header.timestamp, marker: header.marker, event: event) else { return }
        onDigit?(slots[slot]!.leg, key)
    }

    private func detectInband(_ payload: UnsafeRawBufferPointer, codec: AudioCodec, slot: Int) {
        let count = min(payload.count, scratch.count)
        scratch.withUnsafeMutableBufferPointer { samples in
            let frame = UnsafeMutableBufferPointer(rebasing: samples[0..<count])
            switch codec {
            case .pcmu: _ = G711.decodeUlaw(UnsafeRawBufferPointer(rebasing: payload[0..<count]), into: frame)
            case .pcma: _ = G711.decodeAlaw(UnsafeRawBufferPointer(rebasing: payload[0..<count]), into: frame)
            }
            let leg = slots[slot]!.leg
            let report = onDigit
            slots[slot]!.inband!.process(UnsafeBufferPointer(frame)) { key in report?(leg, key) }
        }
    }

    func receiveRTCP(_ envelope: AddressedEnvelope<ByteBuffer>, slot: Int) {
        guard !closed, slot < slots.count, let endpoint = slots[slot] else { return }
        if endpoint.remoteRTCP != envelope.remoteAddress, endpoint.latched { slots[slot]!.remoteRTCP = envelope.remoteAddress }
        guard let target = endpoint.forwardTo, let destination = slots[target]?.remoteRTCP, let channel = slots[target]?.rtcp else { return }
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: destination, data: envelope.data), promise: nil)
    }

    /// Symmetric RTP (RFC 4961 in spirit): media goes back to where the
    /// phone's media comes from, which behind NAT is not what its SDP says.
    /// A move (a NAT rebinding) re-latches after a second of silence from
    /// the latched address; until then a stranger's packets are dropped.
    private func latch(_ slot: Int, source: SocketAddress, now: NIODeadline) -> Bool {
        if slots[slot]!.remoteRTP == source {
            if !slots[slot]!.latched { slots[slot]!.counters.latchedTo = "\(source.ipAddress ?? "?"):\(source.port ?? 0)" }
            slots[slot]!.latched = true
            slots[slot]!.lastFromRemote = now
            return true
        }
        if slots[slot]!.latched, now - slots[slot]!.lastFromRemote < .seconds(1) { return false }
        slots[slot]!.remoteRTP = source
        if let host = source.ipAddress, let port = source.port {
            slots[slot]!.remoteRTCP = try? SocketAddress(ipAddress: host, port: port + 1)
        }
        slots[slot]!.latched = true
        slots[slot]!.lastFromRemote = now
        slots[slot]!.counters.latchedTo = "\(source.ipAddress ?? "?"):\(source.port ?? 0)"
        return true
    }

    func flush() {
        for slot in slots.indices where slots[slot]?.needsFlush == true {
            slots[slot]!.needsFlush = false
            slots[slot]!.rtp?.flush()
        }
    }

    // MARK: players and the mix (on the loop's frame clock)

    /// Sends the next 20 ms frame of each player and of the mix; false once
    /// neither is left.
    func tick() -> Bool {
        guard !closed else { return false }
        for slot in playing {
            guard var player = slots[slot]?.player else { continue }
            scratch.withUnsafeMutableBufferPointer { frame in player.render(into: frame) }
            slots[slot]!.player = player
            scratch.withUnsafeBufferPointer { frame in send(frame, to: slot) }
        }
        if mixer != nil { mixTick() }
        return !playing.isEmpty || mixer != nil
    }

    /// One frame of our own stream to `slot`'s phone, in its codec.
    func send(_ frame: UnsafeBufferPointer<Int16>, to slot: Int) {
        guard let format = slots[slot]?.format, let destination = slots[slot]?.remoteRTP, let channel = slots[slot]?.rtp,
            slots[slot]?.quiet == false
        else { return }
        let out = slots[slot]!.takeOutput()
        var stream = slots[slot]!.stream
        slots[slot]!.outputs[out].clear()
        slots[slot]!.outputs[out].writeInteger(UInt8(0x80))
        slots[slot]!.outputs[out].writeInteger((stream.marker ? 0x80 : 0) | format.audioPayloadType)
        slots[slot]!.outputs[out].writeInteger(stream.sequence)
        slots[slot]!.outputs[out].writeInteger(stream.timestamp)
        slots[slot]!.outputs[out].writeInteger(stream.ssrc)
        slots[slot]!.outputs[out].writeWithUnsafeMutableBytes(minimumWritableBytes: frame.count) { bytes in
            switch format.codec {
            case .pcmu: G711.encodeUlaw(frame, into: bytes)
            case .pcma: G711.encodeAlaw(frame, into: bytes)
            }
        }
        stream.marker = false
        stream.sequence &+= 1
        stream.timestamp &+= UInt32(frame.count)
        slots[slot]!.stream = stream
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: destination, data: slots[slot]!.outputs[out]), promise: nil)
        slots[slot]!.counters.sent += 1
    }
}

/// Packet counters of one leg, for tests, metrics and the CDR.
public struct LegCounters: Sendable, Equatable {
    /// RTP packets received from this leg's phone.
    public var received = 0
    /// RTP packets sent to this leg's phone.
    public var sent = 0
    /// Packets from this leg that could not be sent on (not negotiated, malformed, a stranger's).
    public var dropped = 0
    /// telephone-event packets received from this leg.
    public var events = 0
    public var latchedTo: String?
}
