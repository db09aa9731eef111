import ArgumentParser
import CallCenter
import Foundation
import Storage

/// The way in when someone keeps an account locked by guessing its
/// password from many addresses: works while the server runs (it reads the
/// mark at the next sign-in) and needs a shell on the server.
struct Unlock: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Lift the account-wide sign-in lock of USER (failed attempts from many addresses); the server may keep running."
    )

    @Argument(help: "The username, e.g. admin.") var user: String
    @OptionGroup var storage: StorageOptions

    func run() async throws {
        let logger = makeLogger("hotline.admin")
        let database = try await openStorage(storage, logger: logger)
        let repos = database.repositories(dataDirectory: storage.dataDirectory)
        do {
            guard let found = try await repos.users.findByUsername(user) else { throw ValidationError("no user named “\(user)”") }
            try await repos.users.unlockSignIn(userId: found.id, at: Date())
            try await AuditTrail(repository: repos.audit).record(
                "auth.unlock", target: "user:\(found.id)", detail: "command line", actor: nil, address: "local", actorName: "hotline")
            say("sign-in unlocked for \(user): failed attempts so far no longer lock the account")
        } catch {
            try? await database.shutdown()
            throw error
        }
        try await database.shutdown()
    }
}
