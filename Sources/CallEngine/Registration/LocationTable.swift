import CallCenter
import Foundation
import Synchronization

/// The location service's bindings, held in memory and written to the
/// database behind the answers (write-behind). A REGISTER is answered from
/// memory without waiting for storage, the way a dedicated registrar keeps
/// its location table in shared memory; `LocationPersister` flushes what
/// changed every moment and once more at shutdown, so bindings survive a
/// restart. The API, the qualifier and the registrar all read this table,
/// so they agree on what is registered.
public final class LocationTable: RegistrationRepository, Sendable {
    let store: any RegistrationRepository
    private let state = Mutex(State())
    private let arrivals: AsyncStream<Registration>.Continuation
    /// Contacts that are new, or that moved to another source address:
    /// the qualifier probes them at once instead of at its next round.
    public let newContacts: AsyncStream<Registration>

    struct State {
        var bindings: [String: [Registration]] = [:]
        /// Extensions whose bindings changed since the last flush.
        var dirty: Set<String> = []
    }

    public init(store: any RegistrationRepository) {
        self.store = store
        (newContacts, arrivals) = AsyncStream.makeStream(of: Registration.self, bufferingPolicy: .bufferingNewest(10_000))
    }

    /// Reads the unexpired bindings from storage (at start).
    public func load(now: Date) async throws {
        let stored = try await store.all(now: now)
        state.withLock { state in
            state.bindings = Dictionary(grouping: stored, by: \.extensionNumber)
            state.dirty = []
        }
    }

    /// Changes one extension's bindings atomically: `change` sees the
    /// unexpired bindings and returns the new set, or nil to leave them.
    /// Returns the bindings in force afterwards. `change` runs under a lock:
    /// it must be quick and must not suspend.
    @discardableResult
    public func modify(
        _ number: String, now: Date, _ change: ([Registration]) -> [Registration]?
    ) -> [Registration] {
        state.withLock { state in
            let current = (state.bindings[number] ?? []).filter { $0.expiresAt > now }
            guard let next = change(current) else { return current }
            let sorted = next.sorted { $0.uri < $1.uri }
            state.bindings[number] = sorted.isEmpty ? nil : sorted
            state.dirty.insert(number)
            for binding in sorted where !current.contains(where: { $0.uri == binding.uri && $0.source == binding.source }) {
                arrivals.yield(binding)
            }
            return sorted
        }
    }

    /// Writes the changed extensions' bindings to storage; returns how many
    /// extensions were written. On failure they stay marked for the next try.
    @discardableResult
    public func flush() async throws -> Int {
        let batch = state.withLock { state -> [String: [Registration]] in
            let numbers = state.dirty
            state.dirty = []
            return Dictionary(uniqueKeysWithValues: numbers.map { ($0, state.bindings[$0] ?? []) })
        }
        guard !batch.isEmpty else { return 0 }
        do {
            try await store.replace(batch)
        } catch {
            state.withLock { $0.dirty.formUnion(batch.keys) }
            throw error
        }
        return batch.count
    }

    public var pendingWrites: Int { state.withLock { $0.dirty.count } }

    /// Registered extensions and their unexpired contacts (for /metrics).
    public func counts(now: Date) -> (extensions: Int, contacts: Int) {
        state.withLock { state in
            var extensions = 0
            var contacts = 0
            for bindings in state.bindings.values {
                let live = bindings.count { $0.expiresAt > now }
                if live > 0 { extensions += 1 }
                contacts += live
            }
            return (extensions, contacts)
        }
    }

    // MARK: RegistrationRepository

    public func all(now: Date) async throws -> [Registration] {
        state.withLock { state in
            state.bindings.keys.sorted().flatMap { number in state.bindings[number]!.filter { $0.expiresAt > now } }
        }
    }

    /// An extension's unexpired bindings, synchronously (the call engine's lookup).
    public func bindings(_ number: String, now: Date) -> [Registration] {
        state.withLock { ($0.bindings[number] ?? []).filter { $0.expiresAt > now } }
    }

    public func contacts(of number: String, now: Date) async throws -> [Registration] {
        state.withLock { ($0.bindings[number] ?? []).filter { $0.expiresAt > now } }
    }

    public func contacts(ofNumbers numbers: [String], now: Date) async throws -> [Registration] {
        state.withLock { state in
            Set(numbers).sorted().flatMap { number in (state.bindings[number] ?? []).filter { $0.expiresAt > now } }
        }
    }

    public func save(_ registration: Registration) async throws {
        modify(registration.extensionNumber, now: .distantPast) { current in
            current.filter { $0.uri != registration.uri } + [registration]
        }
    }

    public func remove(number: String, uri: String) async throws {
        modify(number, now: .distantPast) { current in
            current.contains { $0.uri == uri } ? current.filter { $0.uri != uri } : nil
        }
    }

    public func removeAll(number: String) async throws {
        modify(number, now: .distantPast) { $0.isEmpty ? nil : [] }
    }

    public func removeExpired(now: Date) async throws {
        state.withLock { state in
            for (number, bindings) in state.bindings {
                let live = bindings.filter { $0.expiresAt > now }
                guard live.count != bindings.count else { continue }
                state.bindings[number] = live.isEmpty ? nil : live
                state.dirty.insert(number)
            }
        }
    }

    public func replace(_ bindings: [String: [Registration]]) async throws {
        state.withLock { state in
            for (number, list) in bindings {
                state.bindings[number] = list.isEmpty ? nil : list.sorted { $0.uri < $1.uri }
                state.dirty.insert(number)
            }
        }
    }
}
