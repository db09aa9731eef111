/// RFC 3261 §17 timer values. Defaults are the RFC's; every one is
/// configuration, never a global.
public struct TransactionTimers: Sendable, Equatable {
    /// Round-trip estimate.
    public var t1: Duration = .milliseconds(500)
    /// Longest retransmit interval for non-INVITE requests and INVITE responses.
    public var t2: Duration = .seconds(4)
    /// Longest time a message stays in the network.
    public var t4: Duration = .seconds(5)

    public init(t1: Duration = .milliseconds(500), t2: Duration = .seconds(4), t4: Duration = .seconds(5)) {
        self.t1 = t1
        self.t2 = t2
        self.t4 = t4
    }

    /// 64·T1: how long a transaction waits for an answer (timers B, F, H, L, M).
    public var timeout: Duration { t1 * 64 }
}

/// The RFC 3261 §17 timer names (plus L and M from RFC 6026).
public enum TransactionTimer: String, Sendable, Hashable {
    case a = "A", b = "B", d = "D", e = "E", f = "F", g = "G", h = "H", i = "I", j = "J", k = "K", l = "L", m = "M"
}

/// What a transaction asks its driver to do. The driver (SIPStack) owns
/// sockets and clocks; the machines only decide.
public enum TransactionAction: Sendable, Equatable {
    /// Put this message on the wire (a (re)transmission of a request or response, or an ACK).
    case send(SIPMessage)
    /// Hand a message to the transaction user (the registrar, the B2BUA).
    case deliver(SIPMessage)
    case startTimer(TransactionTimer, after: Duration)
    case cancelTimer(TransactionTimer)
    /// The transaction timed out (timer B, F or H): the TU learns it (and may answer 408).
    case timedOut
    /// The transport failed: the TU learns it.
    case transportFailed
    /// Remove the transaction from the table.
    case terminate
}
