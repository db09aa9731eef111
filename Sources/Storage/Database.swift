import CallCenter
import Foundation
import Logging
import SQLKit
import SQLiteKit
import Synchronization

/// The open database: SQLite by default (one file under the data folder).
/// Repositories speak SQLKit only, so PostgreSQL can slot in behind the
/// same `SQLDatabase`.
public final class Database: Sendable {
    /// The one connection that writes (SQLite has a single writer).
    public let sql: any SQLDatabase
    /// The same connection without SQLKit, for bulk inserts (imports): binds
    /// built as values instead of encoded one by one.
    let bulk: (any SQLiteDatabase)?
    /// Read-only connections for list and lookup queries: with WAL they read
    /// committed data beside the writer, so reads on both cores do not queue
    /// behind one connection.
    let readers: ReaderPool
    /// Serializes multi-statement writes on the writer connection.
    let gate = TransactionGate()
    private let close: @Sendable () async throws -> Void

    init(sql: any SQLDatabase, bulk: (any SQLiteDatabase)?, readers: [any SQLDatabase], close: @escaping @Sendable () async throws -> Void) {
        self.sql = sql
        self.bulk = bulk
        self.readers = ReaderPool(readers.isEmpty ? [sql] : readers)
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
        var readerConnections: [SQLiteConnection] = []
        // WAL lets readers (backups, `hotline migrate` checks) run beside the server;
        // foreign keys keep user_roles honest.
        try await sql.raw("PRAGMA journal_mode=WAL").run()
        try await sql.raw("PRAGMA synchronous=NORMAL").run()
        try await sql.raw("PRAGMA foreign_keys=ON").run()
        try await sql.raw("PRAGMA busy_timeout=5000").run()
        // Up to 64 MiB of page cache (allocated only as used), reads through
        // a memory map, and fewer, larger checkpoints: a bulk import of
        // a million customers otherwise rereads index pages and rewrites the
        // main file every 4 MB of log.
        try await sql.raw("PRAGMA cache_size=-65536").run()
        try await sql.raw("PRAGMA wal_autocheckpoint=10000").run()
        try await sql.raw("PRAGMA mmap_size=268435456").run()
        if path != ":memory:" {
            for _ in 0..<2 {
                let reader = try await SQLiteConnection.open(storage: storage, logger: logger)
                try await reader.sql().raw("PRAGMA busy_timeout=5000").run()
                try await reader.sql().raw("PRAGMA query_only=ON").run()
                readerConnections.append(reader)
            }
        }
        let readers = readerConnections
        return Database(
            sql: sql, bulk: connection, readers: readers.map { $0.sql(queryLogLevel: .trace) },
            close: {
                for reader in readers { try await reader.close() }
                try await connection.close()
            }
        )
    }

    public func shutdown() async throws { try await close() }

    /// Every repository over this database; the logo lives in `dataDirectory`.
    public func repositories(dataDirectory: String) -> Repositories {
        Repositories(
            departments: SQLDepartmentRepository(db: sql, reads: readers),
            roles: SQLRoleRepository(db: sql, reads: readers),
            users: SQLUserRepository(db: sql, reads: readers),
            sessions: SQLSessionRepository(db: sql, reads: readers),
            audit: SQLAuditRepository(db: sql, reads: readers),
            customerFields: SQLCustomerFieldRepository(db: sql),
            followUpStatuses: SQLFollowUpStatusRepository(db: sql),
            logo: FileLogoStore(directory: URL(fileURLWithPath: dataDirectory).appendingPathComponent("branding").path),
            extensions: SQLExtensionRepository(db: sql),
            registrations: SQLRegistrationRepository(db: sql, gate: gate),
            crm: CRMRepositories(
                customers: SQLCustomerRepository(db: sql, reads: readers, gate: gate, bulk: bulk),
                followUps: SQLFollowUpRepository(db: sql, reads: readers),
                appointments: SQLAppointmentRepository(db: sql, reads: readers),
                marked: SQLMarkedNumberRepository(db: sql, reads: readers),
                blacklist: SQLBlacklistRepository(db: sql, reads: readers),
                packages: SQLDataPackageRepository(db: sql, reads: readers, gate: gate, bulk: bulk)
            ),
            calls: SQLCallRecordRepository(db: sql, reads: readers, gate: gate)
        )
    }
}

/// Hands out reader connections round-robin.
final class ReaderPool: Sendable {
    private let connections: [any SQLDatabase]
    private let next = Atomic<Int>(0)

    init(_ connections: [any SQLDatabase]) { self.connections = connections }

    var any: any SQLDatabase {
        let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
        return connections[index % connections.count]
    }
}
