import ArgumentParser
import CallCenter
import Storage
import WebAPI

struct ResetPassword: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset-password",
        abstract: "Give USER a new temporary password (printed once) that must be changed at next sign-in; ends their sessions."
    )

    @Argument(help: "The username, e.g. admin.") var user: String
    @OptionGroup var storage: StorageOptions

    func run() async throws {
        let logger = makeLogger("hotline.admin")
        let database = try await openStorage(storage, logger: logger)
        let repos = database.repositories(dataDirectory: storage.dataDirectory)
        let bootstrap = Bootstrap(repos: repos, hasher: BcryptHasher(), audit: AuditTrail(repository: repos.audit))
        do {
            let password = try await bootstrap.resetPassword(username: user)
            say("temporary password for \(user): \(password)")
            say("it must be changed at the next sign-in")
        } catch let error as DomainError {
            try? await database.shutdown()
            throw ValidationError(error.message)
        }
        try await database.shutdown()
    }
}
