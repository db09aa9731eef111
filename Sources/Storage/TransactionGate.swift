import SQLKit

/// Runs multi-statement writes as one transaction on the single SQLite
/// writer connection, one block at a time: SQLite cannot nest BEGIN, and
/// two tasks interleaving BEGIN … COMMIT on one connection would mix
/// their statements.
final class TransactionGate: Sendable {
    private let lock = AsyncLock()

    func run<T: Sendable>(on db: any SQLDatabase, _ body: @Sendable () async throws -> T) async throws -> T {
        try await lock.withLock {
            try await db.raw("BEGIN IMMEDIATE").run()
            do {
                let value = try await body()
                try await db.raw("COMMIT").run()
                return value
            } catch {
                try? await db.raw("ROLLBACK").run()
                throw error
            }
        }
    }
}

/// A FIFO lock for async code (never blocks a thread).
actor AsyncLock {
    private var held = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func withLock<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        if !held {
            held = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        if waiters.isEmpty {
            held = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}
