import CallCenter
import Foundation
import Media
import MediaEngine
import NIOCore
import SIP
import SIPStack

/// Requests inside a call: BYE, re-INVITE and UPDATE (hold, unhold, a new
/// address or codec, session refresh — each answered here, the other
/// phones are not disturbed: the media is ours), INFO (DTMF), REFER
/// (transfer), CANCEL of a ringing call, and the few answered on the spot.
extension CallEngine: SIPRequestHandler {
    public func handle(_ request: SIPMessage, from peer: SIPPeer) async -> SIPMessage {
        // Everything is answered on the event loop (respondImmediately).
        request.makeResponse(status: 500, reason: "Server Internal Error", toTag: SIPEndpoint.newTag())
    }

    public func takeInvite(_ request: SIPMessage, from peer: SIPPeer, transaction: SIPServerTransaction) -> Bool {
        if (try? request.to())?.tag != nil {
            reInvite(request, from: peer, transaction: transaction)
        } else {
            admit(request, from: peer, transaction: transaction)
        }
        return true
    }

    public func inviteCancelled(_ transaction: SIPServerTransaction) {
        guard let ref = byTransaction[transaction], let call = calls[ref.call] else { return }
        if ref.leg == CallPlan.callerLeg {
            handle(call, .callerCancelled)
        } else {
            handle(call, .hungUp(ref.leg))
        }
    }

    public func ackNeverArrived(callID: String, response: SIPMessage) {
        guard let toTag = (try? response.to())?.tag, let ref = dialogs[Self.dialogKey(callID, toTag)], let call = calls[ref.call] else { return }
        handle(call, .serverEnded(reason: "no ACK from the caller"))
    }

    /// The call and leg of a request inside one of our dialogs.
    func leg(of request: SIPMessage) -> (call: Call, leg: SIPLeg)? {
        guard let callID = try? request.callID(), let toTag = (try? request.to())?.tag, let ref = dialogs[Self.dialogKey(callID, toTag)],
            let call = calls[ref.call], let leg = call.legs[ref.leg]
        else { return nil }
        return (call, leg)
    }

    /// A request inside one of our dialogs, answered at once on the loop.
    public func respondInDialog(_ request: SIPMessage, from peer: SIPPeer) -> SIPMessage {
        let toTag = (try? request.to())?.tag ?? SIPEndpoint.newTag()
        guard let method = request.method, let (call, leg) = self.leg(of: request) else {
            return request.makeResponse(status: 481, reason: "Call/Transaction Does Not Exist", toTag: toTag)
        }
        // Only the phone on the other end of the dialog speaks in it (the
        // Call-ID and tags are not enough over a transport that can be spoofed).
        if let expected = leg.peer ?? leg.inboundPeer, expected.host != peer.host {
            return request.makeResponse(status: 403, reason: "Forbidden", toTag: toTag)
        }
        switch method {
        case .bye:
            // A BYE from a fork that lost the race changes nothing.
            if leg.dialog?.remoteTag == (try? request.from())?.tag || leg.isInbound {
                eventLoop.execute { self.handle(call, .hungUp(leg.id)) }
            }
            return request.makeResponse(status: 200, toTag: toTag)
        case .update where request.body.readableBytes == 0:
            // RFC 4028 refresh without an offer.
            return refreshed(request, leg: leg, call: call, toTag: toTag)
        case .update:
            return request.makeResponse(status: 488, reason: "Use re-INVITE to change the session", toTag: toTag)
        case .info:
            if let key = Self.infoDigit(request) { digit(key, leg: leg.id, call: call.id) }
            return request.makeResponse(status: 200, toTag: toTag)
        case .refer:
            return refer(request, leg: leg, call: call, toTag: toTag)
        case .options, .notify:
            return request.makeResponse(status: 200, toTag: toTag)
        default:
            return request.makeResponse(status: 501, reason: "Not Implemented", toTag: toTag, extraHeaders: [SIPHeaderLine("Allow", Self.allow)])
        }
    }

    private func refreshed(_ request: SIPMessage, leg: SIPLeg, call: Call, toTag: String) -> SIPMessage {
        guard let interval = leg.sessionInterval else { return request.makeResponse(status: 200, toTag: toTag) }
        armSessionTimer(leg, in: call)
        return request.makeResponse(status: 200, toTag: toTag, extraHeaders: [
            SIPHeaderLine("Session-Expires", "\(interval);refresher=uac"), SIPHeaderLine("Require", "timer"),
        ])
    }

    // MARK: re-INVITE

    /// A phone changes its session: hold (sendonly, inactive or 0.0.0.0),
    /// unhold, a new address or codec, or a refresh. Answered here from our
    /// own media endpoint; the plan decides what the other phones hear.
    func reInvite(_ request: SIPMessage, from peer: SIPPeer, transaction: SIPServerTransaction) {
        let toTag = (try? request.to())?.tag ?? ""
        guard let (call, leg) = self.leg(of: request), leg.answered || leg.isInbound, let port = leg.port else {
            endpoint.respond(request.makeResponse(status: 481, reason: "Call/Transaction Does Not Exist", toTag: toTag), on: transaction)
            return
        }
        if let expected = leg.peer ?? leg.inboundPeer, expected.host != peer.host {
            endpoint.respond(request.makeResponse(status: 403, reason: "Forbidden", toTag: toTag), on: transaction)
            return
        }
        if leg.isInbound { armSessionTimer(leg, in: call) }
        var direction: SDPDirection = .sendrecv
        if request.body.readableBytes > 0 {
            guard let offer = (try? SDPSession(parsing: request.body)).flatMap(RemoteAudio.init) else {
                endpoint.respond(request.makeResponse(status: 488, reason: "Not Acceptable Here", toTag: toTag), on: transaction)
                return
            }
            // Keep the codec in use when the phone still offers it: the other side is not renegotiated.
            var format = leg.format ?? Self.format(offer)
            if let payloadType = offer.payloadType(of: format.codec) {
                format.audioPayloadType = payloadType
            } else {
                format = Self.format(offer)
            }
            format.telephoneEventPayloadType = offer.telephoneEvent
            leg.format = format
            leg.remote = offer
            let holding = offer.direction == .sendonly || offer.direction == .inactive
            call.media.configure(leg.id, remoteHost: offer.host, remotePort: offer.port, format: format, quiet: holding)
            direction = SDPNegotiation.answering(offer.direction)
            var ok = answer(request, leg: leg, call: call, port: port, direction: direction, toTag: toTag)
            ok.body = ByteBuffer(string: SDPNegotiation.refusingOthers(description(of: leg, port: port, direction: direction), like: offer).text)
            endpoint.respond(ok, on: transaction)
            handle(call, .hold(leg.id, holding))
        } else {
            // A refresh without an offer: our current description is the offer (the ACK brings the answer).
            var ok = answer(request, leg: leg, call: call, port: port, direction: direction, toTag: toTag)
            ok.body = ByteBuffer(string: description(of: leg, port: port, direction: direction).text)
            endpoint.respond(ok, on: transaction)
        }
    }

    private func answer(_ request: SIPMessage, leg: SIPLeg, call: Call, port: Int, direction: SDPDirection, toTag: String) -> SIPMessage {
        var extra = [SIPHeaderLine("Contact", ourContact), SIPHeaderLine("Content-Type", "application/sdp")]
        if leg.isInbound, let interval = leg.sessionInterval {
            extra.append(SIPHeaderLine("Session-Expires", "\(interval);refresher=uac"))
            extra.append(SIPHeaderLine("Require", "timer"))
        }
        return request.makeResponse(status: 200, toTag: toTag, extraHeaders: extra)
    }

    /// Our description of a leg's endpoint, with a new `o=` version.
    func description(of leg: SIPLeg, port: Int, direction: SDPDirection) -> SDPSession {
        let format = leg.format ?? LegFormat(codec: .pcmu)
        return SDPNegotiation.description(
            codecs: [(format.codec, format.audioPayloadType)], telephoneEvent: format.telephoneEventPayloadType,
            host: media.advertisedHost, port: port, session: leg.session.next(), direction: direction)
    }

    // MARK: DTMF

    /// SIP INFO DTMF: `application/dtmf-relay` (`Signal=5`) or `application/dtmf` (`5`).
    static func infoDigit(_ request: SIPMessage) -> Character? {
        guard let type = request.headers.first(.contentType)?.lowercased() else { return nil }
        let body = request.bodyString
        if type.hasPrefix("application/dtmf-relay") {
            for line in body.split(whereSeparator: \.isNewline) {
                let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if parts.count == 2, parts[0].lowercased() == "signal", let key = parts[1].first, TelephoneEvent.event(for: key) != nil { return key }
            }
        } else if type.hasPrefix("application/dtmf"), let key = body.trimmingCharacters(in: .whitespacesAndNewlines).first,
            TelephoneEvent.event(for: key) != nil
        {
            return key
        }
        return nil
    }

    /// A key pressed on a leg's phone (RFC 4733, in band, or SIP INFO), on the loop.
    func digit(_ key: Character, leg: CallPlan.LegID, call id: UInt64) {
        guard let call = calls[id] else { return }
        logger.debug("key pressed", metadata: ["call": "\(id)", "leg": "\(leg)", "key": "\(key)"])
        _ = call
    }
}
