import CallCenter
import Foundation
import Media
import MediaEngine
import NIOCore
import SIP
import SIPStack

/// Outbound legs: every registered phone of an extension rings at once;
/// the first to answer wins.
extension CallEngine {
    func dial(_ number: String, leg id: CallPlan.LegID, role: CallPlan.Role, in call: Call) {
        let at = now()
        guard let entry = directory.cached(number, at: at) else {
            // Not in the directory yet (a transfer target): one hop to read it.
            let directory = self.directory
            Task {
                try? await directory.load([number], at: at)
                self.eventLoop.execute {
                    guard !call.ended, self.directory.cached(number, at: self.now()) != nil else {
                        self.handle(call, .failed(id, status: 404))
                        return
                    }
                    self.dial(number, leg: id, role: role, in: call)
                }
            }
            return
        }
        guard let profile = entry.profile else {
            record(failed: call, to: number, disposition: .notFound, reason: "no such number")
            handle(call, .failed(id, status: 404))
            return
        }
        let bindings = location.bindings(number, now: at).filter(\.reachable).compactMap { binding in
            ContactQualifier.peer(for: binding).map { (binding, $0) }
        }
        guard !bindings.isEmpty else {
            handle(call, .failed(id, status: 480))
            return
        }
        if !policy.callWaiting, activeByExtension[number, default: 0] > 0 {
            handle(call, .failed(id, status: 486))
            return
        }
        let sip = SIPLeg(id: id, role: role, number: number, profile: profile)
        call.add(sip)
        activeByExtension[number, default: 0] += 1
        call.media.addLeg(id).hop(to: eventLoop).whenComplete { result in
            guard !call.ended else { return }
            switch result {
            case .failure(let error):
                self.logger.error("no media for a leg", metadata: ["call": "\(call.id)", "error": "\(error)"])
                self.leftCall(sip, call)
                self.handle(call, .failed(id, status: 503))
            case .success(let port):
                sip.port = port
                self.ring(sip, bindings: bindings.map { ($0.0.uri, $0.1) }, in: call)
            }
        }
    }

    /// A refusal the caller does not see as the call's end (a transfer
    /// target that does not exist): nothing to record beyond the call's own row.
    private func record(failed call: Call, to number: String, disposition: CallDisposition, reason: String) {
        logger.info("leg refused", metadata: ["call": "\(call.id)", "to": "\(number)", "reason": "\(reason)"])
    }

    /// Sends our INVITE to each phone, offering the codecs of the leg it
    /// will talk to first (the callee can pick one and spare a transcoding).
    private func ring(_ sip: SIPLeg, bindings: [(uri: String, peer: SIPPeer)], in call: Call) {
        guard let port = sip.port else { return }
        let partner = call.plan.transfer.map { $0.transferee } ?? call.plan.partner[sip.id]
        let preferred = partner.flatMap { call.legs[$0] }.map { leg in leg.format.map { [$0.codec] } ?? leg.remote?.codecs.map(\.codec) ?? [] } ?? []
        let direction: SDPDirection = .sendrecv
        let offer = SDPNegotiation.offer(preferring: preferred, host: media.advertisedHost, port: port, session: sip.session, direction: direction)
        let identity = call.legs[CallPlan.callerLeg]?.profile
        let displayName = identity.map { $0.name.isEmpty ? "" : "\"\($0.name.replacingOccurrences(of: "\"", with: ""))\" " } ?? ""
        let from = identity.map { $0.callerId.isEmpty ? $0.number : $0.callerId } ?? call.from
        sip.forkSet = ForkSet(count: bindings.count)
        for (index, binding) in bindings.enumerated() {
            let callID = UUID().uuidString.lowercased() + "@hotline"
            let fromTag = SIPEndpoint.newTag()
            var dialog = Dialog.asClient(
                callID: callID, from: "\(displayName)<sip:\(from)@\(policy.domain)>;tag=\(fromTag)", localTag: fromTag,
                to: "<sip:\(sip.number)@\(policy.domain)>", target: binding.uri)
            var invite = dialog.request(.invite, contact: ourContact, sdp: offer)
            dialog.localSequence = 1
            dialog.inviteSequence = 1
            invite.headers.replace(.cseq, with: "1 INVITE")
            invite.headers.add(.allow, Self.allow)
            invite.headers.add(.supported, "timer")
            sip.forks.append(SIPLeg.Fork(peer: binding.peer, dialog: dialog, transaction: nil, answer: nil))
            dialogs[Self.dialogKey(callID, fromTag)] = (call.id, sip.id)
            let (transaction, _) = endpoint.sendInvite(
                invite, to: binding.peer,
                onResponse: { response in self.forkResponded(sip, fork: index, response, in: call) },
                onFailure: { error in self.forkEvent(sip, .failed(index, status: error == .timeout ? 408 : 503), in: call) })
            sip.forks[index].transaction = transaction
        }
        sip.ringTimer = endpoint.schedule(in: .seconds(Int64(policy.ringSeconds))) { [weak call] in
            guard let call else { return }
            self.handle(call, .ringTimeout(sip.id))
        }
    }

    private func forkResponded(_ sip: SIPLeg, fork: Int, _ response: SIPMessage, in call: Call) {
        guard let status = response.statusCode, status > 100 else { return }
        let audio = response.body.readableBytes > 0 ? (try? SDPSession(parsing: response.body)).flatMap(RemoteAudio.init) : nil
        if status < 200 {
            if let audio { sip.forks[fork].answer = audio }
            forkEvent(sip, .provisional(fork, earlyMedia: audio != nil), in: call)
        } else if status < 300 {
            if sip.forks[fork].dialog.remoteTag == nil { sip.forks[fork].dialog.confirm(with: response) }
            if let audio { sip.forks[fork].answer = audio }
            forkEvent(sip, .answered(fork), in: call)
        } else {
            forkEvent(sip, .failed(fork, status: status), in: call)
        }
    }

    private func forkEvent(_ sip: SIPLeg, _ event: ForkSet.Event, in call: Call) {
        guard var forks = sip.forkSet else { return }
        let actions = forks.handle(event)
        sip.forkSet = forks
        for action in actions {
            switch action {
            case .acknowledge(let fork):
                endpoint.sendAck(sip.forks[fork].dialog.ack(), to: sip.forks[fork].peer)
            case .cancel(let indexes):
                for index in indexes { if let transaction = sip.forks[index].transaction { endpoint.cancel(transaction) } }
            case .hangUp(let fork):
                var dialog = sip.forks[fork].dialog
                endpoint.send(dialog.request(.bye), to: sip.forks[fork].peer) { _ in }
                sip.forks[fork].dialog = dialog
            case .legRinging(let earlyMedia):
                if earlyMedia, let fork = sip.forks.firstIndex(where: { $0.answer != nil }) { takeMedia(of: sip, fork: fork, in: call) }
                guard !call.ended, call.legs[sip.id] != nil else { continue }
                handle(call, .ringing(sip.id, earlyMedia: earlyMedia))
            case .legAnswered(let fork):
                if let timer = sip.ringTimer { endpoint.cancel(timer) }
                sip.ringTimer = nil
                guard sip.forks[fork].answer != nil || sip.remote != nil else {
                    // Answered without SDP: no media can be set up; end it cleanly.
                    var dialog = sip.forks[fork].dialog
                    endpoint.send(dialog.request(.bye), to: sip.forks[fork].peer) { _ in }
                    handle(call, .failed(sip.id, status: 488))
                    continue
                }
                sip.dialog = sip.forks[fork].dialog
                sip.peer = sip.forks[fork].peer
                takeMedia(of: sip, fork: fork, in: call)
                legAnswered(sip, call)
                handle(call, .answered(sip.id))
            case .legFailed(let status):
                if let timer = sip.ringTimer { endpoint.cancel(timer) }
                leftCall(sip, call)
                handle(call, .failed(sip.id, status: status))
            }
        }
    }

    /// The phone's answer to our offer: where its media goes and in what format.
    private func takeMedia(of sip: SIPLeg, fork: Int, in call: Call) {
        guard let answer = sip.forks[fork].answer else { return }
        let format = SDPNegotiation.format(ofAnswer: answer)
        sip.remote = answer
        sip.format = format
        call.media.configure(sip.id, remoteHost: answer.host, remotePort: answer.port, format: format, quiet: answer.direction != .sendrecv)
    }
}
