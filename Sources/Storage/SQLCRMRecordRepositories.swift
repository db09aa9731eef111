import CallCenter
import Foundation
import SQLKit
import SQLiteKit

/// Pages of rows from a raw query: `ORDER BY … LIMIT … OFFSET …` plus a count.
private func page(
    _ read: any SQLDatabase, select: SQLQueryString, from: SQLQueryString, where conditions: SQLQueryString, order: String,
    _ query: ListQuery
) async throws -> (rows: [any SQLRow], total: Int) {
    let rows = try await read.raw(
        select + " " + from + " WHERE " + conditions + " ORDER BY \(unsafeRaw: order) LIMIT \(literal: query.pageSize) OFFSET \(literal: query.offset)"
    ).all()
    let total = try await read.raw("SELECT COUNT(*) AS n " + from + " WHERE " + conditions).first()?.int("n") ?? 0
    return (rows, total)
}

private func order(_ query: ListQuery, _ sortable: [String: String], default fallback: String, defaultDescending: Bool) throws -> String {
    let column = try query.sortColumn(in: sortable)
    let descending = column == nil ? defaultDescending : query.descending
    return "\(column ?? fallback) \(descending ? "DESC" : "ASC")"
}

private func likeText(_ columns: [String], _ q: String?) -> SQLQueryString? {
    guard let q = q?.trimmedWhitespace(), !q.isEmpty else { return nil }
    let escaped = q.lowercased().replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
        .replacingOccurrences(of: "_", with: "\\_")
    let pattern = "%" + escaped + "%"
    return "(" + columns.map { "LOWER(\(unsafeRaw: $0)) LIKE \(bind: pattern) ESCAPE '\\'" as SQLQueryString }.joined(separator: " OR ") + ")"
}

struct SQLFollowUpRepository: FollowUpRepository {
    let db: any SQLDatabase
    let reads: ReaderPool
    private static let select: SQLQueryString = """
        SELECT f.id, f.customer_id, c.name AS customer_name, f.user_id, u.name AS user_name, f.status_id, s.name AS status_name,
               f.content, f.next_at, f.call_id, f.created_at
        """
    private static let from: SQLQueryString = """
        FROM follow_ups f JOIN customers c ON c.id = f.customer_id LEFT JOIN users u ON u.id = f.user_id
        LEFT JOIN follow_up_statuses s ON s.id = f.status_id
        """
    private static let sortable = ["id": "f.id", "createdAt": "f.created_at", "nextAt": "f.next_at"]

    func list(_ query: ListQuery, customerId: Int64?, visibility: CustomerVisibility) async throws -> Page<FollowUp> {
        var parts = [SQLCustomerRepository.visible(visibility)]
        if let customerId { parts.append("f.customer_id = \(bind: customerId)") }
        if let text = likeText(["f.content", "c.name"], query.q) { parts.append(text) }
        let (rows, total) = try await page(
            reads.any, select: Self.select, from: Self.from, where: parts.joined(separator: " AND "),
            order: try order(query, Self.sortable, default: "f.id", defaultDescending: true), query
        )
        return Page(items: try rows.map(Self.followUp), total: total)
    }

    func get(_ id: Int64) async throws -> FollowUp? {
        try await reads.any.raw(Self.select + " " + Self.from + " WHERE f.id = \(bind: id)").first().map(Self.followUp)
    }

    func create(_ f: FollowUp) async throws -> FollowUp {
        guard let row = try await db.raw(
            """
            INSERT INTO follow_ups (customer_id, user_id, status_id, content, next_at, call_id, created_at)
            VALUES (\(bind: f.customerId), \(bind: f.userId), \(bind: f.statusId), \(bind: f.content),
                    \(bind: f.nextAt.map(Timestamp.string)), \(bind: f.callId), \(bind: Timestamp.string(f.createdAt)))
            RETURNING id
            """
        ).first() else { throw DomainError(.invalid, "follow-up was not stored") }
        return try await get(try row.int64("id")) ?? f
    }

    func update(_ f: FollowUp) async throws {
        try await db.raw(
            """
            UPDATE follow_ups SET status_id = \(bind: f.statusId), content = \(bind: f.content),
                next_at = \(bind: f.nextAt.map(Timestamp.string)), call_id = \(bind: f.callId)
            WHERE id = \(bind: f.id)
            """
        ).run()
    }

    func delete(_ id: Int64) async throws {
        try await db.raw("DELETE FROM follow_ups WHERE id = \(bind: id)").run()
    }

    static func followUp(_ row: any SQLRow) throws -> FollowUp {
        FollowUp(
            id: try row.int64("id"), customerId: try row.int64("customer_id"), customerName: try row.optionalString("customer_name"),
            userId: try row.optionalInt64("user_id"), userName: try row.optionalString("user_name"), statusId: try row.optionalInt64("status_id"),
            statusName: try row.optionalString("status_name"), content: try row.string("content"),
            nextAt: try row.optionalString("next_at").map(Timestamp.date), callId: try row.optionalInt64("call_id"),
            createdAt: try row.date("created_at")
        )
    }
}

struct SQLAppointmentRepository: AppointmentRepository {
    let db: any SQLDatabase
    let reads: ReaderPool
    private static let select: SQLQueryString = """
        SELECT a.id, a.customer_id, c.name AS customer_name, a.user_id, u.name AS user_name, a.at, a.note, a.done, a.created_at
        """
    private static let from: SQLQueryString = "FROM appointments a JOIN customers c ON c.id = a.customer_id LEFT JOIN users u ON u.id = a.user_id"
    private static let sortable = ["id": "a.id", "at": "a.at", "createdAt": "a.created_at"]

    func list(_ query: ListQuery, customerId: Int64?, dueBefore: Date?, visibility: CustomerVisibility) async throws -> Page<Appointment> {
        var parts = [SQLCustomerRepository.visible(visibility)]
        if let customerId { parts.append("a.customer_id = \(bind: customerId)") }
        if let dueBefore { parts.append("a.done = \(bind: false) AND a.at <= \(bind: Timestamp.string(dueBefore))") }
        if let text = likeText(["a.note", "c.name"], query.q) { parts.append(text) }
        let (rows, total) = try await page(
            reads.any, select: Self.select, from: Self.from, where: parts.joined(separator: " AND "),
            order: try order(query, Self.sortable, default: "a.at", defaultDescending: false), query
        )
        return Page(items: try rows.map(Self.appointment), total: total)
    }

    func get(_ id: Int64) async throws -> Appointment? {
        try await reads.any.raw(Self.select + " " + Self.from + " WHERE a.id = \(bind: id)").first().map(Self.appointment)
    }

    func create(_ a: Appointment) async throws -> Appointment {
        guard let row = try await db.raw(
            """
            INSERT INTO appointments (customer_id, user_id, at, note, done, created_at)
            VALUES (\(bind: a.customerId), \(bind: a.userId), \(bind: Timestamp.string(a.at)), \(bind: a.note), \(bind: a.done),
                    \(bind: Timestamp.string(a.createdAt)))
            RETURNING id
            """
        ).first() else { throw DomainError(.invalid, "appointment was not stored") }
        return try await get(try row.int64("id")) ?? a
    }

    func update(_ a: Appointment) async throws {
        let at = Timestamp.string(a.at)
        try await db.raw(
            """
            UPDATE appointments SET reminded_at = CASE WHEN at = \(bind: at) THEN reminded_at ELSE NULL END,
                at = \(bind: at), note = \(bind: a.note), done = \(bind: a.done)
            WHERE id = \(bind: a.id)
            """
        ).run()
    }

    func dueForReminder(now: Date, limit: Int) async throws -> [Appointment] {
        try await db.raw(
            Self.select + " " + Self.from
                + " WHERE a.done = \(bind: false) AND a.at <= \(bind: Timestamp.string(now)) AND a.reminded_at IS NULL ORDER BY a.at LIMIT \(literal: limit)"
        ).all().map(Self.appointment)
    }

    func markReminded(_ ids: [Int64], at: Date) async throws {
        guard !ids.isEmpty else { return }
        try await db.raw("UPDATE appointments SET reminded_at = \(bind: Timestamp.string(at)) WHERE id IN (\(binds: ids))").run()
    }

    func delete(_ id: Int64) async throws {
        try await db.raw("DELETE FROM appointments WHERE id = \(bind: id)").run()
    }

    static func appointment(_ row: any SQLRow) throws -> Appointment {
        Appointment(
            id: try row.int64("id"), customerId: try row.int64("customer_id"), customerName: try row.optionalString("customer_name"),
            userId: try row.optionalInt64("user_id"), userName: try row.optionalString("user_name"), at: try row.date("at"),
            note: try row.string("note"), done: try row.bool("done"), createdAt: try row.date("created_at")
        )
    }
}

struct SQLMarkedNumberRepository: MarkedNumberRepository {
    let db: any SQLDatabase
    let reads: ReaderPool
    private static let select: SQLQueryString = """
        SELECT m.id, m.number, m.name, m.user_id, u.name AS user_name, m.call_id, m.note, m.marked_at
        """
    private static let from: SQLQueryString = "FROM marked_numbers m LEFT JOIN users u ON u.id = m.user_id"

    func list(_ query: ListQuery, visibility: CustomerVisibility) async throws -> Page<MarkedNumber> {
        var parts: [SQLQueryString] = []
        switch visibility {
        case .all: parts.append("1 = 1")
        case .own(let me): parts.append("m.user_id = \(bind: me)")
        case .departments(let ids, let me):
            parts.append(
                ids.isEmpty ? "m.user_id = \(bind: me)"
                    : "(m.user_id = \(bind: me) OR m.user_id IN (SELECT id FROM users WHERE department_id IN (\(binds: ids.sorted()))))"
            )
        }
        if let text = likeText(["m.number", "m.name", "m.note"], query.q) { parts.append(text) }
        let (rows, total) = try await page(
            reads.any, select: Self.select, from: Self.from, where: parts.joined(separator: " AND "),
            order: try order(query, ["id": "m.id", "markedAt": "m.marked_at"], default: "m.id", defaultDescending: true), query
        )
        return Page(items: try rows.map(Self.marked), total: total)
    }

    func get(_ id: Int64) async throws -> MarkedNumber? {
        try await reads.any.raw(Self.select + " " + Self.from + " WHERE m.id = \(bind: id)").first().map(Self.marked)
    }

    func create(_ m: MarkedNumber) async throws -> MarkedNumber {
        guard let row = try await db.raw(
            """
            INSERT INTO marked_numbers (number, name, user_id, call_id, note, marked_at)
            VALUES (\(bind: m.number), \(bind: m.name), \(bind: m.userId), \(bind: m.callId), \(bind: m.note), \(bind: Timestamp.string(m.markedAt)))
            RETURNING id
            """
        ).first() else { throw DomainError(.invalid, "marked number was not stored") }
        return try await get(try row.int64("id")) ?? m
    }

    func delete(_ id: Int64) async throws {
        try await db.raw("DELETE FROM marked_numbers WHERE id = \(bind: id)").run()
    }

    static func marked(_ row: any SQLRow) throws -> MarkedNumber {
        MarkedNumber(
            id: try row.int64("id"), number: try row.string("number"), name: try row.string("name"), userId: try row.optionalInt64("user_id"),
            userName: try row.optionalString("user_name"), callId: try row.optionalInt64("call_id"), note: try row.string("note"),
            markedAt: try row.date("marked_at")
        )
    }
}

struct SQLBlacklistRepository: BlacklistRepository {
    let db: any SQLDatabase
    let reads: ReaderPool
    private static let select: SQLQueryString = "SELECT b.id, b.pattern, b.note, b.created_at"
    private static let from: SQLQueryString = "FROM blacklist b"

    func list(_ query: ListQuery) async throws -> Page<BlacklistEntry> {
        let conditions = likeText(["b.pattern", "b.note"], query.q) ?? "1 = 1"
        let (rows, total) = try await page(
            reads.any, select: Self.select, from: Self.from, where: conditions,
            order: try order(query, ["id": "b.id", "pattern": "b.pattern", "createdAt": "b.created_at"], default: "b.id", defaultDescending: true),
            query
        )
        return Page(items: try rows.map(Self.entry), total: total)
    }

    func all() async throws -> [BlacklistEntry] {
        try await reads.any.raw(Self.select + " " + Self.from + " ORDER BY b.id").all().map(Self.entry)
    }

    func get(_ id: Int64) async throws -> BlacklistEntry? {
        try await reads.any.raw(Self.select + " " + Self.from + " WHERE b.id = \(bind: id)").first().map(Self.entry)
    }

    func find(pattern: String) async throws -> BlacklistEntry? {
        try await reads.any.raw(Self.select + " " + Self.from + " WHERE b.pattern = \(bind: pattern)").first().map(Self.entry)
    }

    func create(_ e: BlacklistEntry) async throws -> BlacklistEntry {
        try await mappingConflicts(field: "pattern") {
            guard let row = try await db.raw(
                """
                INSERT INTO blacklist (pattern, note, created_at) VALUES (\(bind: e.pattern), \(bind: e.note), \(bind: Timestamp.string(e.createdAt)))
                RETURNING id
                """
            ).first() else { throw DomainError(.invalid, "blacklist entry was not stored") }
            var created = e
            created.id = try row.int64("id")
            return created
        }
    }

    func update(_ e: BlacklistEntry) async throws {
        try await mappingConflicts(field: "pattern") {
            try await db.raw("UPDATE blacklist SET pattern = \(bind: e.pattern), note = \(bind: e.note) WHERE id = \(bind: e.id)").run()
        }
    }

    func delete(_ ids: [Int64]) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await db.raw("DELETE FROM blacklist WHERE id IN (\(binds: ids)) RETURNING id").all().count
    }

    static func entry(_ row: any SQLRow) throws -> BlacklistEntry {
        BlacklistEntry(id: try row.int64("id"), pattern: try row.string("pattern"), note: try row.string("note"), createdAt: try row.date("created_at"))
    }
}

struct SQLDataPackageRepository: DataPackageRepository {
    let db: any SQLDatabase
    let reads: ReaderPool
    let gate: TransactionGate
    var bulk: (any SQLiteDatabase)? = nil
    private static let select: SQLQueryString = """
        SELECT p.id, p.name, p.file_name, p.created_by, u.name AS created_by_name, p.created_at, p.status, p.total, p.imported,
               p.duplicates, p.blacklisted, p.invalid, p.message
        """
    private static let from: SQLQueryString = "FROM data_packages p LEFT JOIN users u ON u.id = p.created_by"

    func list(_ query: ListQuery, createdBy: Int64?) async throws -> Page<DataPackage> {
        var parts: [SQLQueryString] = [createdBy.map { "p.created_by = \(bind: $0)" } ?? "1 = 1"]
        if let text = likeText(["p.name", "p.file_name"], query.q) { parts.append(text) }
        let (rows, total) = try await page(
            reads.any, select: Self.select, from: Self.from, where: parts.joined(separator: " AND "),
            order: try order(query, ["id": "p.id", "createdAt": "p.created_at"], default: "p.id", defaultDescending: true), query
        )
        return Page(items: try rows.map(Self.package), total: total)
    }

    func get(_ id: Int64) async throws -> DataPackage? {
        try await reads.any.raw(Self.select + " " + Self.from + " WHERE p.id = \(bind: id)").first().map(Self.package)
    }

    func create(_ p: DataPackage) async throws -> DataPackage {
        guard let row = try await db.raw(
            """
            INSERT INTO data_packages (name, file_name, created_by, created_at, status, total, imported, duplicates, blacklisted, invalid, message)
            VALUES (\(bind: p.name), \(bind: p.fileName), \(bind: p.createdBy), \(bind: Timestamp.string(p.createdAt)), \(bind: p.status.rawValue),
                    \(bind: p.total), \(bind: p.imported), \(bind: p.duplicates), \(bind: p.blacklisted), \(bind: p.invalid), \(bind: p.message))
            RETURNING id
            """
        ).first() else { throw DomainError(.invalid, "data package was not stored") }
        var created = p
        created.id = try row.int64("id")
        return created
    }

    func update(_ p: DataPackage) async throws {
        try await db.raw(
            """
            UPDATE data_packages SET status = \(bind: p.status.rawValue), total = \(bind: p.total), imported = \(bind: p.imported),
                duplicates = \(bind: p.duplicates), blacklisted = \(bind: p.blacklisted), invalid = \(bind: p.invalid), message = \(bind: p.message)
            WHERE id = \(bind: p.id)
            """
        ).run()
    }

    func appendRows(_ rows: [PackageRow], to packageId: Int64) async throws {
        guard !rows.isEmpty else { return }
        guard let bulk else {
            try await gate.run(on: db) {
                for start in stride(from: 0, to: rows.count, by: 1000) {
                    let values = rows[start..<min(start + 1000, rows.count)].map { r -> SQLQueryString in
                        "(\(bind: packageId), \(bind: r.row), \(bind: r.result.rawValue), \(bind: r.reason), \(bind: Self.encode(r.reasonCode)), \(bind: r.customerId), \(bind: Self.encode(r.values)))"
                    }.joined(separator: ", ")
                    try await db.raw(
                        "INSERT INTO data_package_rows (package_id, row_number, result, reason, reason_code, customer_id, row_values) VALUES " + values
                    ).run()
                }
            }
            return
        }
        // Values built before taking the writer (see SQLCustomerRepository.createMany).
        let chunks = stride(from: 0, to: rows.count, by: 1000).map { start -> (count: Int, binds: [SQLiteData]) in
            let chunk = rows[start..<min(start + 1000, rows.count)]
            var binds: [SQLiteData] = []
            binds.reserveCapacity(chunk.count * 7)
            for r in chunk {
                binds += [
                    .integer(Int(packageId)), .integer(r.row), .text(r.result.rawValue), .text(r.reason), Self.encode(r.reasonCode).map { .text($0) } ?? .null,
                    r.customerId.map { .integer(Int($0)) } ?? .null, .text(r.values.isEmpty ? "{}" : Self.encode(r.values)),
                ]
            }
            return (chunk.count, binds)
        }
        try await gate.run(on: db) {
            for chunk in chunks {
                _ = try await bulk.query(
                    "INSERT INTO data_package_rows (package_id, row_number, result, reason, reason_code, customer_id, row_values) VALUES "
                        + SQLCustomerRepository.placeholders(rows: chunk.count, columns: 7), chunk.binds)
            }
        }
    }

    func rows(of packageId: Int64, result: PackageRow.Result?, query: ListQuery) async throws -> Page<PackageRow> {
        var parts: [SQLQueryString] = ["r.package_id = \(bind: packageId)"]
        if let result { parts.append("r.result = \(bind: result.rawValue)") }
        let (rows, total) = try await page(
            reads.any, select: "SELECT r.row_number, r.result, r.reason, r.reason_code, r.customer_id, r.row_values", from: "FROM data_package_rows r",
            where: parts.joined(separator: " AND "), order: "r.row_number ASC", query
        )
        return Page(
            items: try rows.map { row in
                PackageRow(
                    row: try row.int("row_number"), result: PackageRow.Result(rawValue: try row.string("result")) ?? .invalid,
                    reason: try row.string("reason"), reasonCode: Self.decodeCode(try row.optionalString("reason_code")),
                    customerId: try row.optionalInt64("customer_id"),
                    values: FieldsJSON.decodeStrings(try row.string("row_values"))
                )
            },
            total: total
        )
    }

    static func encode(_ values: [String: String]) -> String { FieldsJSON.encode(values) }

    /// A reason code as one flat JSON object: its values, and the key under
    /// `$key` (no value name starts with `$`).
    static func encode(_ code: MessageCode?) -> String? {
        code.map { FieldsJSON.encode($0.args.merging(["$key": $0.key]) { _, key in key }) }
    }

    static func decodeCode(_ text: String?) -> MessageCode? {
        guard let text else { return nil }
        var args = FieldsJSON.decodeStrings(text)
        guard let key = args.removeValue(forKey: "$key") else { return nil }
        return MessageCode(key, args)
    }

    static func package(_ row: any SQLRow) throws -> DataPackage {
        DataPackage(
            id: try row.int64("id"), name: try row.string("name"), fileName: try row.string("file_name"), createdBy: try row.optionalInt64("created_by"),
            createdByName: try row.optionalString("created_by_name"), createdAt: try row.date("created_at"),
            status: DataPackage.Status(rawValue: try row.string("status")) ?? .failed, total: try row.int("total"),
            imported: try row.int("imported"), duplicates: try row.int("duplicates"), blacklisted: try row.int("blacklisted"),
            invalid: try row.int("invalid"), message: try row.string("message")
        )
    }
}
