import Synchronization

/// How many imports may run at once: one per user and `total` in all. An
/// import parses and writes for minutes on a file of a million rows; more
/// at once only slow each other and the rest of the server.
final class ImportSlots: Sendable {
    let total: Int
    private let running = Mutex<[Int64: Int]>([:])

    init(total: Int = 2) {
        self.total = total
    }

    enum Refusal: Sendable {
        case yoursIsRunning, serverBusy
    }

    /// Takes a slot for `user`, or says why not.
    func take(for user: Int64) -> Refusal? {
        running.withLock { running in
            if running[user, default: 0] > 0 { return .yoursIsRunning }
            if running.values.reduce(0, +) >= total { return .serverBusy }
            running[user, default: 0] += 1
            return nil
        }
    }

    func release(for user: Int64) {
        running.withLock { running in
            running[user, default: 1] -= 1
            if running[user] == 0 { running[user] = nil }
        }
    }
}
