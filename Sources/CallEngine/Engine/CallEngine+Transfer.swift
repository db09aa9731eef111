import CallCenter
import Foundation
import Media
import MediaEngine
import NIOCore
import SIP
import SIPStack

/// Transfers asked for by phones: REFER (RFC 3515) to a number — blind —
/// or with a Replaces naming the transferor's other call — attended
/// (RFC 3891) — and an INVITE with Replaces taking over one of our dialogs.
/// The engine carries them out itself: the transferee keeps its dialog with
/// us and hears ringback, then the new party.
extension CallEngine {
    static let replacesHeader = SIPHeaderName("Replaces")

    /// A REFER inside a call: 202 at once, the transfer goes on behind it
    /// and its progress reaches the transferor as NOTIFYs.
    func refer(_ request: SIPMessage, leg: SIPLeg, call: Call, toTag: String) -> SIPMessage {
        guard let value = request.headers.first(.referTo), let target = try? SIPNameAddress(parsing: value),
            case .sip(let uri) = target.uri, let number = uri.user, !number.isEmpty, number.count <= 32
        else {
            return request.makeResponse(status: 400, reason: "Bad Refer-To", toTag: toTag)
        }
        guard leg.answered, leg.dialog != nil else {
            return request.makeResponse(status: 403, reason: "Only an answered call can be transferred", toTag: toTag)
        }
        leg.referNotifications = true
        if let raw = uri.headers.first(named: "Replaces")?.decodedValue {
            // Only the transferor's own other call: the same extension on both.
            guard let replaces = Replaces(raw), let other = dialogLeg(replaces), other.call !== call, let number = leg.profile?.number,
                other.leg.profile?.number == number
            else {
                // A Replaces that names no call of this phone's is not ours to act on.
                return request.makeResponse(status: 403, reason: "Replaces names no dialog of yours", toTag: toTag)
            }
            eventLoop.execute { self.attendedTransfer(by: leg, in: call, joining: other.leg, of: other.call) }
        } else {
            eventLoop.execute { self.handle(call, .blindTransfer(by: leg.id, to: number)) }
        }
        return request.makeResponse(status: 202, reason: "Accepted", toTag: toTag, extraHeaders: [SIPHeaderLine("Contact", ourContact)])
    }

    /// The leg of ours a Replaces names (our tag is its to-tag; some phones swap them).
    func dialogLeg(_ replaces: Replaces) -> (call: Call, leg: SIPLeg)? {
        for tag in [replaces.toTag, replaces.fromTag] {
            if let ref = dialogs[Self.dialogKey(replaces.callID, tag)], let call = calls[ref.call], let leg = call.legs[ref.leg] {
                return (call, leg)
            }
        }
        return nil
    }

    /// Attended transfer: the transferor (`by`, talking to the transferee in
    /// `call`) has a second call (`other`) in which `otherLeg` is its own
    /// leg; the party at the far end of that call joins `call` in the
    /// transferor's place, and both of the transferor's legs end.
    private func attendedTransfer(by transferor: SIPLeg, in call: Call, joining otherLeg: SIPLeg, of other: Call) {
        guard !call.ended, !other.ended, let farID = other.plan.partner[otherLeg.id], let far = other.legs[farID], far.answered,
            let dialog = far.dialog, let peer = far.peer
        else {
            notifyTransfer(transferor, status: 481, final: true)
            return
        }
        // The far party leaves the other call without a BYE; that call ends with its transferor's leg.
        other.legs[farID] = nil
        handle(other, .detached(farID))
        let id = call.plan.reserveLeg()
        let moved = SIPLeg(id: id, role: .callee, number: far.number, profile: far.profile)
        moved.dialog = dialog
        moved.peer = peer
        moved.remote = far.remote
        moved.format = far.format
        moved.session = far.session
        moved.sessionInterval = far.sessionInterval
        call.add(moved)
        legAnswered(moved, call)
        dialogs[Self.dialogKey(dialog.callID, dialog.localTag)] = (call.id, id)
        notifyTransfer(transferor, status: 200, final: true)
        call.media.addLeg(id).hop(to: eventLoop).whenComplete { result in
            guard !call.ended else { return }
            switch result {
            case .failure:
                self.handle(call, .serverEnded(reason: "no media ports for the transfer"))
            case .success(let port):
                moved.port = port
                if let remote = far.remote, let format = far.format {
                    call.media.configure(id, remoteHost: remote.host, remotePort: remote.port, format: format)
                }
                self.handle(call, .replace(transferor.id, with: id, number: far.number, role: .callee))
                self.moveMedia(of: moved, to: port, in: call)
            }
        }
    }

    /// A re-INVITE telling a phone where our media for it now is (a leg
    /// that moved to another call's endpoint).
    func moveMedia(of leg: SIPLeg, to port: Int, in call: Call) {
        guard var dialog = leg.dialog, let peer = leg.peer else { return }
        let invite = dialog.request(.invite, contact: ourContact, sdp: description(of: leg, port: port, direction: .sendrecv))
        leg.dialog = dialog
        _ = endpoint.sendInvite(invite, to: peer, onResponse: { response in
            guard let status = response.statusCode, status >= 200 else { return }
            if status < 300 {
                self.endpoint.sendAck(dialog.ack(), to: peer)
                if let answer = (try? SDPSession(parsing: response.body)).flatMap(RemoteAudio.init) {
                    leg.remote = answer
                    let format = SDPNegotiation.format(ofAnswer: answer)
                    leg.format = format
                    call.media.configure(leg.id, remoteHost: answer.host, remotePort: answer.port, format: format, quiet: answer.direction != .sendrecv)
                }
            } else {
                self.logger.warning("a moved leg refused its new media address", metadata: ["call": "\(call.id)", "status": "\(status)"])
            }
        }, onFailure: { _ in })
    }

    /// An authenticated phone's INVITE with Replaces (RFC 3891): it takes
    /// over a leg of a call its extension is part of (the call moves to
    /// this phone); the replaced phone gets a BYE.
    func replaceLeg(_ request: SIPMessage, from peer: SIPPeer, transaction: SIPServerTransaction, caller: ExtensionProfile, replaces value: String, toTag: String) {
        guard let replaces = Replaces(value), let (call, replaced) = dialogLeg(replaces) else {
            endpoint.respond(request.makeResponse(status: 481, reason: "Call/Transaction Does Not Exist", toTag: toTag), on: transaction)
            return
        }
        guard call.legs.values.contains(where: { $0.profile?.number == caller.number }) else {
            endpoint.respond(request.makeResponse(status: 403, reason: "Not a call of yours", toTag: toTag), on: transaction)
            return
        }
        guard replaced.answered, !replaces.earlyOnly else {
            endpoint.respond(request.makeResponse(status: 486, reason: "Busy Here", toTag: toTag), on: transaction)
            return
        }
        guard let offer = (try? SDPSession(parsing: request.body)).flatMap(RemoteAudio.init), let dialog = Dialog.asServer(invite: request, localTag: toTag)
        else {
            endpoint.respond(request.makeResponse(status: 488, reason: "Not Acceptable Here", toTag: toTag), on: transaction)
            return
        }
        let id = call.plan.reserveLeg()
        let leg = SIPLeg(id: id, role: .callee, number: caller.number, profile: caller)
        leg.transaction = transaction
        leg.invite = request
        leg.inboundPeer = peer
        leg.peer = peer
        leg.dialog = dialog
        leg.remote = offer
        call.add(leg)
        activeByExtension[caller.number, default: 0] += 1
        dialogs[Self.dialogKey(dialog.callID, dialog.localTag)] = (call.id, id)
        call.media.addLeg(id).hop(to: eventLoop).whenComplete { result in
            guard !call.ended else {
                self.endpoint.respond(request.makeResponse(status: 481, toTag: toTag), on: transaction)
                return
            }
            switch result {
            case .failure:
                self.endpoint.respond(request.makeResponse(status: 503, toTag: toTag), on: transaction)
            case .success(let port):
                leg.port = port
                self.perform([.answer(id)], call)
                self.handle(call, .replace(replaced.id, with: id, number: caller.number, role: .callee))
            }
        }
    }

    /// Progress of a transfer to the phone that asked for it (RFC 3515 §2.4.5).
    func notifyTransfer(_ leg: SIPLeg?, status: Int, final: Bool) {
        // Also after the transferor's BYE: the REFER's subscription keeps the dialog alive (RFC 5057 §5.3).
        guard let leg, leg.referNotifications, var dialog = leg.dialog, let peer = leg.peer else { return }
        var notify = dialog.request(.notify, contact: ourContact)
        leg.dialog = dialog
        notify.headers.add(.event, "refer")
        notify.headers.add(SIPHeaderName("Subscription-State"), final ? "terminated;reason=noresource" : "active;expires=60")
        notify.headers.add(.contentType, "message/sipfrag;version=2.0")
        notify.body = ByteBuffer(string: "SIP/2.0 \(status) \(SIPStatus.reasonPhrase(for: status))\r\n")
        if final { leg.referNotifications = false }
        endpoint.send(notify, to: peer) { _ in }
    }
}
