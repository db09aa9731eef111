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
            let actions = tx.handle(step.nonInviteEvent)
            self = .nonInvite(tx)
            return actions
        case .invite(var tx):
            let actions = tx.handle(step.inviteEvent)
            self = .invite(tx)
            return actions
        }
    }
}

extension SIPEndpoint.ServerEntry.Kind.Step {
    var nonInviteEvent: ServerNonInviteTransaction.Event {
        switch self {
        case .retransmitted: .requestRetransmitted
        case .respond(let message): .respond(message)
        case .timerFired(let timer): .timerFired(timer)
        case .transportError: .transportError
        }
    }

    var inviteEvent: ServerInviteTransaction.Event {
        switch self {
        case .retransmitted: .requestRetransmitted
        case .respond(let message): .respond(message)
        case .timerFired(let timer): .timerFired(timer)
        case .transportError: .transportError
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
