import CallCenter

/// The B2BUA's decisions for one call between a caller (A) and the forks
/// of its INVITE to the callee's contacts (B), as a plain value: an event
/// in, the actions to take out. No sockets, no clocks — the engine performs
/// the actions and feeds back what happens.
public struct CallFlow: Sendable, Equatable {
    public enum Phase: Sendable, Equatable { case ringing, answered, ended }

    public enum ForkState: Sendable, Equatable {
        case trying, ringing, answered, failed(status: Int), cancelled
    }

    public enum Event: Sendable, Equatable {
        case forkProvisional(Int, status: Int, hasSDP: Bool)
        case forkAnswered(Int)
        case forkFailed(Int, status: Int)
        case callerCancelled
        case ringTimeout
        case callerHungUp
        case calleeHungUp
        /// The server ends the call: maximum length, media timeout, no ACK, shutdown.
        case serverEnded(reason: String)
    }

    public enum Action: Sendable, Equatable {
        /// 180 Ringing, or 183 with our SDP when the callee sent early media.
        case ringCaller(status: Int, withMedia: Bool)
        case answerCaller(fork: Int)
        /// ACK a fork's 2xx (again for each retransmission).
        case acknowledge(fork: Int)
        case cancel(forks: [Int])
        /// BYE to a callee fork (the winner, or a second fork that also answered).
        case hangUp(fork: Int)
        case rejectCaller(status: Int)
        case hangUpCaller
        case finish(CallDisposition, hangupBy: HangupSide?, reason: String?)
    }

    public private(set) var phase: Phase = .ringing
    public private(set) var forks: [ForkState]
    public private(set) var winner: Int?
    private var rang = false
    private var earlyMedia = false

    public init(forks: Int) {
        precondition(forks > 0, "a call needs at least one fork")
        self.forks = Array(repeating: .trying, count: forks)
    }

    private var pendingForks: [Int] {
        forks.indices.filter { forks[$0] == .trying || forks[$0] == .ringing }
    }

    public mutating func handle(_ event: Event) -> [Action] {
        switch (phase, event) {
        case (.ringing, .forkProvisional(let fork, let status, let hasSDP)):
            guard forks.indices.contains(fork), forks[fork] == .trying || forks[fork] == .ringing else { return [] }
            forks[fork] = .ringing
            if status == 183, hasSDP, !earlyMedia {
                earlyMedia = true
                rang = true
                return [.ringCaller(status: 183, withMedia: true)]
            }
            if !rang {
                rang = true
                return [.ringCaller(status: 180, withMedia: false)]
            }
            return []

        case (.ringing, .forkAnswered(let fork)):
            guard forks.indices.contains(fork) else { return [] }
            forks[fork] = .answered
            winner = fork
            phase = .answered
            let others = pendingForks
            for other in others { forks[other] = .cancelled }
            return [.acknowledge(fork: fork)] + (others.isEmpty ? [] : [.cancel(forks: others)]) + [.answerCaller(fork: fork)]

        case (.answered, .forkAnswered(let fork)), (.ended, .forkAnswered(let fork)):
            // The winner's 2xx again (our ACK was lost), or a second fork that
            // answered before our CANCEL reached it: ACK, and BYE the latter.
            if fork == winner { return [.acknowledge(fork: fork)] }
            guard forks.indices.contains(fork) else { return [] }
            forks[fork] = .cancelled
            return [.acknowledge(fork: fork), .hangUp(fork: fork)]

        case (.ringing, .forkFailed(let fork, let status)):
            guard forks.indices.contains(fork), forks[fork] == .trying || forks[fork] == .ringing else { return [] }
            forks[fork] = .failed(status: status)
            guard pendingForks.isEmpty else { return [] }
            phase = .ended
            let final = Self.bestFailure(forks)
            return [.rejectCaller(status: final), .finish(Self.disposition(forStatus: final), hangupBy: nil, reason: "\(final)")]

        case (.ringing, .callerCancelled):
            phase = .ended
            return cancelPending() + [.rejectCaller(status: 487), .finish(.cancelled, hangupBy: .caller, reason: nil)]

        case (.ringing, .ringTimeout):
            phase = .ended
            return cancelPending() + [.rejectCaller(status: 480), .finish(.noAnswer, hangupBy: nil, reason: "no answer")]

        case (.ringing, .serverEnded(let reason)):
            phase = .ended
            return cancelPending() + [.rejectCaller(status: 503), .finish(.failed, hangupBy: .system, reason: reason)]

        case (.answered, .callerHungUp):
            phase = .ended
            return [.hangUp(fork: winner!), .finish(.answered, hangupBy: .caller, reason: nil)]

        case (.answered, .calleeHungUp):
            phase = .ended
            return [.hangUpCaller, .finish(.answered, hangupBy: .callee, reason: nil)]

        case (.answered, .serverEnded(let reason)):
            phase = .ended
            return [.hangUpCaller, .hangUp(fork: winner!), .finish(.answered, hangupBy: .system, reason: reason)]

        default:
            return []
        }
    }

    private mutating func cancelPending() -> [Action] {
        let pending = pendingForks
        for fork in pending { forks[fork] = .cancelled }
        return pending.isEmpty ? [] : [.cancel(forks: pending)]
    }

    /// The answer the caller gets when every fork failed (RFC 3261 §16.7
    /// in spirit): busy wins (any phone busy means the person is), then a
    /// decline, then the first other 4xx–6xx, else 480.
    static func bestFailure(_ forks: [ForkState]) -> Int {
        let statuses = forks.compactMap { state -> Int? in
            if case .failed(let status) = state { return status }
            return nil
        }
        if statuses.contains(where: { $0 == 486 || $0 == 600 }) { return 486 }
        if statuses.contains(603) { return 603 }
        if let other = statuses.first(where: { $0 >= 400 && ![408, 480, 487, 500, 503].contains($0) }) { return other }
        return 480
    }

    public static func disposition(forStatus status: Int) -> CallDisposition {
        switch status {
        case 486, 600: .busy
        case 487: .cancelled
        case 404, 484, 604: .notFound
        case 408, 480: .unavailable
        default: .failed
        }
    }
}
