import NIOCore
import SIP

/// Outgoing requests: non-INVITE requests (OPTIONS, BYE, INFO…) with a
/// final-answer callback, INVITEs with every answer delivered, CANCEL and
/// the ACK for a 2xx. All of it runs on the endpoint's event loop.
extension SIPEndpoint {
    struct ClientEntry {
        enum Kind {
            case nonInvite(ClientNonInviteTransaction)
            case invite(ClientInviteTransaction)
        }
        var kind: Kind
        let peer: SIPPeer
        /// The request as sent (with our Via), for CANCEL and ACK.
        let request: SIPMessage
        /// Non-INVITE: the final answer or a failure, once.
        var completion: ((Result<SIPMessage, any Error>) -> Void)?
        /// INVITE: every answer (1xx, 2xx and their retransmissions, the final error).
        var onResponse: ((SIPMessage) -> Void)?
        var onFailure: ((SIPEndpointError) -> Void)?
        var timers: [TransactionTimer: SIPTimer] = [:]
        var provisionalSeen = false
        /// CANCEL asked for before any provisional answer: sent when one arrives (RFC 3261 §9.1).
        var cancelWanted = false
        var cancelled = false
    }

    func receive(response: SIPMessage, from peer: SIPPeer) {
        guard validator.validate(response: response) == .accept,
            let via = try? response.topVia(), let branch = via.branch,
            let cseq = try? response.cseq()
        else { return }
        let key = Self.clientKey(branch: branch, method: cseq.method)
        guard var entry = clientTransactions[key] else { return }
        let actions = entry.kind.handle(.response(response))
        clientTransactions[key] = entry
        perform(actions, clientKey: key)
    }

    func perform(_ actions: [TransactionAction], clientKey key: String) {
        guard let entry = clientTransactions[key] else { return }
        for action in actions {
            switch action {
            case .send(let message):
                transmit(message, to: entry.peer)
            case .deliver(let response):
                deliver(response, clientKey: key)
            case .startTimer(let timer, let after):
                clientTransactions[key]?.timers[timer] = schedule(in: Self.timeAmount(after)) {
                    self.clientTimerFired(timer, key: key)
                }
            case .cancelTimer(let timer):
                if let scheduled = clientTransactions[key]?.timers.removeValue(forKey: timer) { cancel(scheduled) }
            case .timedOut:
                fail(clientKey: key, .timeout)
            case .transportFailed:
                fail(clientKey: key, .transportFailed)
            case .terminate:
                if let ended = clientTransactions.removeValue(forKey: key) {
                    for timer in ended.timers.values { cancel(timer) }
                    ended.completion?(.failure(SIPEndpointError.timeout))
                }
            }
        }
    }

    private func deliver(_ response: SIPMessage, clientKey key: String) {
        guard var entry = clientTransactions[key] else { return }
        let status = response.statusCode ?? 0
        if entry.onResponse != nil {
            if status < 200, !entry.provisionalSeen {
                entry.provisionalSeen = true
                clientTransactions[key] = entry
                if entry.cancelWanted { sendCancel(clientKey: key) }
            }
            entry.onResponse?(response)
            return
        }
        if status >= 200 {
            clientTransactions[key]?.completion = nil
            entry.completion?(.success(response))
        }
    }

    private func fail(clientKey key: String, _ error: SIPEndpointError) {
        guard let entry = clientTransactions[key] else { return }
        clientTransactions[key]?.completion = nil
        clientTransactions[key]?.onFailure = nil
        entry.completion?(.failure(error))
        entry.onFailure?(error)
    }

    private func clientTimerFired(_ timer: TransactionTimer, key: String) {
        guard var entry = clientTransactions[key] else { return }
        entry.timers[timer] = nil
        let actions = entry.kind.handle(.timerFired(timer))
        clientTransactions[key] = entry
        perform(actions, clientKey: key)
    }

    // MARK: sending

    /// Sends a non-INVITE request and calls `completion` once with its final
    /// answer or failure; on the event loop. The endpoint adds the top Via
    /// unless `via` gives it (CANCEL reuses the INVITE's).
    @discardableResult
    public func send(
        _ request: SIPMessage, to peer: SIPPeer, timers: TransactionTimers? = nil, via: String? = nil,
        completion: @escaping (Result<SIPMessage, any Error>) -> Void
    ) -> String {
        eventLoop.assertInEventLoop()
        var outgoing = request
        let branch: String
        if let via {
            outgoing.headers.prepend(.via, via)
            branch = (try? outgoing.topVia().branch) ?? newBranch()
        } else {
            branch = newBranch()
            outgoing.headers.prepend(.via, "SIP/2.0/\(peer.transport.rawValue) \(localAddress);branch=\(branch);rport")
        }
        let key = Self.clientKey(branch: branch, method: outgoing.method ?? .options)
        let (tx, actions) = ClientNonInviteTransaction.start(
            request: outgoing, reliable: peer.transport.isReliable, timers: timers ?? configuration.timers)
        clientTransactions[key] = ClientEntry(kind: .nonInvite(tx), peer: peer, request: outgoing, completion: completion)
        perform(actions, clientKey: key)
        return key
    }

    /// Sends an INVITE (the endpoint adds the top Via); every answer goes to
    /// `onResponse` — provisional ones, the final one, and retransmitted or
    /// forked 2xx, which the caller ACKs with `sendAck`. On the event loop.
    public func sendInvite(
        _ request: SIPMessage, to peer: SIPPeer,
        onResponse: @escaping (SIPMessage) -> Void, onFailure: @escaping (SIPEndpointError) -> Void
    ) -> (transaction: SIPClientTransaction, sent: SIPMessage) {
        eventLoop.assertInEventLoop()
        var outgoing = request
        let branch = newBranch()
        outgoing.headers.prepend(.via, "SIP/2.0/\(peer.transport.rawValue) \(localAddress);branch=\(branch);rport")
        let key = Self.clientKey(branch: branch, method: .invite)
        let (tx, actions) = ClientInviteTransaction.start(request: outgoing, reliable: peer.transport.isReliable, timers: configuration.timers)
        clientTransactions[key] = ClientEntry(
            kind: .invite(tx), peer: peer, request: outgoing, onResponse: onResponse, onFailure: onFailure)
        perform(actions, clientKey: key)
        return (SIPClientTransaction(key: key, branch: branch), outgoing)
    }

    /// Cancels a ringing INVITE (RFC 3261 §9.1): at once when it has had a
    /// provisional answer, else as soon as one arrives. The INVITE's final
    /// answer (487, or a 2xx that crossed the CANCEL) still reaches its callback.
    public func cancel(_ transaction: SIPClientTransaction) {
        eventLoop.assertInEventLoop()
        guard let entry = clientTransactions[transaction.key], case .invite(let tx) = entry.kind,
            tx.state == .calling || tx.state == .proceeding, !entry.cancelled
        else { return }
        if entry.provisionalSeen {
            sendCancel(clientKey: transaction.key)
        } else {
            clientTransactions[transaction.key]?.cancelWanted = true
        }
    }

    private func sendCancel(clientKey key: String) {
        guard let entry = clientTransactions[key], !entry.cancelled else { return }
        clientTransactions[key]?.cancelled = true
        let invite = entry.request
        var headers = SIPHeaders()
        for route in invite.headers.all(.route) { headers.add(.route, route) }
        headers.add(.maxForwards, "70")
        if let from = invite.headers.first(.from) { headers.add(.from, from) }
        if let to = invite.headers.first(.to) { headers.add(.to, to) }
        if let callID = invite.headers.first(.callID) { headers.add(.callID, callID) }
        let number = (try? invite.cseq().sequence) ?? 1
        headers.add(.cseq, "\(number) CANCEL")
        headers.add(.contentLength, "0")
        let cancel = SIPMessage(method: .cancel, uri: invite.requestURIText ?? "", headers: headers)
        send(cancel, to: entry.peer, via: invite.headers.values(.via).first) { _ in }
    }

    /// The ACK for a 2xx (RFC 3261 §13.2.2.4): its own transaction-less
    /// request to the callee's Contact, sent again for each retransmitted 2xx.
    public func sendAck(_ ack: SIPMessage, to peer: SIPPeer) {
        eventLoop.assertInEventLoop()
        var outgoing = ack
        outgoing.headers.prepend(.via, "SIP/2.0/\(peer.transport.rawValue) \(localAddress);branch=\(newBranch());rport")
        transmit(outgoing, to: peer)
    }

    /// Sends a non-INVITE request (OPTIONS qualify, NOTIFY…) to `peer` and
    /// returns its final response. The endpoint adds the top Via.
    public func request(_ request: SIPMessage, to peer: SIPPeer, timers: TransactionTimers? = nil) async throws -> SIPMessage {
        // Cancelling the calling task abandons the transaction at once (a
        // shutdown must not wait out Timer F for a phone that went away).
        let pending = PendingRequest()
        return try await withTaskCancellationHandler {
            try await eventLoop.flatSubmit { () -> EventLoopFuture<SIPMessage> in
                let promise = self.eventLoop.makePromise(of: SIPMessage.self)
                let key = self.send(request, to: peer, timers: timers) { result in
                    promise.completeWith(result)
                }
                if pending.started(key) { self.abandon(clientKey: key) }
                return promise.futureResult
            }.get()
        } onCancel: {
            if let key = pending.cancel() {
                eventLoop.execute { self.abandon(clientKey: key) }
            }
        }
    }

    func abandon(clientKey key: String) {
        guard let entry = clientTransactions.removeValue(forKey: key) else { return }
        for timer in entry.timers.values { cancel(timer) }
        entry.completion?(.failure(CancellationError()))
    }
}
