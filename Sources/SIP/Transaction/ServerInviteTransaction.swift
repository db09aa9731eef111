/// RFC 3261 §17.2.1 with RFC 6026: the server side of an INVITE.
public struct ServerInviteTransaction: Sendable {
    public enum State: Sendable, Equatable { case proceeding, accepted, completed, confirmed, terminated }

    public enum Event: Sendable {
        case requestRetransmitted
        /// The TU answers (provisional or final).
        case respond(SIPMessage)
        /// An ACK matching this transaction (for a non-2xx final response).
        case ack
        case timerFired(TransactionTimer)
        case transportError
    }

    public private(set) var state: State = .proceeding
    public let reliable: Bool
    public let timers: TransactionTimers
    private var lastResponse: SIPMessage?
    private var retransmitInterval: Duration

    /// Creating the transaction sends `trying` (100 Trying, built by the
    /// caller from the request) and hands the INVITE to the TU.
    public static func start(request: SIPMessage, trying: SIPMessage, reliable: Bool, timers: TransactionTimers = TransactionTimers())
        -> (ServerInviteTransaction, [TransactionAction])
    {
        var transaction = ServerInviteTransaction(reliable: reliable, timers: timers)
        transaction.lastResponse = trying
        return (transaction, [.send(trying), .deliver(request)])
    }

    private init(reliable: Bool, timers: TransactionTimers) {
        self.reliable = reliable
        self.timers = timers
        self.retransmitInterval = timers.t1
    }

    public mutating func handle(_ event: Event) -> [TransactionAction] {
        switch (state, event) {
        case (.proceeding, .requestRetransmitted), (.completed, .requestRetransmitted):
            return lastResponse.map { [.send($0)] } ?? []
        case (.accepted, .requestRetransmitted), (.confirmed, .requestRetransmitted):
            // RFC 6026 §7.1: the TU retransmits its own 2xx; absorb.
            return []
        case (.proceeding, .respond(let response)):
            lastResponse = response
            let status = response.statusCode ?? 0
            if status < 200 { return [.send(response)] }
            if status < 300 {
                state = .accepted
                return [.send(response), .startTimer(.l, after: timers.timeout)]
            }
            state = .completed
            var actions: [TransactionAction] = [.send(response), .startTimer(.h, after: timers.timeout)]
            if !reliable { actions.insert(.startTimer(.g, after: retransmitInterval), at: 1) }
            return actions
        case (.accepted, .respond(let response)) where (response.statusCode ?? 0) / 100 == 2:
            // Retransmissions of the 2xx by the TU pass straight through (RFC 6026 §7.1).
            return [.send(response)]
        case (.completed, .timerFired(.g)):
            retransmitInterval = min(retransmitInterval * 2, timers.t2)
            return (lastResponse.map { [.send($0)] } ?? []) + [.startTimer(.g, after: retransmitInterval)]
        case (.completed, .timerFired(.h)):
            state = .terminated
            return [.cancelTimer(.g), .timedOut, .terminate]
        case (.completed, .ack):
            if reliable {
                state = .terminated
                return [.cancelTimer(.h), .terminate]
            }
            state = .confirmed
            return [.cancelTimer(.g), .cancelTimer(.h), .startTimer(.i, after: timers.t4)]
        case (.confirmed, .ack):
            return []
        case (.confirmed, .timerFired(.i)), (.accepted, .timerFired(.l)):
            state = .terminated
            return [.terminate]
        case (.proceeding, .transportError), (.completed, .transportError), (.accepted, .transportError):
            state = .terminated
            return [.transportFailed, .terminate]
        default:
            return []
        }
    }
}
