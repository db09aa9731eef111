import Media
import CallCenter
import Foundation
import Logging
import MediaEngine
import NIOCore
import SIP
import SIPStack

/// Calls between extensions: a back-to-back user agent that answers the
/// caller's INVITE itself and places its own INVITE to each of the callee's
/// phones, with the media anchored at the server. Everything here runs on
/// the SIP event loop — the transaction layer calls in on it and the
/// engine's own timers fire on it — so the call table needs no locks.
/// Database reads (an extension not in the cache) hop off and back.
public final class B2BUA: @unchecked Sendable {
    let registrar: Registrar
    let location: LocationTable
    let media: MediaService
    let cdr: CDRWriter
    let policy: CallPolicy
    let logger: Logger
    let now: @Sendable () -> Date
    private(set) var endpoint: SIPEndpoint!

    var calls: [UInt64: ActiveCall] = [:]
    /// "Call-ID|our tag" of each leg's dialog → the call and the leg (nil = caller, n = fork n).
    var dialogs: [String: (call: UInt64, fork: Int?)] = [:]
    /// The caller's INVITE transaction → its call (for CANCEL).
    var byTransaction: [SIPServerTransaction: UInt64] = [:]
    /// Extension number → calls it takes part in (busy detection).
    var activeByExtension: [String: Int] = [:]
    private var nextID: UInt64 = 0

    public init(
        registrar: Registrar, location: LocationTable, media: MediaService, cdr: CDRWriter, policy: CallPolicy, logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.registrar = registrar
        self.location = location
        self.media = media
        self.cdr = cdr
        self.policy = policy
        self.logger = logger
        self.now = now
    }

    /// Connects the engine to the transaction layer (once, before traffic).
    public func attach(_ endpoint: SIPEndpoint) {
        self.endpoint = endpoint
    }

    var eventLoop: any EventLoop { endpoint.eventLoop }
    public var activeCalls: Int { calls.count }

    static func dialogKey(_ callID: String, _ tag: String) -> String { "\(callID)|\(tag)" }

    var ourContact: String { "<sip:hotline@\(endpoint.localAddress)>" }

    // MARK: new calls

    /// `authenticated` is the caller once its credentials were accepted: a
    /// retry after reading the callee must not check them again (the
    /// nonce-count would count as a replay).
    func startCall(
        _ request: SIPMessage, from peer: SIPPeer, transaction: SIPServerTransaction, authenticated: ExtensionProfile? = nil, lookUps: Int = 0
    ) {
        guard endpoint.isPending(transaction) else { return }
        let toTag = SIPEndpoint.newTag()
        let caller: ExtensionProfile
        if let authenticated {
            caller = authenticated
        } else {
            switch registrar.authenticateCall(request, from: peer, toTag: toTag) {
            case .respond(let response):
                endpoint.respond(response, on: transaction)
                return
            case .lookUp(let number):
                lookUp(number, attempt: lookUps, request: request, peer: peer, transaction: transaction, caller: nil)
                return
            case .authenticated(let profile):
                caller = profile
            }
        }
        guard case .sip(let uri)? = try? request.requestURI(), let dialed = uri.user, !dialed.isEmpty else {
            endpoint.respond(request.makeResponse(status: 404, reason: "Not Found", toTag: toTag), on: transaction)
            return
        }
        let callee: ExtensionProfile
        switch registrar.cachedProfile(dialed) {
        case nil:
            lookUp(dialed, attempt: lookUps, request: request, peer: peer, transaction: transaction, caller: caller)
            return
        case .some(nil):
            // Numbers beyond the extensions (queues, IVR, trunks) come with routing.
            endpoint.respond(request.makeResponse(status: 404, reason: "Not Found", toTag: toTag), on: transaction)
            record(NewCallRecord(
                sipCallId: (try? request.callID()) ?? "", direction: .internal, from: caller.number, to: dialed,
                fromExtension: caller.number, toExtension: nil, startedAt: now()), ending: .notFound, reason: "no such number")
            return
        case .some(.some(let profile)):
            callee = profile
        }
        guard let sdp = try? SDPSession(parsing: request.body), let offer = RemoteAudio(sdp) else {
            let reason = request.body.readableBytes == 0 ? "An SDP offer is required" : "Not Acceptable Here"
            endpoint.respond(request.makeResponse(status: 488, reason: reason, toTag: toTag, extraHeaders: [
                SIPHeaderLine("Warning", "304 hotline \"PCMU or PCMA audio required\""),
            ]), on: transaction)
            return
        }
        let at = now()
        let contacts = location.bindings(dialed, now: at).filter(\.reachable).compactMap { binding in
            ContactQualifier.peer(for: binding).map { (binding, $0) }
        }
        guard !contacts.isEmpty else {
            endpoint.respond(request.makeResponse(status: 480, reason: "Temporarily Unavailable", toTag: toTag), on: transaction)
            record(NewCallRecord(
                sipCallId: (try? request.callID()) ?? "", direction: .internal, from: caller.number, to: dialed,
                fromExtension: caller.number, toExtension: dialed, startedAt: at), ending: .unavailable, reason: "not registered")
            return
        }
        if !policy.callWaiting, activeByExtension[dialed, default: 0] > 0 {
            endpoint.respond(request.makeResponse(status: 486, reason: "Busy Here", toTag: toTag), on: transaction)
            record(NewCallRecord(
                sipCallId: (try? request.callID()) ?? "", direction: .internal, from: caller.number, to: dialed,
                fromExtension: caller.number, toExtension: dialed, startedAt: at), ending: .busy, reason: "in a call")
            return
        }
        guard let dialog = Dialog.asServer(invite: request, localTag: toTag) else {
            endpoint.respond(request.makeResponse(status: 400, reason: "Bad Request", toTag: toTag), on: transaction)
            return
        }
        nextID += 1
        let call = ActiveCall(
            id: nextID, caller: caller, callee: callee, startedAt: at, transaction: transaction, invite: request, callerPeer: peer,
            callerDialog: dialog, callerOffer: offer)
        call.sessionInterval = Self.requestedSessionInterval(request)
        calls[call.id] = call
        byTransaction[transaction] = call.id
        dialogs[Self.dialogKey(dialog.callID, dialog.localTag)] = (call.id, nil)
        activeByExtension[caller.number, default: 0] += 1
        activeByExtension[callee.number, default: 0] += 1
        cdr.open(call.id, NewCallRecord(
            sipCallId: dialog.callID, direction: .internal, from: caller.number, to: dialed, fromExtension: caller.number,
            toExtension: callee.number, startedAt: at))
        logger.info("call", metadata: ["call": "\(call.id)", "from": "\(caller.number)", "to": "\(dialed)", "forks": "\(contacts.count)"])

        media.openSession().hop(to: eventLoop).whenComplete { result in
            switch result {
            case .failure(let error):
                self.logger.error("no media for a call", metadata: ["call": "\(call.id)", "error": "\(error)"])
                if self.endpoint.isPending(transaction) {
                    self.endpoint.respond(request.makeResponse(status: 503, reason: "Service Unavailable", toTag: toTag), on: transaction)
                }
                self.finish(call, .failed, hangupBy: .system, reason: "no media ports")
            case .success(let session):
                guard !call.ended else {
                    _ = session.close()
                    return
                }
                call.media = session
                session.configure(.caller, remoteHost: offer.host, remotePort: offer.port,
                                  format: LegFormat(codec: offer.codecs[0].codec, audioPayloadType: offer.codecs[0].payloadType,
                                                    telephoneEventPayloadType: offer.telephoneEvent))
                self.ring(call, contacts: contacts.map(\.1), dialed: dialed, sdp: sdp)
            }
        }
    }

    private func lookUp(
        _ number: String, attempt: Int, request: SIPMessage, peer: SIPPeer, transaction: SIPServerTransaction, caller: ExtensionProfile?
    ) {
        guard attempt < 3 else {
            endpoint.respond(request.makeResponse(status: 500, reason: "Server Internal Error", toTag: SIPEndpoint.newTag()), on: transaction)
            return
        }
        let registrar = self.registrar
        let loop = eventLoop
        Task {
            do {
                try await registrar.loadExtension(number)
            } catch {
                self.logger.error("could not read an extension", metadata: ["number": "\(number)", "error": "\(error)"])
            }
            loop.execute { self.startCall(request, from: peer, transaction: transaction, authenticated: caller, lookUps: attempt + 1) }
        }
    }

    /// Sends our INVITE to every phone of the callee at once (parallel forking).
    private func ring(_ call: ActiveCall, contacts: [SIPPeer], dialed: String, sdp: SDPSession) {
        guard let session = call.media else { return }
        var bindings = location.bindings(call.callee.number, now: now()).filter(\.reachable)
        bindings = bindings.filter { ContactQualifier.peer(for: $0) != nil }
        guard !bindings.isEmpty else {
            endpoint.respond(call.invite.makeResponse(status: 480, reason: "Temporarily Unavailable", toTag: call.callerDialog.localTag),
                             on: call.transaction)
            finish(call, .unavailable, hangupBy: nil, reason: "not registered")
            return
        }
        call.flow = CallFlow(forks: bindings.count)
        let offer = SDPNegotiation.offer(
            preferring: call.callerOffer.codecs.map(\.codec), host: media.advertisedHost, port: session.ports[MediaLeg.callee.rawValue],
            session: call.calleeSession, direction: call.callerOffer.direction)
        let displayName = call.caller.name.isEmpty ? "" : "\"\(call.caller.name.replacingOccurrences(of: "\"", with: ""))\" "
        let identity = call.caller.callerId.isEmpty ? call.caller.number : call.caller.callerId
        let maxForwards = max(((try? call.invite.maxForwards()) ?? nil).map { $0 - 1 } ?? 69, 0)
        for (index, binding) in bindings.enumerated() {
            let peer = ContactQualifier.peer(for: binding)!
            let callID = UUID().uuidString.lowercased() + "@hotline"
            let fromTag = SIPEndpoint.newTag()
            let from = "\(displayName)<sip:\(identity)@\(policy.domain)>;tag=\(fromTag)"
            let to = "<sip:\(call.callee.number)@\(policy.domain)>"
            var dialog = Dialog.asClient(callID: callID, from: from, localTag: fromTag, to: to, target: binding.uri)
            var invite = dialog.request(.invite, contact: ourContact, sdp: offer)
            dialog.localSequence = 1
            dialog.inviteSequence = 1
            invite.headers.replace(.maxForwards, with: "\(maxForwards)")
            invite.headers.replace(.cseq, with: "1 INVITE")
            invite.headers.add(.allow, "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE")
            invite.headers.add(.supported, "timer")
            call.forks.append(ActiveCall.Fork(peer: peer, dialog: dialog, transaction: nil, answer: nil))
            dialogs[Self.dialogKey(callID, fromTag)] = (call.id, index)
            let (transaction, _) = endpoint.sendInvite(
                invite, to: peer,
                onResponse: { response in self.forkResponded(call, fork: index, response) },
                onFailure: { error in self.handle(call, .forkFailed(index, status: error == .timeout ? 408 : 503)) })
            call.forks[index].transaction = transaction
        }
        let ringLimit = endpoint.schedule(in: .seconds(Int64(policy.ringSeconds))) { [weak call] in
            guard let call else { return }
            self.handle(call, .ringTimeout)
        }
        call.timers.append(ringLimit)
    }

    // MARK: answers from the callee's phones

    private func forkResponded(_ call: ActiveCall, fork: Int, _ response: SIPMessage) {
        guard let status = response.statusCode, status > 100 else { return }
        let sdp = response.body.readableBytes > 0 ? (try? SDPSession(parsing: response.body)).flatMap(RemoteAudio.init) : nil
        if status < 200 {
            if let sdp { call.forks[fork].answer = sdp }
            handle(call, .forkProvisional(fork, status: status, hasSDP: sdp != nil))
        } else if status < 300 {
            if call.forks[fork].dialog.remoteTag == nil {
                call.forks[fork].dialog.confirm(with: response)
                if let tag = call.forks[fork].dialog.remoteTag { _ = tag }
            }
            if let sdp { call.forks[fork].answer = sdp }
            handle(call, .forkAnswered(fork))
        } else {
            handle(call, .forkFailed(fork, status: status))
        }
    }

    // MARK: the flow's actions

    func handle(_ call: ActiveCall, _ event: CallFlow.Event) {
        guard var flow = call.flow else { return }
        let actions = flow.handle(event)
        call.flow = flow
        for action in actions { perform(action, call) }
    }

    private func perform(_ action: CallFlow.Action, _ call: ActiveCall) {
        switch action {
        case .ringCaller(let status, let withMedia):
            guard endpoint.isPending(call.transaction) else { return }
            var extra = [SIPHeaderLine("Contact", ourContact)]
            var body = ByteBuffer()
            if withMedia, let fork = call.forks.firstIndex(where: { $0.answer != nil }), let answer = callerAnswer(call, calleeFork: fork) {
                extra.append(SIPHeaderLine("Content-Type", "application/sdp"))
                body = ByteBuffer(string: answer.text)
            }
            var response = call.invite.makeResponse(status: status, toTag: call.callerDialog.localTag, extraHeaders: extra)
            response.body = body
            endpoint.respond(response, on: call.transaction)

        case .answerCaller(let fork):
            answer(call, fork: fork)

        case .acknowledge(let fork):
            endpoint.sendAck(call.forks[fork].dialog.ack(), to: call.forks[fork].peer)

        case .cancel(let forks):
            for fork in forks {
                if let transaction = call.forks[fork].transaction { endpoint.cancel(transaction) }
            }

        case .hangUp(let fork):
            let bye = call.forks[fork].dialog.request(.bye)
            endpoint.send(bye, to: call.forks[fork].peer) { _ in }

        case .rejectCaller(let status):
            guard endpoint.isPending(call.transaction) else { return }
            let reason: String? = switch status {
            case 480: "Temporarily Unavailable"
            case 486: "Busy Here"
            case 487: "Request Terminated"
            case 503: "Service Unavailable"
            default: nil
            }
            endpoint.respond(call.invite.makeResponse(status: status, reason: reason, toTag: call.callerDialog.localTag), on: call.transaction)

        case .hangUpCaller:
            let bye = call.callerDialog.request(.bye)
            endpoint.send(bye, to: call.callerPeer) { _ in }

        case .finish(let disposition, let hangupBy, let reason):
            finish(call, disposition, hangupBy: hangupBy, reason: reason)
        }
    }

    /// Our SDP answer to the caller, once per call (a 183 and the 200 carry the same one).
    private func callerAnswer(_ call: ActiveCall, calleeFork fork: Int) -> SDPSession? {
        if let answer = call.callerAnswer { return answer }
        guard let session = call.media, let calleeAnswer = call.forks[fork].answer else { return nil }
        let calleeFormat = SDPNegotiation.format(ofAnswer: calleeAnswer)
        let (answer, callerFormat) = SDPNegotiation.answer(
            call.callerOffer, otherLeg: calleeFormat.codec, host: media.advertisedHost, port: session.ports[MediaLeg.caller.rawValue],
            session: call.callerSession, direction: SDPNegotiation.answering(call.callerOffer.direction))
        call.callerAnswer = answer
        call.callerFormat = callerFormat
        call.calleeFormat = calleeFormat
        session.configure(.caller, remoteHost: call.callerOffer.host, remotePort: call.callerOffer.port, format: callerFormat,
                          quiet: call.callerOffer.direction != .sendrecv)
        session.configure(.callee, remoteHost: calleeAnswer.host, remotePort: calleeAnswer.port, format: calleeFormat,
                          quiet: calleeAnswer.direction != .sendrecv)
        return answer
    }

    private func answer(_ call: ActiveCall, fork: Int) {
        guard let answer = callerAnswer(call, calleeFork: fork) else {
            // The callee answered without SDP (no offer/answer possible here): end it cleanly.
            perform(.hangUp(fork: fork), call)
            if endpoint.isPending(call.transaction) {
                endpoint.respond(call.invite.makeResponse(status: 488, reason: "Not Acceptable Here", toTag: call.callerDialog.localTag),
                                 on: call.transaction)
            }
            finish(call, .failed, hangupBy: .system, reason: "callee answered without SDP")
            return
        }
        var extra = [
            SIPHeaderLine("Contact", ourContact), SIPHeaderLine("Content-Type", "application/sdp"),
            SIPHeaderLine("Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE"),
        ]
        if let interval = call.sessionInterval {
            extra.append(SIPHeaderLine("Session-Expires", "\(interval);refresher=uac"))
            extra.append(SIPHeaderLine("Require", "timer"))
            armSessionTimer(call)
        }
        var ok = call.invite.makeResponse(status: 200, toTag: call.callerDialog.localTag, extraHeaders: extra)
        ok.body = ByteBuffer(string: answer.text)
        endpoint.respond(ok, on: call.transaction)
        byTransaction[call.transaction] = nil

        let at = now()
        call.answeredAt = at
        cdr.answered(call.id, at: at)
        for timer in call.timers { endpoint.cancel(timer) }
        call.timers = []
        if policy.maxCallSeconds > 0 {
            call.timers.append(endpoint.schedule(in: .seconds(Int64(policy.maxCallSeconds))) { [weak call] in
                guard let call else { return }
                self.handle(call, .serverEnded(reason: "maximum call length"))
            })
        }
        if let session = call.media {
            let id = call.id
            session.watchMediaTimeout(seconds: policy.mediaTimeoutSeconds) { [weak self] in
                guard let self else { return }
                self.eventLoop.execute {
                    guard let call = self.calls[id] else { return }
                    self.handle(call, .serverEnded(reason: "media timeout"))
                }
            }
            if call.caller.recording || call.callee.recording { startRecording(call, session) }
        }
        logger.info("call answered", metadata: ["call": "\(call.id)", "fork": "\(fork)"])
    }

    private func startRecording(_ call: ActiveCall, _ session: MediaSession) {
        let relative = RecordingPath.make(for: call.id, from: call.caller.number, to: call.callee.number, at: call.answeredAt ?? now())
        call.recording = relative
        cdr.recording(call.id, path: relative)
        let logger = self.logger
        let id = call.id
        media.record(session, path: policy.recordingsDirectory + "/" + relative) { reason in
            logger.error("recording stopped; the call goes on", metadata: ["call": "\(id)", "reason": "\(reason)"])
        }
    }

    /// Ends the engine's part of a call: media closed (recording completed),
    /// CDR closed, tables cleaned. Idempotent.
    func finish(_ call: ActiveCall, _ disposition: CallDisposition, hangupBy: HangupSide?, reason: String?) {
        guard !call.ended else { return }
        call.ended = true
        for timer in call.timers { endpoint.cancel(timer) }
        if let timer = call.sessionTimer { endpoint.cancel(timer) }
        calls[call.id] = nil
        byTransaction[call.transaction] = nil
        dialogs[Self.dialogKey(call.callerDialog.callID, call.callerDialog.localTag)] = nil
        for fork in call.forks { dialogs[Self.dialogKey(fork.dialog.callID, fork.dialog.localTag)] = nil }
        for number in [call.caller.number, call.callee.number] {
            activeByExtension[number, default: 1] -= 1
            if activeByExtension[number] == 0 { activeByExtension[number] = nil }
        }
        let ending = CallEnding(endedAt: now(), disposition: disposition, hangupBy: hangupBy, reason: reason)
        let cdr = self.cdr
        let id = call.id
        if let session = call.media {
            session.close().whenComplete { _ in cdr.close(id, ending) }
        } else {
            cdr.close(id, ending)
        }
        logger.info("call ended", metadata: [
            "call": "\(call.id)", "disposition": "\(disposition.rawValue)", "hangupBy": "\(hangupBy?.rawValue ?? "-")",
            "reason": "\(reason ?? "-")",
        ])
    }

    /// A call refused before it rang (busy, not registered): one closed row.
    private func record(_ record: NewCallRecord, ending disposition: CallDisposition, reason: String) {
        nextID += 1
        cdr.open(nextID, record)
        cdr.close(nextID, CallEnding(endedAt: record.startedAt, disposition: disposition, hangupBy: nil, reason: reason))
    }

    /// Ends every call (graceful shutdown): BYE or 503, CDRs and recordings completed.
    public func endAll(reason: String) {
        eventLoop.assertInEventLoop()
        for call in Array(calls.values) {
            if call.flow == nil {
                if endpoint.isPending(call.transaction) {
                    endpoint.respond(call.invite.makeResponse(status: 503, reason: "Service Unavailable", toTag: call.callerDialog.localTag),
                                     on: call.transaction)
                }
                finish(call, .failed, hangupBy: .system, reason: reason)
            } else {
                handle(call, .serverEnded(reason: reason))
            }
        }
    }

    // MARK: RFC 4028 session timers

    static func requestedSessionInterval(_ request: SIPMessage) -> Int? {
        guard let value = request.headers.first(.sessionExpires) else { return nil }
        guard let seconds = Int(value.split(separator: ";").first?.trimmingCharacters(in: .whitespaces) ?? "") else { return nil }
        return max(seconds, 90)
    }

    /// The caller refreshes (refresher=uac); without a refresh by the end
    /// of the interval the session is over (RFC 4028 §10).
    func armSessionTimer(_ call: ActiveCall) {
        guard let interval = call.sessionInterval else { return }
        if let timer = call.sessionTimer { endpoint.cancel(timer) }
        call.sessionTimer = endpoint.schedule(in: .seconds(Int64(interval))) { [weak call] in
            guard let call else { return }
            self.handle(call, .serverEnded(reason: "session timer expired"))
        }
    }
}

/// Where a call's recording goes under `DATA/recordings/`: by day, named
/// so a listing makes sense without the database.
enum RecordingPath {
    static func make(for id: UInt64, from: String, to: String, at date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ n: Int?) -> String { String(format: "%02d", n ?? 0) }
        let safe = { (s: String) in String(s.filter { $0.isLetter || $0.isNumber || $0 == "+" }.prefix(32)) }
        let stamp = "\(c.year ?? 0)\(two(c.month))\(two(c.day))-\(two(c.hour))\(two(c.minute))\(two(c.second))"
        let token = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        return "\(c.year ?? 0)/\(two(c.month))/\(two(c.day))/\(stamp)-\(safe(from))-\(safe(to))-\(id)-\(token).wav"
    }
}
