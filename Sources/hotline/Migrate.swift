import ArgumentParser
import Storage

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations and exit.")

    @OptionGroup var storage: StorageOptions

    func run() async throws {
        let logger = makeLogger("hotline.migrate")
        let database = try await Database.open(url: storage.databaseURL, logger: logger)
        do {
            let applied = try await Migrator.run(on: database.sql, logger: logger)
            say(applied.isEmpty ? "database is up to date (version \(Migrator.latestVersion))" : "applied migrations \(applied.map(String.init).joined(separator: ", ")); now at version \(Migrator.latestVersion)")
        } catch {
            try? await database.shutdown()
            throw error
        }
        try await database.shutdown()
    }
}

struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Administrative tasks.", subcommands: [ResetPassword.self, Unlock.self])
}
