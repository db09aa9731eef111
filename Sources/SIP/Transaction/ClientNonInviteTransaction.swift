/// RFC 3261 §17.1.2: the client side of every request but INVITE and ACK
/// (OPTIONS qualify, BYE, CANCEL, REGISTER to a trunk).
public struct ClientNonInviteTransaction: Sendable {
    public enum State: Sendable, Equatable { case trying, proceeding, completed, terminated }

    public enum Event: Sendable {
        case response(SIPMessage)
        case timerFired(TransactionTimer)
        case transportError
    }

    public private(set) var state: State = .trying
    public let request: SIPMessage
    public let reliable: Bool
    public let timers: TransactionTimers
    private var retransmitInterval: Duration

    public static func start(request: SIPMessage, reliable: Bool, timers: TransactionTimers = TransactionTimers())
        -> (ClientNonInviteTransaction, [TransactionAction])
    {
        let transaction = ClientNonInviteTransaction(request: request, reliable: reliable, timers: timers)
        var actions: [TransactionAction] = [.send(request)]
        if !reliable { actions.append(.startTimer(.e, after: timers.t1)) }
        actions.append(.startTimer(.f, after: timers.timeout))
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
        case (.trying, .timerFired(.e)):
            retransmitInterval = min(retransmitInterval * 2, timers.t2)
            return [.send(request), .startTimer(.e, after: retransmitInterval)]
        case (.proceeding, .timerFired(.e)):
            return [.send(request), .startTimer(.e, after: timers.t2)]
        case (.trying, .timerFired(.f)), (.proceeding, .timerFired(.f)):
            state = .terminated
            return [.cancelTimer(.e), .timedOut, .terminate]
        case (.trying, .response(let response)), (.proceeding, .response(let response)):
            let status = response.statusCode ?? 0
            if status < 200 {
                state = .proceeding
                return [.deliver(response)]
            }
            if reliable {
                state = .terminated
                return [.cancelTimer(.e), .cancelTimer(.f), .deliver(response), .terminate]
            }
            state = .completed
            return [.cancelTimer(.e), .cancelTimer(.f), .deliver(response), .startTimer(.k, after: timers.t4)]
        case (.completed, .timerFired(.k)):
            state = .terminated
            return [.terminate]
        case (.trying, .transportError), (.proceeding, .transportError):
            state = .terminated
            return [.cancelTimer(.e), .cancelTimer(.f), .transportFailed, .terminate]
        default:
            return []
        }
    }
}
