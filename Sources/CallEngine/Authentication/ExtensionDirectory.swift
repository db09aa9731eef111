import CallCenter
import Foundation
import Synchronization

/// Extensions as SIP sees them — secret, contact limit, call settings —
/// cached in memory so a REGISTER or an INVITE is decided without the
/// database. Unknown numbers are cached too (with no secret), so guessing
/// numbers does not reach the database on every attempt.
public final class ExtensionDirectory: Sendable {
    let repos: Repositories
    /// How long an entry is trusted; the API drops changed entries at once.
    let lifetime: TimeInterval
    private let entries = Mutex<[String: Entry]>([:])

    public struct Entry: Sendable {
        /// nil for a number that is not an extension.
        public let password: String?
        public let maxContacts: Int
        let fetched: Date
        public var profile: ExtensionProfile?
    }

    init(repos: Repositories, lifetime: TimeInterval) {
        self.repos = repos
        self.lifetime = lifetime
    }

    /// The entry when cached and fresh; nil means: `load` it first.
    public func cached(_ number: String, at: Date) -> Entry? {
        guard let entry = entries.withLock({ $0[number] }), at.timeIntervalSince(entry.fetched) < lifetime else { return nil }
        return entry
    }

    /// The numbers of `numbers` that are not cached and fresh.
    public func missing(_ numbers: [String], at: Date) -> [String] {
        numbers.filter { cached($0, at: at) == nil }
    }

    /// Reads extensions into the cache: one hop off the event loop for all of them.
    public func load(_ numbers: [String], at: Date) async throws {
        for number in Set(numbers) {
            let ext = try await repos.extensions.find(number: number)
            let password = ext == nil ? nil : try await repos.extensions.password(number: number)
            var profile = ext.map { ExtensionProfile(number: $0.number, name: $0.name, callerId: $0.callerId, recording: $0.recording) }
            if profile != nil { profile?.userId = try await repos.users.findByExtension(number)?.id }
            let entry = Entry(password: password, maxContacts: ext?.maxContacts ?? 0, fetched: at, profile: profile)
            entries.withLock { entries in
                if entries.count > 50_000 { entries.removeAll() }
                entries[number] = entry
            }
        }
    }

    /// The API changed or deleted the extension (or its user binding): read it again next time.
    public func forget(_ number: String) {
        _ = entries.withLock { $0.removeValue(forKey: number) }
    }
}
