import Media
import CallCenter
import MediaEngine
import NIOCore
import SIP
import SIPStack

/// Requests inside an established call: BYE, re-INVITE (hold, unhold,
/// codec change, session refresh) passed to the other side, CANCEL of a
/// ringing call, and the few requests answered on the spot.
extension B2BUA: SIPRequestHandler {
    public func handle(_ request: SIPMessage, from peer: SIPPeer) async -> SIPMessage {
        // Everything is answered on the event loop (respondImmediately).
        request.makeResponse(status: 500, reason: "Server Internal Error", toTag: SIPEndpoint.newTag())
    }

    public func takeInvite(_ request: SIPMessage, from peer: SIPPeer, transaction: SIPServerTransaction) -> Bool {
        if (try? request.to())?.tag != nil {
            reInvite(request, from: peer, transaction: transaction)
        } else {
            startCall(request, from: peer, transaction: transaction)
        }
        return true
    }

    public func inviteCancelled(_ transaction: SIPServerTransaction) {
        guard let id = byTransaction[transaction], let call = calls[id] else { return }
        if call.flow == nil {
            endpoint.respond(call.invite.makeResponse(status: 487, reason: "Request Terminated", toTag: call.callerDialog.localTag), on: transaction)
            finish(call, .cancelled, hangupBy: .caller, reason: nil)
        } else {
            handle(call, .callerCancelled)
        }
    }

    public func ackNeverArrived(callID: String, response: SIPMessage) {
        guard let call = calls.values.first(where: { $0.callerDialog.callID == callID }) else { return }
        handle(call, .serverEnded(reason: "no ACK from the caller"))
    }

    /// A request inside one of our dialogs, answered at once on the loop.
    public func respondInDialog(_ request: SIPMessage, from peer: SIPPeer) -> SIPMessage {
        let toTag = (try? request.to())?.tag
        guard let callID = try? request.callID(), let toTag, let ref = dialogs[Self.dialogKey(callID, toTag)],
            let call = calls[ref.call], let method = request.method
        else {
            return request.makeResponse(status: 481, reason: "Call/Transaction Does Not Exist", toTag: toTag ?? SIPEndpoint.newTag())
        }
        switch method {
        case .bye:
            if ref.fork == nil {
                handle(call, .callerHungUp)
            } else if ref.fork == call.winner {
                handle(call, .calleeHungUp)
            }
            return request.makeResponse(status: 200, toTag: toTag)
        case .update where request.body.readableBytes == 0, .info, .options:
            // UPDATE without SDP refreshes the session (RFC 4028); INFO (SIP
            // INFO DTMF) and in-dialog OPTIONS are acknowledged.
            if ref.fork == nil, call.sessionInterval != nil, method == .update {
                armSessionTimer(call)
                return request.makeResponse(status: 200, toTag: toTag, extraHeaders: [
                    SIPHeaderLine("Session-Expires", "\(call.sessionInterval!);refresher=uac"), SIPHeaderLine("Require", "timer"),
                ])
            }
            return request.makeResponse(status: 200, toTag: toTag)
        case .update:
            return request.makeResponse(status: 488, reason: "Use re-INVITE to change the session", toTag: toTag)
        default:
            return request.makeResponse(status: 501, reason: "Not Implemented", toTag: toTag)
        }
    }

    // MARK: re-INVITE

    func reInvite(_ request: SIPMessage, from peer: SIPPeer, transaction: SIPServerTransaction) {
        let toTag = (try? request.to())?.tag ?? ""
        guard let callID = try? request.callID(), let ref = dialogs[Self.dialogKey(callID, toTag)], let call = calls[ref.call],
            call.flow?.phase == .answered, let session = call.media, ref.fork == nil || ref.fork == call.winner,
            let winner = call.winner
        else {
            endpoint.respond(request.makeResponse(status: 481, reason: "Call/Transaction Does Not Exist", toTag: toTag), on: transaction)
            return
        }
        guard call.pendingReInvite == nil else {
            endpoint.respond(request.makeResponse(status: 491, reason: "Request Pending", toTag: toTag), on: transaction)
            return
        }
        let fromCaller = ref.fork == nil
        if fromCaller { armSessionTimer(call) }
        let leg: MediaLeg = fromCaller ? .caller : .callee
        let offer = request.body.readableBytes > 0 ? (try? SDPSession(parsing: request.body)).flatMap(RemoteAudio.init) : nil
        guard let offer else {
            if request.body.readableBytes > 0 {
                endpoint.respond(request.makeResponse(status: 488, reason: "Not Acceptable Here", toTag: toTag), on: transaction)
            } else {
                // A refresh without an offer: our current description is the offer in the 200.
                respondToReInvite(request, transaction: transaction, call: call, leg: leg, direction: .sendrecv, toTag: toTag)
            }
            return
        }
        // This phone's new address and format (a codec change keeps to what it offered).
        var format = (leg == .caller ? call.callerFormat : call.calleeFormat) ?? LegFormat(codec: offer.codecs[0].codec)
        if let payloadType = offer.payloadType(of: format.codec) {
            format.audioPayloadType = payloadType
        } else {
            format = LegFormat(codec: offer.codecs[0].codec, audioPayloadType: offer.codecs[0].payloadType, telephoneEventPayloadType: offer.telephoneEvent)
        }
        format.telephoneEventPayloadType = offer.telephoneEvent
        if leg == .caller { call.callerFormat = format } else { call.calleeFormat = format }
        session.configure(leg, remoteHost: offer.host, remotePort: offer.port, format: format, quiet: offer.direction != .sendrecv)

        // Pass the change to the other phone as our own re-INVITE.
        call.pendingReInvite = ActiveCall.PendingReInvite(fromCaller: fromCaller, transaction: transaction, offer: offer)
        let otherLeg = leg.other
        guard let otherFormat = otherLeg == .caller ? call.callerFormat : call.calleeFormat else { return }
        let version = otherLeg == .caller ? call.callerSession.next() : call.calleeSession.next()
        let sdp = SDPNegotiation.description(
            codecs: [(otherFormat.codec, otherFormat.audioPayloadType)], telephoneEvent: otherFormat.telephoneEventPayloadType ?? SDPNegotiation.telephoneEventPayloadType,
            host: media.advertisedHost, port: session.ports[otherLeg.rawValue], session: version, direction: offer.direction)
        let relayed: SIPMessage
        let target: SIPPeer
        if otherLeg == .caller {
            relayed = call.callerDialog.request(.invite, contact: ourContact, sdp: sdp)
            target = call.callerPeer
        } else {
            relayed = call.forks[winner].dialog.request(.invite, contact: ourContact, sdp: sdp)
            target = call.forks[winner].peer
        }
        _ = endpoint.sendInvite(relayed, to: target, onResponse: { response in
            self.relayedReInviteAnswered(call, response, leg: leg, request: request, toTag: toTag)
        }, onFailure: { _ in
            self.relayedReInviteAnswered(call, request.makeResponse(status: 408, reason: "Request Timeout"), leg: leg, request: request, toTag: toTag)
        })
    }

    private func relayedReInviteAnswered(_ call: ActiveCall, _ response: SIPMessage, leg: MediaLeg, request: SIPMessage, toTag: String) {
        guard let status = response.statusCode, status >= 200, let pending = call.pendingReInvite else { return }
        let otherLeg = leg.other
        if status < 300 {
            let ack = otherLeg == .caller ? call.callerDialog.ack() : call.forks[call.winner ?? 0].dialog.ack()
            endpoint.sendAck(ack, to: otherLeg == .caller ? call.callerPeer : call.forks[call.winner ?? 0].peer)
        }
        call.pendingReInvite = nil
        guard !call.ended else { return }
        guard status < 300 else {
            endpoint.respond(request.makeResponse(status: status, reason: response.reasonPhrase, toTag: toTag), on: pending.transaction)
            return
        }
        var direction = SDPNegotiation.answering(pending.offer?.direction ?? .sendrecv)
        if let answer = (try? SDPSession(parsing: response.body)).flatMap(RemoteAudio.init), let session = call.media {
            let format = SDPNegotiation.format(ofAnswer: answer)
            if otherLeg == .caller { call.callerFormat = format } else { call.calleeFormat = format }
            session.configure(otherLeg, remoteHost: answer.host, remotePort: answer.port, format: format, quiet: answer.direction != .sendrecv)
            direction = answer.direction
        }
        respondToReInvite(request, transaction: pending.transaction, call: call, leg: leg, direction: direction, toTag: toTag)
    }

    /// 200 to a re-INVITE with our description of `leg`.
    private func respondToReInvite(
        _ request: SIPMessage, transaction: SIPServerTransaction, call: ActiveCall, leg: MediaLeg, direction: SDPDirection, toTag: String
    ) {
        guard let session = call.media, let format = leg == .caller ? call.callerFormat : call.calleeFormat else {
            endpoint.respond(request.makeResponse(status: 500, toTag: toTag), on: transaction)
            return
        }
        let version = leg == .caller ? call.callerSession.next() : call.calleeSession.next()
        let sdp = SDPNegotiation.description(
            codecs: [(format.codec, format.audioPayloadType)], telephoneEvent: format.telephoneEventPayloadType,
            host: media.advertisedHost, port: session.ports[leg.rawValue], session: version, direction: direction)
        var extra = [SIPHeaderLine("Contact", ourContact), SIPHeaderLine("Content-Type", "application/sdp")]
        if leg == .caller, let interval = call.sessionInterval {
            extra.append(SIPHeaderLine("Session-Expires", "\(interval);refresher=uac"))
            extra.append(SIPHeaderLine("Require", "timer"))
        }
        var ok = request.makeResponse(status: 200, toTag: toTag, extraHeaders: extra)
        let offer = call.pendingReInvite?.offer ?? (try? SDPSession(parsing: request.body)).flatMap(RemoteAudio.init)
        ok.body = ByteBuffer(string: (offer.map { SDPNegotiation.refusingOthers(sdp, like: $0) } ?? sdp).text)
        endpoint.respond(ok, on: transaction)
    }
}
