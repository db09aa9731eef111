import NIOCore
import SIP

/// The UAS side of INVITEs beyond the transaction: CANCEL matching (RFC 3261
/// §9.2) and the UAS core's 2xx retransmission until the ACK (§13.3.1.4).
extension SIPEndpoint {
    struct Unacknowledged2xx {
        let response: SIPMessage
        let target: SIPPeer
        var interval: Duration
        var elapsed: Duration = .zero
        var timer: SIPTimer?
    }

    /// A CANCEL is its own non-INVITE transaction, answered here: 200 when it
    /// matches an INVITE transaction (same branch and sent-by), 481 when not.
    func receiveCancel(_ request: SIPMessage, key: String, from peer: SIPPeer) {
        let (tx, actions) = ServerNonInviteTransaction.start(request: request, reliable: peer.transport.isReliable, timers: configuration.timers)
        serverTransactions[key] = ServerEntry(kind: .nonInvite(tx), method: .cancel, peer: peer, target: responseTarget(for: request, peer: peer))
        perform(actions.filter { if case .deliver = $0 { false } else { true } }, serverKey: key)
        let inviteKey = Self.serverKey(request, method: .invite)
        guard let invite = serverTransactions[inviteKey], case .invite(let inviteTx) = invite.kind else {
            respond(request.makeResponse(status: 481, reason: "Call/Transaction Does Not Exist", toTag: Self.newTag()), serverKey: key)
            return
        }
        respond(request.makeResponse(status: 200, toTag: Self.newTag()), serverKey: key)
        guard inviteTx.state == .proceeding else { return }
        if invite.taken {
            handler.inviteCancelled(SIPServerTransaction(key: inviteKey))
        } else if let request = invite.invite {
            respond(request.makeResponse(status: 487, reason: "Request Terminated", toTag: Self.newTag()), serverKey: inviteKey)
        }
    }

    static func ackKey(callID: String, sequence: UInt32) -> String { "\(callID)|\(sequence)" }

    /// Over UDP the UAS core sends its 2xx again at T1, 2·T1… capped at T2
    /// until the ACK arrives, for 64·T1 in all.
    func retransmitUntilAcknowledged(_ response: SIPMessage, to target: SIPPeer) {
        guard target.transport == .udp, let callID = try? response.callID(), let cseq = try? response.cseq() else { return }
        let key = Self.ackKey(callID: callID, sequence: cseq.sequence)
        if let timer = unacknowledged[key]?.timer { cancel(timer) }
        unacknowledged[key] = Unacknowledged2xx(response: response, target: target, interval: configuration.timers.t1)
        schedule2xxRetransmission(key)
    }

    private func schedule2xxRetransmission(_ key: String) {
        guard let pending = unacknowledged[key] else { return }
        unacknowledged[key]?.timer = schedule(in: Self.timeAmount(pending.interval)) {
            self.retransmit2xx(key)
        }
    }

    private func retransmit2xx(_ key: String) {
        guard var pending = unacknowledged[key] else { return }
        pending.elapsed += pending.interval
        if pending.elapsed >= configuration.timers.timeout {
            unacknowledged[key] = nil
            let callID = (try? pending.response.callID()) ?? ""
            logger.info("no ACK for a 2xx; ending the dialog", metadata: ["sip.callID": "\(callID)"])
            handler.ackNeverArrived(callID: callID, response: pending.response)
            return
        }
        transmit(pending.response, to: pending.target)
        pending.interval = min(pending.interval * 2, configuration.timers.t2)
        unacknowledged[key] = pending
        schedule2xxRetransmission(key)
    }

    /// An ACK arrived: its 2xx needs no more retransmission.
    func acknowledged(_ ack: SIPMessage) {
        guard !unacknowledged.isEmpty, let callID = try? ack.callID(), let cseq = try? ack.cseq() else { return }
        if let timer = unacknowledged.removeValue(forKey: Self.ackKey(callID: callID, sequence: cseq.sequence))?.timer { cancel(timer) }
    }
}
