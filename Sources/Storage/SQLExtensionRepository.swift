import CallCenter
import Foundation
import SQLKit

struct SQLExtensionRepository: ExtensionRepository {
    let db: any SQLDatabase
    private static let columns = [
        "id", "number", "name", "caller_id", "max_contacts", "recording", "forward_unconditional", "forward_no_answer",
        "forward_no_answer_seconds", "forward_busy", "forward_time_group_id", "created_at",
    ]

    func list(_ query: ListQuery) async throws -> Page<PhoneExtension> {
        let searched = ["number", "name", "caller_id"]
        let total = try await db.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("extensions")
            .whereAnyContains(searched, query.q).first()?.int("n") ?? 0
        let rows = try await db.select().columns(Self.columns).from("extensions").whereAnyContains(searched, query.q)
            .paged(query, sortable: ["number": "number", "name": "name", "callerId": "caller_id", "createdAt": "created_at", "id": "id"], defaultSort: "number")
            .all()
        return Page(items: try rows.map(Self.ext), total: total)
    }

    func get(_ id: Int64) async throws -> PhoneExtension? {
        try await db.select().columns(Self.columns).from("extensions").where("id", .equal, id).first().map(Self.ext)
    }

    func find(number: String) async throws -> PhoneExtension? {
        try await db.select().columns(Self.columns).from("extensions").where("number", .equal, number).first().map(Self.ext)
    }

    func password(number: String) async throws -> String? {
        try await db.select().column("password").from("extensions").where("number", .equal, number).first()?.string("password")
    }

    func create(_ new: NewExtension, at: Date) async throws -> PhoneExtension {
        try await mappingConflicts(field: "number") {
            let f = new.forwarding
            let row = try await db.insert(into: "extensions")
                .columns(
                    "number", "password", "name", "caller_id", "max_contacts", "recording", "forward_unconditional", "forward_no_answer",
                    "forward_no_answer_seconds", "forward_busy", "forward_time_group_id", "created_at"
                )
                .values(
                    SQLBind(new.number), SQLBind(new.password), SQLBind(new.name), SQLBind(new.callerId), SQLBind(new.maxContacts),
                    SQLBind(new.recording), SQLBind(f.unconditional), SQLBind(f.noAnswer), SQLBind(f.noAnswerSeconds), SQLBind(f.busy),
                    SQLBind(f.timeGroupId), SQLBind(Timestamp.string(at))
                )
                .returning("id").first()
            guard let row else { throw DomainError(.invalid, "extension was not stored") }
            return PhoneExtension(
                id: try row.int64("id"), number: new.number, name: new.name, callerId: new.callerId, maxContacts: new.maxContacts,
                recording: new.recording, forwarding: new.forwarding, createdAt: at
            )
        }
    }

    func update(_ ext: PhoneExtension) async throws {
        let f = ext.forwarding
        try await db.update("extensions").set("name", to: ext.name).set("caller_id", to: ext.callerId)
            .set("max_contacts", to: ext.maxContacts).set("recording", to: ext.recording)
            .set("forward_unconditional", to: f.unconditional).set("forward_no_answer", to: f.noAnswer)
            .set("forward_no_answer_seconds", to: f.noAnswerSeconds).set("forward_busy", to: f.busy)
            .set("forward_time_group_id", to: f.timeGroupId)
            .where("id", .equal, ext.id).run()
    }

    func setPassword(id: Int64, password: String) async throws {
        try await db.update("extensions").set("password", to: password).where("id", .equal, id).run()
    }

    func delete(_ id: Int64) async throws {
        try await db.delete(from: "extensions").where("id", .equal, id).run()
    }

    static func ext(_ row: any SQLRow) throws -> PhoneExtension {
        PhoneExtension(
            id: try row.int64("id"), number: try row.string("number"), name: try row.string("name"), callerId: try row.string("caller_id"),
            maxContacts: try row.int("max_contacts"), recording: try row.bool("recording"),
            forwarding: Forwarding(
                unconditional: try row.optionalString("forward_unconditional"), noAnswer: try row.optionalString("forward_no_answer"),
                noAnswerSeconds: try row.int("forward_no_answer_seconds"), busy: try row.optionalString("forward_busy"),
                timeGroupId: try row.optionalInt64("forward_time_group_id")
            ),
            createdAt: try row.date("created_at")
        )
    }
}

struct SQLRegistrationRepository: RegistrationRepository {
    let db: any SQLDatabase
    let gate: TransactionGate
    private static let columns = ["extension_number", "uri", "parameters", "source", "transport", "user_agent", "call_id", "cseq", "expires_at", "rtt_ms", "reachable"]

    func all(now: Date) async throws -> [Registration] {
        try await db.select().columns(Self.columns).from("registrations").where("expires_at", .greaterThan, Timestamp.string(now))
            .orderBy("extension_number").orderBy("uri").all().map(Self.registration)
    }

    func contacts(of number: String, now: Date) async throws -> [Registration] {
        try await db.select().columns(Self.columns).from("registrations").where("extension_number", .equal, number)
            .where("expires_at", .greaterThan, Timestamp.string(now)).orderBy("uri").all().map(Self.registration)
    }

    func contacts(ofNumbers numbers: [String], now: Date) async throws -> [Registration] {
        guard !numbers.isEmpty else { return [] }
        return try await db.select().columns(Self.columns).from("registrations").where("extension_number", .in, numbers)
            .where("expires_at", .greaterThan, Timestamp.string(now)).orderBy("extension_number").orderBy("uri").all().map(Self.registration)
    }

    func save(_ r: Registration) async throws {
        try await remove(number: r.extensionNumber, uri: r.uri)
        try await db.insert(into: "registrations").columns(Self.columns).values(Self.values(r)).run()
    }

    func remove(number: String, uri: String) async throws {
        try await db.delete(from: "registrations").where("extension_number", .equal, number).where("uri", .equal, uri).run()
    }

    func removeAll(number: String) async throws {
        try await db.delete(from: "registrations").where("extension_number", .equal, number).run()
    }

    func removeExpired(now: Date) async throws {
        try await db.delete(from: "registrations").where("expires_at", .lessThanOrEqual, Timestamp.string(now)).run()
    }

    /// One transaction per batch: a DELETE per chunk of extensions, then
    /// multi-row INSERTs, so a write-behind flush of a thousand refreshed
    /// phones costs a handful of statements.
    func replace(_ bindings: [String: [Registration]]) async throws {
        guard !bindings.isEmpty else { return }
        try await gate.run(on: db) {
            let numbers = Array(bindings.keys)
            for start in stride(from: 0, to: numbers.count, by: 400) {
                let chunk = Array(numbers[start..<min(start + 400, numbers.count)])
                try await db.delete(from: "registrations").where("extension_number", .in, chunk).run()
            }
            let rows = bindings.values.flatMap { $0 }
            for start in stride(from: 0, to: rows.count, by: 80) {
                var insert = db.insert(into: "registrations").columns(Self.columns)
                for r in rows[start..<min(start + 80, rows.count)] {
                    insert = insert.values(Self.values(r))
                }
                try await insert.run()
            }
        }
    }

    private static func values(_ r: Registration) -> [any SQLExpression] {
        [
            SQLBind(r.extensionNumber), SQLBind(r.uri), SQLBind(r.parameters), SQLBind(r.source), SQLBind(r.transport), SQLBind(r.userAgent),
            SQLBind(r.callId), SQLBind(r.cseq), SQLBind(Timestamp.string(r.expiresAt)), SQLBind(r.rttMs), SQLBind(r.reachable),
        ]
    }

    static func registration(_ row: any SQLRow) throws -> Registration {
        Registration(
            extensionNumber: try row.string("extension_number"), uri: try row.string("uri"), parameters: try row.string("parameters"), source: try row.string("source"),
            transport: try row.string("transport"), userAgent: try row.string("user_agent"), callId: try row.string("call_id"),
            cseq: try row.int("cseq"), expiresAt: try row.date("expires_at"), rttMs: try row.decode(column: "rtt_ms", as: Double?.self),
            reachable: try row.bool("reachable")
        )
    }
}
