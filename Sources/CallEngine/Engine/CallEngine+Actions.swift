import CallCenter
import Foundation
import Media
import MediaEngine
import NIOCore
import SIP
import SIPStack

/// Carrying out a plan's decisions on SIP and media.
extension CallEngine {
    func perform(_ actions: [CallPlan.Action], _ call: Call) {
        for action in actions {
            guard !call.ended else { return }
            perform(action, call)
        }
    }

    private func perform(_ action: CallPlan.Action, _ call: Call) {
        switch action {
        case .dial(let leg, let number, let role):
            dial(number, leg: leg, role: role, in: call)

        case .ring(let leg, let earlyMedia):
            guard let sip = call.legs[leg], let transaction = sip.transaction, endpoint.isPending(transaction), let invite = sip.invite,
                let dialog = sip.dialog
            else { return }
            var extra = [SIPHeaderLine("Contact", ourContact)]
            var body = ByteBuffer()
            if earlyMedia, let answer = answerSDP(for: sip, in: call) {
                extra.append(SIPHeaderLine("Content-Type", "application/sdp"))
                body = ByteBuffer(string: answer.text)
            }
            var response = invite.makeResponse(status: earlyMedia ? 183 : 180, toTag: dialog.localTag, extraHeaders: extra)
            response.body = body
            endpoint.respond(response, on: transaction)

        case .answer(let leg):
            answerInbound(leg, in: call)

        case .reject(let leg, let status):
            guard let sip = call.legs[leg], let transaction = sip.transaction, endpoint.isPending(transaction), let invite = sip.invite else { return }
            endpoint.respond(invite.makeResponse(status: status, reason: Self.reason(status), toTag: sip.dialog?.localTag ?? SIPEndpoint.newTag()), on: transaction)
            byTransaction[transaction] = nil

        case .cancel(let leg):
            guard let sip = call.legs[leg] else { return }
            if var forks = sip.forkSet {
                let actions = forks.handle(.cancelAll)
                sip.forkSet = forks
                for case .cancel(let indexes) in actions {
                    for index in indexes { if let transaction = sip.forks[index].transaction { endpoint.cancel(transaction) } }
                }
            }
            if let timer = sip.ringTimer { endpoint.cancel(timer) }
            call.media.removeLeg(leg)

        case .hangUp(let leg):
            guard let sip = call.legs[leg], var dialog = sip.dialog, let peer = sip.peer else { return }
            let bye = dialog.request(.bye)
            sip.dialog = dialog
            endpoint.send(bye, to: peer) { _ in }
            leftCall(sip, call)

        case .hear(let leg, let hearing):
            let source: MediaSource = switch hearing {
            case .silence: .silence
            case .leg(let other): .leg(other)
            case .musicOnHold: .clip(media.musicOnHold, loop: true)
            case .ringback: .tone(media.ringback)
            }
            call.media.hear(leg, source)

        case .notifyTransfer(let leg, let status, let final):
            notifyTransfer(call.legs[leg], status: status, final: final)

        case .record(let left, let right):
            recordChannels(call, left: left, right: right)

        case .publish(let kind):
            publish(kind, call)

        case .finish(let disposition, let hangupBy, let reason):
            finish(call, disposition, hangupBy: hangupBy, reason: reason)
        }
    }

    // MARK: answering an inbound leg

    /// Our SDP answer to an inbound leg, once (a 183 and the 200 carry the
    /// same): the codec its partner settled on if this phone offered it (no
    /// transcoding), else its first codec we know.
    func answerSDP(for sip: SIPLeg, in call: Call) -> SDPSession? {
        if let answer = sip.answer { return answer }
        guard let offer = sip.remote, let port = sip.port else { return nil }
        let partner = call.plan.partner[sip.id].flatMap { call.legs[$0]?.format?.codec }
        let (answer, format) = SDPNegotiation.answer(
            offer, otherLeg: partner, host: media.advertisedHost, port: port, session: sip.session,
            direction: SDPNegotiation.answering(offer.direction))
        sip.answer = answer
        sip.format = format
        call.media.configure(sip.id, remoteHost: offer.host, remotePort: offer.port, format: format, quiet: offer.direction != .sendrecv)
        return answer
    }

    private func answerInbound(_ leg: CallPlan.LegID, in call: Call) {
        guard let sip = call.legs[leg], let transaction = sip.transaction, let invite = sip.invite, let dialog = sip.dialog else { return }
        guard endpoint.isPending(transaction), let answer = answerSDP(for: sip, in: call) else { return }
        var extra = [
            SIPHeaderLine("Contact", ourContact), SIPHeaderLine("Content-Type", "application/sdp"), SIPHeaderLine("Allow", Self.allow),
        ]
        if let interval = sip.sessionInterval {
            extra.append(SIPHeaderLine("Session-Expires", "\(interval);refresher=uac"))
            extra.append(SIPHeaderLine("Require", "timer"))
            armSessionTimer(sip, in: call)
        }
        var ok = invite.makeResponse(status: 200, toTag: dialog.localTag, extraHeaders: extra)
        ok.body = ByteBuffer(string: answer.text)
        endpoint.respond(ok, on: transaction)
        byTransaction[transaction] = nil
        legAnswered(sip, call)
    }

    /// A leg is up (for the call record).
    func legAnswered(_ sip: SIPLeg, _ call: Call) {
        guard !sip.answered else { return }
        sip.answered = true
        call.summaries[sip.id]?.answeredAt = now()
    }

    /// The call is answered: its record, its timers, the setup slot freed.
    func callAnswered(_ call: Call) {
        guard call.answeredAt == nil else { return }
        let at = now()
        call.answeredAt = at
        settingUp -= 1
        cdr.answered(call.id, at: at)
        if policy.maxCallSeconds > 0 {
            call.timers.append(endpoint.schedule(in: .seconds(Int64(policy.maxCallSeconds))) { [weak call] in
                guard let call else { return }
                self.handle(call, .serverEnded(reason: "maximum call length"))
            })
        }
        let id = call.id
        call.media.watchMediaTimeout(seconds: policy.mediaTimeoutSeconds) { [weak self] in
            guard let self else { return }
            self.eventLoop.execute {
                guard let call = self.calls[id] else { return }
                self.handle(call, .serverEnded(reason: "media timeout"))
            }
        }
        logger.info("call answered", metadata: ["call": "\(call.id)"])
    }

    /// A leg's phone is no longer on the call: its extension is free again.
    func leftCall(_ sip: SIPLeg, _ call: Call) {
        sip.left = true
        if call.summaries[sip.id]?.endedAt == nil { call.summaries[sip.id]?.endedAt = now() }
        if let timer = sip.sessionTimer { endpoint.cancel(timer) }
        if let timer = sip.ringTimer { endpoint.cancel(timer) }
        sip.sessionTimer = nil
        sip.ringTimer = nil
        call.media.removeLeg(sip.id)
        guard let profile = sip.profile, !sip.countedOut else { return }
        sip.countedOut = true
        activeByExtension[profile.number, default: 1] -= 1
        if activeByExtension[profile.number] == 0 { activeByExtension[profile.number] = nil }
    }

    // MARK: recording

    private func recordChannels(_ call: Call, left: CallPlan.LegID, right: CallPlan.LegID?) {
        if call.recording != nil {
            call.media.recordChannels(left: left, right: right)
            return
        }
        // Recorded when an extension on the call asks for it.
        guard call.legs.values.contains(where: { $0.profile?.recording == true }) else { return }
        let relative = RecordingPath.make(for: call.id, from: call.from, to: call.dialed, at: call.answeredAt ?? now())
        call.recording = relative
        cdr.recording(call.id, path: relative)
        let logger = self.logger
        let id = call.id
        media.record(call.media, path: policy.recordingsDirectory + "/" + relative, left: left, right: right) { reason in
            logger.error("recording stopped; the call goes on", metadata: ["call": "\(id)", "reason": "\(reason)"])
        }
    }

    // MARK: events

    func eventInfo(_ call: Call) -> CallEventInfo {
        CallEventInfo(
            callId: String(call.id), sipCallId: call.sipCallId, from: call.from, to: call.dialed, direction: call.direction, at: now(),
            userIds: call.userIds)
    }

    private func publish(_ kind: CallPlan.CallEventKind, _ call: Call) {
        switch kind {
        case .ringing: events.send(.ringing(eventInfo(call)))
        case .answered:
            callAnswered(call)
            events.send(.answered(eventInfo(call)))
        case .transferred(let to):
            call.transferredTo = to
            events.send(.transferred(eventInfo(call), to: to))
        }
    }

    // MARK: the end

    /// Ends the engine's part of a call: every endpoint closed (recording
    /// completed), the call record closed, tables cleaned. Idempotent.
    func finish(_ call: Call, _ disposition: CallDisposition, hangupBy: HangupSide?, reason: String?) {
        guard !call.ended else { return }
        call.ended = true
        if call.answeredAt == nil { settingUp -= 1 }
        for timer in call.timers { endpoint.cancel(timer) }
        calls[call.id] = nil
        for sip in call.legs.values {
            leftCall(sip, call)
            if let transaction = sip.transaction { byTransaction[transaction] = nil }
            if let dialog = sip.dialog { dialogs[Self.dialogKey(dialog.callID, dialog.localTag)] = nil }
            for fork in sip.forks { dialogs[Self.dialogKey(fork.dialog.callID, fork.dialog.localTag)] = nil }
        }
        let info = eventInfo(call)
        let at = now()
        let legs = call.order.compactMap { call.summaries[$0] }.map { summary -> CallLegSummary in
            var summary = summary
            if summary.endedAt == nil { summary.endedAt = at }
            return summary
        }
        let ending = CallEnding(endedAt: at, disposition: disposition, hangupBy: hangupBy, reason: reason, transferredTo: call.transferredTo, legs: legs)
        let cdr = self.cdr
        let id = call.id
        call.media.close().whenComplete { _ in cdr.close(id, ending) }
        events.send(.ended(info, disposition: disposition, hangupBy: hangupBy))
        logger.info("call ended", metadata: [
            "call": "\(call.id)", "disposition": "\(disposition.rawValue)", "hangupBy": "\(hangupBy?.rawValue ?? "-")",
            "reason": "\(reason ?? "-")",
        ])
    }

    static func reason(_ status: Int) -> String? {
        switch status {
        case 404: "Not Found"
        case 480: "Temporarily Unavailable"
        case 486: "Busy Here"
        case 487: "Request Terminated"
        case 503: "Service Unavailable"
        case 603: "Decline"
        default: nil
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
