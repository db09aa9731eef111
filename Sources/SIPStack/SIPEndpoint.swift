import Logging
import NIOCore
import SIP
import Synchronization

/// The transaction layer and the transports' meeting point. Everything in
/// here runs on one event loop: the transports call in on it, timers fire
/// on it, and the TU's answers hop back onto it — so the tables need no
/// locks and a retransmission never waits for business logic.
public final class SIPEndpoint: @unchecked Sendable {
    public let eventLoop: any EventLoop
    public let configuration: SIPEndpointConfiguration
    let handler: any SIPRequestHandler
    let logger: Logger
    let validator: SIPRequestValidator

    var udpChannel: (any Channel)?
    var tcpConnections: [SocketAddress: any Channel] = [:]
    /// Open TCP connections per remote IP address (the per-address cap).
    private var tcpPerAddress: [String: Int] = [:]
    /// Connections on which a registration or call was accepted (longer idle limit).
    private var establishedTCP: Set<SocketAddress> = []
    /// The address requests we send carry in Via and Contact.
    public internal(set) var localAddress: String

    var serverTransactions: [String: ServerEntry] = [:]
    var clientTransactions: [String: ClientEntry] = [:]
    /// 2xx answers to INVITEs retransmitted until their ACK (UDP only).
    var unacknowledged: [String: Unacknowledged2xx] = [:]
    /// Every timer of this endpoint and of the call engine on its loop.
    var timers = TimerQueue<() -> Void>()
    /// When the pending NIO wake-up for `timers` fires.
    var armedWakeUp: NIODeadline?
    private var branchCounter: UInt64 = 0
    /// While the UDP socket's read batch is handed in, datagrams are written
    /// without a flush; the flush at the batch's end sends them together
    /// (one `sendmmsg` instead of a syscall each).
    var inUDPReadBatch = false
    private var udpFlushPending = false

    public private(set) var counters = Counters()
    /// Whether this loop keeps up (`startLoadProbe`).
    var load = LoadGauge()
    public private(set) var answered = TransactionStats()

    public struct Counters: Sendable {
        public var received = 0
        public var malformed = 0
        public var rejected = 0
        public var retransmissionsAbsorbed = 0
        /// Messages that could not be sent (no usable target, no connection, a write error).
        public var sendsDropped = 0
        /// TCP connections refused at accept (over the total or per-address cap).
        public var tcpRefused = 0
        /// New INVITEs refused with 503 while the loop was overloaded.
        public var shed = 0
    }

    private var dropLog = ThrottledLog()

    init(eventLoop: any EventLoop, configuration: SIPEndpointConfiguration, handler: any SIPRequestHandler, logger: Logger) {
        self.eventLoop = eventLoop
        self.configuration = configuration
        self.handler = handler
        self.logger = logger
        self.validator = SIPRequestValidator()
        self.localAddress = "\(configuration.host):\(configuration.port)"
    }

    // MARK: inbound

    /// A UDP datagram or a framed stream message's bytes.
    func receive(datagram: ByteBuffer, from peer: SIPPeer) {
        eventLoop.assertInEventLoop()
        counters.received += 1
        let message: SIPMessage
        do {
            message = try SIPParser.parse(datagram: datagram, configuration: configuration.parser)
        } catch {
            counters.malformed += 1
            logger.debug("malformed SIP message", metadata: ["sip.peer": "\(peer)", "sip.error": "\(error)"])
            if let answer = SIPMessage.errorResponse(toUnparseable: datagram, error: error) {
                transmit(answer, to: peer)
            }
            return
        }
        receive(message: message, from: peer)
    }

    func receive(message: SIPMessage, from peer: SIPPeer) {
        eventLoop.assertInEventLoop()
        if message.isResponse {
            receive(response: message, from: peer)
        } else {
            receive(request: message, from: peer)
        }
    }

    private func receive(request incoming: SIPMessage, from peer: SIPPeer) {
        var request = incoming
        // The Via values are decoded once here, for the stamp, the validator,
        // the transaction key, the response target and loop detection.
        guard let vias = try? request.vias(), let top = vias.first else {
            reject(request, SIPReply(status: 400, reason: "Bad Via"), to: peer)
            return
        }
        // RFC 3261 §18.2.1 / RFC 3581: remember where it really came from.
        let via = request.stampTopVia(top, sourceAddress: peer.host, sourcePort: peer.port)
        switch validator.validate(request: request, decodedVias: vias) {
        case .accept: break
        case .drop: return
        case .reply(let reply):
            reject(request, reply, to: peer)
            return
        }
        guard let method = request.method else { return }
        let key = Self.serverKey(request, method: method == .ack ? .invite : method, topVia: via)

        if method == .ack {
            // An ACK for a non-2xx answer belongs to the INVITE transaction;
            // one for a 2xx belongs to the dialog (RFC 3261 §17.2.1, RFC 6026).
            if var entry = serverTransactions[key], case .invite(var tx) = entry.kind, tx.state == .completed || tx.state == .confirmed {
                let actions = tx.handle(.ack)
                entry.kind = .invite(tx)
                serverTransactions[key] = entry
                perform(actions, serverKey: key)
                return
            }
            acknowledged(request)
            handler.receiveAck(request, from: peer)
            return
        }
        if var entry = serverTransactions[key] {
            counters.retransmissionsAbsorbed += 1
            let actions = entry.kind.handle(.retransmitted)
            serverTransactions[key] = entry
            perform(actions, serverKey: key)
            return
        }
        if loopDetected(vias) {
            reject(request, SIPReply(status: 482, reason: "Loop Detected"), to: peer)
            return
        }
        let reliable = peer.transport.isReliable
        if method == .cancel {
            receiveCancel(request, key: key, from: peer)
            return
        }
        // Overloaded: a new call is refused before it costs anything (no
        // transaction, no authentication), so the calls already taken complete.
        if method == .invite, load.overloaded, (try? request.to())?.tag == nil {
            counters.shed += 1
            transmit(request.makeResponse(status: 503, reason: "Service Unavailable", toTag: Self.newTag(), extraHeaders: [
                SIPHeaderLine("Retry-After", "\(Int.random(in: 2...6))"),
            ]), to: responseTarget(topVia: via, peer: peer))
            return
        }
        if method == .invite {
            let (tx, actions) = ServerInviteTransaction.start(
                request: request, trying: request.makeResponse(status: 100), reliable: reliable, timers: configuration.timers)
            serverTransactions[key] = ServerEntry(
                kind: .invite(tx), method: .invite, peer: peer, target: responseTarget(topVia: via, peer: peer), invite: request)
            perform(actions, serverKey: key)
        } else {
            let (tx, actions) = ServerNonInviteTransaction.start(request: request, reliable: reliable, timers: configuration.timers)
            serverTransactions[key] = ServerEntry(kind: .nonInvite(tx), method: method, peer: peer, target: responseTarget(topVia: via, peer: peer))
            perform(actions, serverKey: key)
        }
    }

    private func reject(_ request: SIPMessage, _ reply: SIPReply, to peer: SIPPeer) {
        counters.rejected += 1
        guard let method = request.method, method != .ack else { return }
        answered.count(method, status: reply.status)
        transmit(request.makeResponse(to: reply, toTag: Self.newTag()), to: responseTarget(for: request, peer: peer))
    }

    /// RFC 3261 §16.3 step 4 in spirit: a request whose Via already carries
    /// our address with one of our branches has come back to us.
    private func loopDetected(_ vias: [SIPVia]) -> Bool {
        guard vias.count > 1 else { return false }
        return vias.dropFirst().contains { $0.sentBy == localAddress && ($0.branch?.hasPrefix(Self.branchPrefix) ?? false) }
    }

    // MARK: actions

    func perform(_ actions: [TransactionAction], serverKey key: String) {
        guard let entry = serverTransactions[key] else { return }
        var immediate: SIPMessage?
        for action in actions {
            switch action {
            case .send(let message):
                transmit(message, to: entry.target)
            case .deliver(let request):
                let handler = self.handler
                let peer = entry.peer
                if case .invite = entry.kind, handler.takeInvite(request, from: peer, transaction: SIPServerTransaction(key: key)) {
                    serverTransactions[key]?.taken = true
                    continue
                }
                if let response = handler.respondImmediately(to: request, from: peer) {
                    immediate = response
                    continue
                }
                Task {
                    let response = await handler.handle(request, from: peer)
                    self.eventLoop.execute { self.respond(response, serverKey: key) }
                }
            case .startTimer(let timer, let after):
                serverTransactions[key]?.timers[timer] = schedule(in: Self.timeAmount(after)) {
                    self.serverTimerFired(timer, key: key)
                }
            case .cancelTimer(let timer):
                if let scheduled = serverTransactions[key]?.timers.removeValue(forKey: timer) { cancel(scheduled) }
            case .timedOut, .transportFailed:
                logger.debug("server transaction ended without completion", metadata: ["sip.key": "\(key)", "sip.reason": "\(action)"])
            case .terminate:
                if let ended = serverTransactions.removeValue(forKey: key) {
                    for timer in ended.timers.values { cancel(timer) }
                }
            }
        }
        // After this batch of actions, so the transaction sees them in order.
        if let immediate { respond(immediate, serverKey: key) }
    }

    /// A handler's answer (provisional or final) on an INVITE it took;
    /// call on the event loop. A 2xx over UDP is retransmitted until its ACK.
    public func respond(_ response: SIPMessage, on transaction: SIPServerTransaction) {
        eventLoop.assertInEventLoop()
        if let entry = serverTransactions[transaction.key], (200..<300).contains(response.statusCode ?? 0) {
            retransmitUntilAcknowledged(response, to: entry.target)
        }
        respond(response, serverKey: transaction.key)
    }

    /// Whether the INVITE behind `transaction` still waits for a final answer.
    public func isPending(_ transaction: SIPServerTransaction) -> Bool {
        guard let entry = serverTransactions[transaction.key], case .invite(let tx) = entry.kind else { return false }
        return tx.state == .proceeding
    }

    /// The TU's answer for a server transaction.
    func respond(_ response: SIPMessage, serverKey key: String) {
        guard var entry = serverTransactions[key] else { return }
        let actions = entry.kind.handle(.respond(response))
        let status = response.statusCode ?? 0
        if status >= 200, !entry.answered {
            entry.invite = nil  // answered: no CANCEL can need it now
            entry.answered = true
            answered.count(entry.method, status: status)
        }
        serverTransactions[key] = entry
        perform(actions, serverKey: key)
    }

    func serverTimerFired(_ timer: TransactionTimer, key: String) {
        guard var entry = serverTransactions[key] else { return }
        entry.timers[timer] = nil
        let actions = entry.kind.handle(.timerFired(timer))
        serverTransactions[key] = entry
        perform(actions, serverKey: key)
    }

    /// Where responses to `request` go (RFC 3261 §18.2.2, RFC 3581 §4): back
    /// on the connection for TCP; for UDP to the source address, and to the
    /// Via's port when the client did not ask for rport.
    func responseTarget(for request: SIPMessage, peer: SIPPeer) -> SIPPeer {
        guard peer.transport == .udp, let via = try? request.topVia() else { return peer }
        return responseTarget(topVia: via, peer: peer)
    }

    func responseTarget(topVia via: SIPVia, peer: SIPPeer) -> SIPPeer {
        guard peer.transport == .udp, !via.hasRPort,
            let port = via.port, port != peer.port,
            let address = try? SocketAddress(ipAddress: peer.host, port: port)
        else { return peer }
        return SIPPeer(transport: .udp, address: address)
    }

    func transmit(_ message: SIPMessage, to peer: SIPPeer) {
        eventLoop.assertInEventLoop()
        switch peer.transport {
        case .udp:
            guard let channel = udpChannel, channel.isActive else { return dropped(message, to: peer, because: "no UDP socket") }
            if let refusal = DatagramTarget.refusal(peer.address, localFamily: channel.localAddress?.protocol) {
                return dropped(message, to: peer, because: "unusable UDP target (\(refusal.rawValue))")
            }
            var buffer = channel.allocator.buffer(capacity: 1024)
            message.write(into: &buffer)
            let envelope = AddressedEnvelope(remoteAddress: peer.address, data: buffer)
            channel.write(envelope, promise: nil)
            if !udpFlushPending {
                udpFlushPending = true
                // Outside a read batch (a timer, a hop back from media or the
                // database) the flush waits for the end of this turn of the
                // loop, so what the turn sends leaves in one sendmmsg.
                if !inUDPReadBatch { eventLoop.execute { self.flushUDP() } }
            }
        case .tcp:
            guard let channel = tcpConnections[peer.address] else { return dropped(message, to: peer, because: "no TCP connection") }
            if message.isResponse { noteAccepted(message, on: peer) }
            var buffer = channel.allocator.buffer(capacity: 1024)
            message.write(into: &buffer)
            // A failed write closes that connection only; it is counted like any other drop.
            channel.writeAndFlush(buffer).whenFailure { error in
                self.dropped(message, to: peer, because: "TCP write failed: \(error)")
            }
        }
    }

    /// A message that cannot leave: counted, logged at a bounded rate, never fatal.
    func dropped(_ message: SIPMessage, to peer: SIPPeer, because reason: String) {
        counters.sendsDropped += 1
        let (log, suppressed) = dropLog.admit()
        guard log else { return }
        logger.warning("SIP message not sent", metadata: [
            "sip.peer": "\(peer)", "sip.reason": "\(reason)", "sip.message": "\(message.summary)",
            "sip.unlogged_since_last": "\(suppressed)",
        ])
    }

    /// The UDP read batch is over: send what it produced.
    func udpReadBatchEnded() {
        eventLoop.assertInEventLoop()
        inUDPReadBatch = false
        flushUDP()
    }

    func flushUDP() {
        guard udpFlushPending else { return }
        udpFlushPending = false
        udpChannel?.flush()
    }

    // MARK: TCP connections

    func connectionOpened(_ channel: any Channel, remote: SocketAddress) -> Bool {
        eventLoop.assertInEventLoop()
        let limits = configuration.tcpLimits
        let host = remote.ipAddress ?? ""
        guard tcpConnections.count < limits.maxConnections, tcpPerAddress[host, default: 0] < limits.maxConnectionsPerAddress else {
            counters.tcpRefused += 1
            return false
        }
        tcpConnections[remote] = channel
        tcpPerAddress[host, default: 0] += 1
        return true
    }

    func connectionClosed(remote: SocketAddress) {
        eventLoop.assertInEventLoop()
        guard tcpConnections.removeValue(forKey: remote) != nil else { return }
        establishedTCP.remove(remote)
        let host = remote.ipAddress ?? ""
        tcpPerAddress[host, default: 1] -= 1
        if tcpPerAddress[host] == 0 { tcpPerAddress[host] = nil }
        for (key, entry) in serverTransactions where entry.peer.transport == .tcp && entry.peer.address == remote {
            var entry = entry
            let actions = entry.kind.handle(.transportError)
            serverTransactions[key] = entry
            perform(actions, serverKey: key)
        }
    }

    /// Whether a registration or call was accepted on this connection.
    func isEstablished(_ remote: SocketAddress) -> Bool { establishedTCP.contains(remote) }

    /// A 2xx to REGISTER or INVITE went out on a connection: its peer has
    /// authenticated, so it may keep the connection for as long as a phone does.
    private func noteAccepted(_ response: SIPMessage, on peer: SIPPeer) {
        guard peer.transport == .tcp, let status = response.statusCode, (200..<300).contains(status),
            let method = try? response.cseq().method, method == .register || method == .invite
        else { return }
        establishedTCP.insert(peer.address)
    }

    public var openTCPConnections: Int { tcpConnections.count }
    public var activeTransactions: Int { serverTransactions.count + clientTransactions.count }

    // MARK: keys and identifiers

    static let branchPrefix = "z9hG4bK-hl-"

    /// RFC 3261 §17.2.3 matching: branch + sent-by + method; RFC 2543
    /// peers without the magic cookie fall back to Call-ID, CSeq and From tag.
    static func serverKey(_ request: SIPMessage, method: SIPMethod, topVia: SIPVia? = nil) -> String {
        if let via = topVia ?? (try? request.topVia()), let branch = via.branch, via.hasMagicCookie {
            return "\(branch)|\(via.sentBy)|\(method.name)"
        }
        let callID = (try? request.callID()) ?? ""
        let number = (try? request.cseq().sequence).map(String.init) ?? ""
        let fromTag = (try? request.from().tag) ?? ""
        return "2543|\(callID)|\(number)|\(fromTag)|\(method.name)"
    }

    static func clientKey(branch: String, method: SIPMethod) -> String { "\(branch)|\(method.name)" }

    func newBranch() -> String {
        branchCounter &+= 1
        return Self.branchPrefix + String(RandomPool.next(), radix: 36) + String(branchCounter, radix: 36)
    }

    public static func newTag() -> String { String(RandomPool.next(), radix: 36) }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    // MARK: entries

    struct ServerEntry {
        enum Kind {
            case nonInvite(ServerNonInviteTransaction)
            case invite(ServerInviteTransaction)
        }
        var kind: Kind
        let method: SIPMethod
        let peer: SIPPeer
        /// Where responses go (RFC 3261 §18.2.2, RFC 3581), worked out once.
        let target: SIPPeer
        /// The INVITE itself, for a 487 when a CANCEL matches. A non-INVITE
        /// request is not kept: it pins the whole receive buffer, and its
        /// transaction lives 64·T1 after the answer to absorb retransmissions.
        var invite: SIPMessage? = nil
        var timers: [TransactionTimer: SIPTimer] = [:]
        /// The handler answers this INVITE itself (`takeInvite`).
        var taken = false
        /// A final answer was given (counted once in `answered`).
        var answered = false
    }
}

/// Hands a client transaction's key from the event loop to a cancellation
/// handler that may run first, later, or concurrently.
final class PendingRequest: Sendable {
    private let state = Mutex<(key: String?, cancelled: Bool)>((nil, false))

    /// Records the key; true when the request was cancelled before it started.
    func started(_ key: String) -> Bool {
        state.withLock { state in
            state.key = key
            return state.cancelled
        }
    }

    /// Marks the request cancelled; returns the key when it has started.
    func cancel() -> String? {
        state.withLock { state in
            state.cancelled = true
            return state.key
        }
    }
}

public enum SIPEndpointError: Error, Sendable {
    case timeout
    case transportFailed
}
