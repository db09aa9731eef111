import SIP

/// One step of whichever transaction an entry holds: the INVITE and
/// non-INVITE machines take the same events, so the endpoint dispatches once.
extension SIPEndpoint.ServerEntry.Kind {
    enum Step {
        case retransmitted, respond(SIPMessage), timerFired(TransactionTimer), transportError
    }

    mutating func handle(_ step: Step) -> [TransactionAction] {
        switch self {
        case .nonInvite(var tx):
            let actions: [TransactionAction]
            switch step {
            case .retransmitted: actions = tx.handle(.requestRetransmitted)
            case .respond(let message): actions = tx.handle(.respond(message))
            case .timerFired(let timer): actions = tx.handle(.timerFired(timer))
            case .transportError: actions = tx.handle(.transportError)
            }
            self = .nonInvite(tx)
            return actions
        case .invite(var tx):
            let actions: [TransactionAction]
            switch step {
            case .retransmitted: actions = tx.handle(.requestRetransmitted)
            case .respond(let message): actions = tx.handle(.respond(message))
            case .timerFired(let timer): actions = tx.handle(.timerFired(timer))
            case .transportError: actions = tx.handle(.transportError)
            }
            self = .invite(tx)
            return actions
        }
    }
}

extension SIPEndpoint.ClientEntry.Kind {
    enum Step {
        case response(SIPMessage), timerFired(TransactionTimer)
    }

    mutating func handle(_ step: Step) -> [TransactionAction] {
        switch self {
        case .nonInvite(var tx):
            let actions = switch step {
            case .response(let message): tx.handle(.response(message))
            case .timerFired(let timer): tx.handle(.timerFired(timer))
            }
            self = .nonInvite(tx)
            return actions
        case .invite(var tx):
            let actions = switch step {
            case .response(let message): tx.handle(.response(message))
            case .timerFired(let timer): tx.handle(.timerFired(timer))
            }
            self = .invite(tx)
            return actions
        }
    }
}
