import CallCenter
import Foundation
import SQLKit

struct SQLSessionRepository: SessionRepository {
    let db: any SQLDatabase
    let reads: ReaderPool
    private var read: any SQLDatabase { reads.any }

    func create(_ session: Session) async throws {
        try await db.insert(into: "sessions").columns("token_hash", "user_id", "created_at", "expires_at", "last_seen_at", "address")
            .values(
                SQLBind(session.tokenHash), SQLBind(session.userId), SQLBind(Timestamp.string(session.createdAt)),
                SQLBind(Timestamp.string(session.expiresAt)), SQLBind(Timestamp.string(session.lastSeenAt)), SQLBind(session.address)
            ).run()
    }

    func get(tokenHash: String) async throws -> Session? {
        guard let row = try await read.select().columns("token_hash", "user_id", "created_at", "expires_at", "last_seen_at", "address")
            .from("sessions").where("token_hash", .equal, tokenHash).first()
        else { return nil }
        return Session(
            tokenHash: try row.string("token_hash"), userId: try row.int64("user_id"), createdAt: try row.date("created_at"),
            expiresAt: try row.date("expires_at"), lastSeenAt: try row.date("last_seen_at"), address: try row.string("address")
        )
    }

    func touch(tokenHash: String, at: Date) async throws {
        try await db.update("sessions").set("last_seen_at", to: Timestamp.string(at)).where("token_hash", .equal, tokenHash).run()
    }

    func delete(tokenHash: String) async throws {
        try await db.delete(from: "sessions").where("token_hash", .equal, tokenHash).run()
    }

    func deleteAll(userId: Int64) async throws {
        try await db.delete(from: "sessions").where("user_id", .equal, userId).run()
    }

    func deleteAll(userId: Int64, except tokenHash: String) async throws {
        try await db.delete(from: "sessions").where("user_id", .equal, userId).where("token_hash", .notEqual, tokenHash).run()
    }

    func deleteExpired(now: Date, idle: Duration) async throws {
        let idleCutoff = now.addingTimeInterval(-Double(idle.components.seconds))
        try await db.delete(from: "sessions")
            .where("expires_at", .lessThan, Timestamp.string(now))
            .orWhere("last_seen_at", .lessThan, Timestamp.string(idleCutoff))
            .run()
    }
}

struct SQLAuditRepository: AuditRepository {
    let db: any SQLDatabase
    let reads: ReaderPool
    private var read: any SQLDatabase { reads.any }
    private static let columns = ["id", "at", "actor_id", "actor_name", "action", "target", "address", "detail"]
    private static let searched = ["actor_name", "action", "target", "address", "detail"]

    func append(_ entry: AuditEntry) async throws {
        try await db.insert(into: "audit_log").columns("at", "actor_id", "actor_name", "action", "target", "address", "detail")
            .values(
                SQLBind(Timestamp.string(entry.at)), SQLBind(entry.actorId), SQLBind(entry.actorName), SQLBind(entry.action),
                SQLBind(entry.target), SQLBind(entry.address), SQLBind(entry.detail)
            ).run()
    }

    func list(_ query: ListQuery) async throws -> Page<AuditEntry> {
        let total = try await read.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("audit_log")
            .whereAnyContains(Self.searched, query.q).first()?.int("n") ?? 0
        var page = query
        if page.sort == nil { page.sort = "at"; page.descending = true }
        let rows = try await read.select().columns(Self.columns).from("audit_log").whereAnyContains(Self.searched, query.q)
            .paged(page, sortable: ["at": "id", "action": "action", "actorName": "actor_name"], defaultSort: "id").all()
        return Page(
            items: try rows.map { row in
                AuditEntry(
                    id: try row.int64("id"), at: try row.date("at"), actorId: try row.optionalInt64("actor_id"),
                    actorName: try row.string("actor_name"), action: try row.string("action"), target: try row.string("target"),
                    address: try row.string("address"), detail: try row.string("detail")
                )
            },
            total: total
        )
    }
}
