import NIOCore

/// Logs a repeating problem at most once per `interval`, saying how many
/// were left unlogged in between: a flood of bad datagrams must not turn
/// into a flood of log lines.
struct ThrottledLog {
    let interval: TimeAmount
    private var lastLogged: NIODeadline?
    private var suppressed = 0

    init(interval: TimeAmount = .seconds(10)) {
        self.interval = interval
    }

    /// Whether to log now; when true, `suppressed` says how many occurrences since the last line were not logged.
    mutating func admit(now: NIODeadline = .now()) -> (log: Bool, suppressed: Int) {
        if let lastLogged, now - lastLogged < interval {
            suppressed += 1
            return (false, 0)
        }
        lastLogged = now
        defer { suppressed = 0 }
        return (true, suppressed)
    }
}
