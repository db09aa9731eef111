/// RFC 3261 §17.1.1 with RFC 6026: the client side of an INVITE (a B2BUA leg
/// calling a phone).
public struct ClientInviteTransaction: Sendable {
    public enum State: Sendable, Equatable { case calling, proceeding, accepted, completed, terminated }

    public enum Event: Sendable {
        case response(SIPMessage)
        case timerFired(TransactionTimer)
        case transportError
    }

    public private(set) var state: State = .calling
    public let request: SIPMessage
    public let reliable: Bool
    public let timers: TransactionTimers
    private var retransmitInterval: Duration
    private var ack: SIPMessage?

    /// Creating the transaction sends the INVITE and starts timers A (UDP) and B.
    public static func start(request: SIPMessage, reliable: Bool, timers: TransactionTimers = TransactionTimers())
        -> (ClientInviteTransaction, [TransactionAction])
    {
        let transaction = ClientInviteTransaction(request: request, reliable: reliable, timers: timers)
        var actions: [TransactionAction] = [.send(request)]
        if !reliable { actions.append(.startTimer(.a, after: timers.t1)) }
        actions.append(.startTimer(.b, after: timers.timeout))
        return (transaction, actions)
    }

    private init(request: SIPMessage, reliable: Bool, timers: TransactionTimers) {
        self.request = request
        self.reliable = reliable
        self.timers = timers
        self.retransmitInterval = timers.t1
    }

    public mutating func handle(_ event: Event) -> [TransactionAction] {
        switch (state, event) {
        case (.calling, .timerFired(.a)):
            retransmitInterval = retransmitInterval * 2
            return [.send(request), .startTimer(.a, after: retransmitInterval)]
        case (.calling, .timerFired(.b)):
            state = .terminated
            return [.cancelTimer(.a), .timedOut, .terminate]
        case (.calling, .response(let response)), (.proceeding, .response(let response)):
            let status = response.statusCode ?? 0
            let stopTimers: [TransactionAction] = state == .calling ? [.cancelTimer(.a), .cancelTimer(.b)] : []
            if status < 200 {
                state = .proceeding
                // A provisional answer stops retransmission; timer B no longer applies (§17.1.1.2).
                return stopTimers + [.deliver(response)]
            }
            if status < 300 {
                state = .accepted
                return stopTimers + [.deliver(response), .startTimer(.m, after: timers.timeout)]
            }
            let ack = ClientInviteTransaction.ack(for: request, response: response)
            self.ack = ack
            if reliable {
                state = .terminated
                return stopTimers + [.send(ack), .deliver(response), .terminate]
            }
            state = .completed
            return stopTimers + [.send(ack), .deliver(response), .startTimer(.d, after: .seconds(32))]
        case (.accepted, .response(let response)) where (response.statusCode ?? 0) / 100 == 2:
            // RFC 6026: retransmitted or forked 2xx go to the TU, which ACKs them.
            return [.deliver(response)]
        case (.completed, .response(let response)) where (response.statusCode ?? 0) >= 300:
            return ack.map { [.send($0)] } ?? []
        case (.completed, .timerFired(.d)), (.accepted, .timerFired(.m)):
            state = .terminated
            return [.terminate]
        case (.calling, .transportError), (.proceeding, .transportError):
            state = .terminated
            return [.cancelTimer(.a), .cancelTimer(.b), .transportFailed, .terminate]
        default:
            return []
        }
    }

    /// The ACK for a non-2xx final response (RFC 3261 §17.1.1.3): same
    /// Request-URI, Call-ID, From, CSeq number and top Via as the INVITE;
    /// To from the response; the INVITE's Route set.
    public static func ack(for invite: SIPMessage, response: SIPMessage) -> SIPMessage {
        var headers = SIPHeaders()
        if let via = invite.headers.values(.via).first { headers.add(.via, via) }
        for route in invite.headers.all(.route) { headers.add(.route, route) }
        headers.add(.maxForwards, "70")
        if let from = invite.headers.first(.from) { headers.add(.from, from) }
        if let to = response.headers.first(.to) ?? invite.headers.first(.to) { headers.add(.to, to) }
        if let callID = invite.headers.first(.callID) { headers.add(.callID, callID) }
        let number = invite.headers.first(.cseq).flatMap { $0.split(separator: " ").first.map(String.init) } ?? "1"
        headers.add(.cseq, "\(number) ACK")
        headers.add(.contentLength, "0")
        return SIPMessage(method: .ack, uri: invite.requestURIText ?? "", headers: headers)
    }
}
