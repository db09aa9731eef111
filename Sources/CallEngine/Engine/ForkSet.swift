/// The phones one outbound leg rings at once (parallel forking, RFC 3261
/// §16.7 in spirit): the first to answer wins, the others are cancelled,
/// a phone that answered anyway is hung up, and when all fail the leg fails
/// with the most telling status. A plain value: answers in, actions out.
struct ForkSet: Sendable, Equatable {
    enum State: Sendable, Equatable {
        case trying, ringing, answered, failed(status: Int), cancelled
    }

    enum Event: Sendable, Equatable {
        case provisional(Int, earlyMedia: Bool)
        case answered(Int)
        case failed(Int, status: Int)
        /// The leg is being given up (its caller cancelled, a timer ran out).
        case cancelAll
    }

    enum Action: Sendable, Equatable {
        /// What the call plan hears of this leg.
        case legRinging(earlyMedia: Bool)
        case legAnswered(fork: Int)
        case legFailed(status: Int)
        /// ACK a fork's 2xx (again for a retransmission).
        case acknowledge(Int)
        case cancel([Int])
        /// BYE a fork that answered after another had won.
        case hangUp(Int)
    }

    private(set) var forks: [State]
    private(set) var winner: Int?
    private var rang = false
    private var early = false

    init(count: Int) {
        precondition(count > 0, "a leg needs at least one phone to ring")
        forks = Array(repeating: .trying, count: count)
    }

    private var pending: [Int] { forks.indices.filter { forks[$0] == .trying || forks[$0] == .ringing } }

    mutating func handle(_ event: Event) -> [Action] {
        switch event {
        case .provisional(let fork, let withMedia):
            guard winner == nil, forks.indices.contains(fork), forks[fork] == .trying || forks[fork] == .ringing else { return [] }
            forks[fork] = .ringing
            if withMedia, !early {
                early = true
                rang = true
                return [.legRinging(earlyMedia: true)]
            }
            guard !rang else { return [] }
            rang = true
            return [.legRinging(earlyMedia: false)]

        case .answered(let fork):
            guard forks.indices.contains(fork) else { return [] }
            if winner == fork { return [.acknowledge(fork)] }
            if winner != nil || forks[fork] == .cancelled {
                // Answered before our CANCEL reached it (or after we gave up): ACK and BYE.
                forks[fork] = .cancelled
                return [.acknowledge(fork), .hangUp(fork)]
            }
            forks[fork] = .answered
            winner = fork
            let others = pending
            for other in others { forks[other] = .cancelled }
            return [.acknowledge(fork)] + (others.isEmpty ? [] : [.cancel(others)]) + [.legAnswered(fork: fork)]

        case .failed(let fork, let status):
            guard winner == nil, forks.indices.contains(fork), forks[fork] == .trying || forks[fork] == .ringing else { return [] }
            forks[fork] = .failed(status: status)
            guard pending.isEmpty else { return [] }
            return [.legFailed(status: Self.bestFailure(forks))]

        case .cancelAll:
            let others = pending
            for other in others { forks[other] = .cancelled }
            return others.isEmpty ? [] : [.cancel(others)]
        }
    }

    /// The answer when every phone failed: busy wins (any phone busy means
    /// the person is), then a decline, then the first other 4xx–6xx, else 480.
    static func bestFailure(_ forks: [State]) -> Int {
        let statuses = forks.compactMap { state -> Int? in
            if case .failed(let status) = state { return status }
            return nil
        }
        if statuses.contains(where: { $0 == 486 || $0 == 600 }) { return 486 }
        if statuses.contains(603) { return 603 }
        if let other = statuses.first(where: { $0 >= 400 && ![408, 480, 487, 500, 503].contains($0) }) { return other }
        return 480
    }
}
