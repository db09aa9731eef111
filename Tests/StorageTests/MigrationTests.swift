import Foundation
import Logging
import SQLKit
import Storage
import Testing

@Suite struct MigrationTests {
    @Test func migratesAnEmptyFileAndASecondRunChangesNothing() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hotline-migrate-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let logger = Logger(label: "test")

        let first = try await Database.open(url: path, logger: logger)
        let applied = try await Migrator.run(on: first.sql, logger: logger)
        #expect(applied == Array(1...Migrator.latestVersion))
        let tables = try await first.sql.raw("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all()
            .map { try $0.decode(column: "name", as: String.self) }
        for table in ["audit_log", "customer_fields", "departments", "follow_up_statuses", "roles", "schema_migrations", "sessions", "user_roles", "users"] {
            #expect(tables.contains(table), "missing table \(table)")
        }
        try await first.shutdown()

        // Re-opening the same file (as after a restart) applies nothing and keeps the record.
        let second = try await Database.open(url: path, logger: logger)
        #expect(try await Migrator.run(on: second.sql, logger: logger).isEmpty)
        let versions = try await second.sql.raw("SELECT version FROM schema_migrations ORDER BY version").all()
            .map { try $0.decode(column: "version", as: Int.self) }
        #expect(versions == Array(1...Migrator.latestVersion))
        try await second.shutdown()
    }

    @Test func refusesPostgresUntilItIsSupported() async throws {
        await #expect(throws: Database.OpenError.self) {
            _ = try await Database.open(url: "postgres://localhost/hotline", logger: Logger(label: "test"))
        }
    }
}
