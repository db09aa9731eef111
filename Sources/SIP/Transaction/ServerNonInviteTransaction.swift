/// RFC 3261 §17.2.2: the server side of every request but INVITE and ACK.
/// Retransmitted requests are absorbed or answered from the last response,
/// so the TU sees each request once.
public struct ServerNonInviteTransaction: Sendable {
    public enum State: Sendable, Equatable { case trying, proceeding, completed, terminated }

    public enum Event: Sendable {
        /// A retransmission of the request that created the transaction.
        case requestRetransmitted
        /// The TU answers.
        case respond(SIPMessage)
        case timerFired(TransactionTimer)
        case transportError
    }

    public private(set) var state: State = .trying
    public let reliable: Bool
    public let timers: TransactionTimers
    private var lastResponse: SIPMessage?

    /// Creating the transaction hands the request to the TU.
    public static func start(request: SIPMessage, reliable: Bool, timers: TransactionTimers = TransactionTimers())
        -> (ServerNonInviteTransaction, [TransactionAction])
    {
        (ServerNonInviteTransaction(reliable: reliable, timers: timers), [.deliver(request)])
    }

    private init(reliable: Bool, timers: TransactionTimers) {
        self.reliable = reliable
        self.timers = timers
    }

    public mutating func handle(_ event: Event) -> [TransactionAction] {
        switch (state, event) {
        case (.trying, .requestRetransmitted):
            return []
        case (.proceeding, .requestRetransmitted), (.completed, .requestRetransmitted):
            return lastResponse.map { [.send($0)] } ?? []
        case (.trying, .respond(let response)), (.proceeding, .respond(let response)):
            lastResponse = response
            guard let status = response.statusCode, status >= 200 else {
                state = .proceeding
                return [.send(response)]
            }
            state = .completed
            // Timer J keeps the final response for retransmissions (0 on reliable transports).
            if reliable {
                state = .terminated
                return [.send(response), .terminate]
            }
            return [.send(response), .startTimer(.j, after: timers.timeout)]
        case (.completed, .timerFired(.j)):
            state = .terminated
            return [.terminate]
        case (.trying, .transportError), (.proceeding, .transportError), (.completed, .transportError):
            state = .terminated
            return [.transportFailed, .terminate]
        default:
            return []
        }
    }
}
