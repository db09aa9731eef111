import CallCenter
import Foundation
import Logging
import SQLKit
import SQLiteKit

/// The open database: SQLite by default (one file under the data folder).
/// Repositories speak SQLKit only, so PostgreSQL can slot in behind the
/// same `SQLDatabase`.
public final class Database: Sendable {
    public let sql: any SQLDatabase
    private let close: @Sendable () async throws -> Void

    init(sql: any SQLDatabase, close: @escaping @Sendable () async throws -> Void) {
        self.sql = sql
        self.close = close
    }

    public enum OpenError: Error, CustomStringConvertible {
        case unsupported(String)
        public var description: String {
            switch self {
            case .unsupported(let url): "unsupported database URL “\(url)” (PostgreSQL support comes in a later release; use a SQLite file path or sqlite:// URL)"
            }
        }
    }

    /// Opens `url`: a file path, `sqlite://PATH`, or `:memory:`.
    public static func open(url: String, logger: Logger) async throws -> Database {
        let path: String
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            throw OpenError.unsupported(url)
        } else if url.hasPrefix("sqlite://") {
            path = String(url.dropFirst("sqlite://".count))
        } else {
            path = url
        }
        let storage: SQLiteConnection.Storage = path == ":memory:" ? .memory : .file(path: path)
        if path != ":memory:" {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        let connection = try await SQLiteConnection.open(storage: storage, logger: logger)
        let sql = connection.sql(queryLogLevel: .trace)
        // WAL lets readers (backups, `hotline migrate` checks) run beside the server;
        // foreign keys keep user_roles honest.
        try await sql.raw("PRAGMA journal_mode=WAL").run()
        try await sql.raw("PRAGMA synchronous=NORMAL").run()
        try await sql.raw("PRAGMA foreign_keys=ON").run()
        try await sql.raw("PRAGMA busy_timeout=5000").run()
        return Database(sql: sql, close: { try await connection.close() })
    }

    public func shutdown() async throws { try await close() }

    /// Every repository over this database; the logo lives in `dataDirectory`.
    public func repositories(dataDirectory: String) -> Repositories {
        Repositories(
            departments: SQLDepartmentRepository(db: sql),
            roles: SQLRoleRepository(db: sql),
            users: SQLUserRepository(db: sql),
            sessions: SQLSessionRepository(db: sql),
            audit: SQLAuditRepository(db: sql),
            customerFields: SQLCustomerFieldRepository(db: sql),
            followUpStatuses: SQLFollowUpStatusRepository(db: sql),
            logo: FileLogoStore(directory: URL(fileURLWithPath: dataDirectory).appendingPathComponent("branding").path),
            extensions: SQLExtensionRepository(db: sql),
            registrations: SQLRegistrationRepository(db: sql)
        )
    }
}
