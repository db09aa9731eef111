import CallCenter
import Foundation
import SQLKit
import SQLiteKit

/// Customers with their number and search indexes. Queries are written as
/// SQL text with binds: joins and scope subqueries read better that way,
/// and every statement is plain SQL that PostgreSQL runs too.
struct SQLCustomerRepository: CustomerRepository {
    let db: any SQLDatabase
    let reads: ReaderPool
    let gate: TransactionGate
    var bulk: (any SQLiteDatabase)? = nil
    private var read: any SQLDatabase { reads.any }

    static let selectColumns: SQLQueryString =
        "SELECT c.id, c.name, c.phone, c.phones, c.owner_id, u.name AS owner_name, c.fields, c.created_at, c.updated_at FROM customers c LEFT JOIN users u ON u.id = c.owner_id"
    static let sortable = [
        "id": "c.id", "name": "c.name", "phone": "c.phone", "createdAt": "c.created_at", "updatedAt": "c.updated_at", "owner": "u.name",
    ]

    // MARK: reading

    func list(_ query: ListQuery, filter: CustomerFilter) async throws -> Page<Customer> {
        let column = try query.sortColumn(in: Self.sortable) ?? "c.id"
        let conditions = Self.conditions(filter, q: query.q)
        let direction = query.descending ? "DESC" : "ASC"
        let rows = try await read.raw(
            Self.selectColumns + " WHERE " + conditions
                + " ORDER BY \(unsafeRaw: column) \(unsafeRaw: direction), c.id \(unsafeRaw: direction) LIMIT \(literal: query.pageSize) OFFSET \(literal: query.offset)"
        ).all()
        let total = try await read.raw("SELECT COUNT(*) AS n FROM customers c WHERE " + conditions).first()?.int("n") ?? 0
        return Page(items: try rows.map(Self.customer), total: total)
    }

    func get(_ id: Int64, visibility: CustomerVisibility) async throws -> Customer? {
        try await read.raw(Self.selectColumns + " WHERE c.id = \(bind: id) AND " + Self.visible(visibility)).first().map(Self.customer)
    }

    /// The matching ids first (one pass, a few bytes each), then the rows a
    /// batch at a time by primary key: the filter's subqueries run once,
    /// not once per batch, and memory stays bounded by the batch.
    func forEach(filter: CustomerFilter, q: String?, batch: Int, _ body: ([Customer]) async throws -> Void) async throws {
        let collected = IDCollector()
        try await read.raw("SELECT c.id FROM customers c WHERE " + Self.conditions(filter, q: q) + " ORDER BY c.id").run { row in
            if let id = try? row.decode(column: "id", as: Int64.self) { collected.append(id) }
        }
        let ids = collected.ids
        for start in stride(from: 0, to: ids.count, by: batch) {
            let chunk = Array(ids[start..<min(start + batch, ids.count)])
            let rows = try await read.raw(Self.selectColumns + " WHERE c.id IN (\(binds: chunk)) ORDER BY c.id").all()
            try await body(try rows.map(Self.customer))
        }
    }

    final class IDCollector: @unchecked Sendable {
        private let lock = NSLock()
        private var storage: [Int64] = []
        func append(_ id: Int64) { lock.withLock { storage.append(id) } }
        var ids: [Int64] { lock.withLock { storage } }
    }

    func transfers(of customerId: Int64) async throws -> [CustomerTransfer] {
        try await transfers(ofCustomers: [customerId])
    }

    func transfers(ofCustomers ids: [Int64]) async throws -> [CustomerTransfer] {
        guard !ids.isEmpty else { return [] }
        return try await read.raw(
            """
            SELECT t.id, t.customer_id, t.from_user_id, fu.name AS from_name, t.to_user_id, tu.name AS to_name,
                   t.by_user_id, bu.name AS by_name, t.at
            FROM customer_transfers t
            LEFT JOIN users fu ON fu.id = t.from_user_id
            LEFT JOIN users tu ON tu.id = t.to_user_id
            LEFT JOIN users bu ON bu.id = t.by_user_id
            WHERE t.customer_id IN (\(binds: ids)) ORDER BY t.customer_id, t.id
            """
        ).all().map { row in
            CustomerTransfer(
                id: try row.int64("id"), customerId: try row.int64("customer_id"), fromUserId: try row.optionalInt64("from_user_id"),
                fromName: try row.optionalString("from_name"), toUserId: try row.optionalInt64("to_user_id"),
                toName: try row.optionalString("to_name"), byUserId: try row.optionalInt64("by_user_id"),
                byName: try row.optionalString("by_name"), at: try row.date("at")
            )
        }
    }

    func existingNumbers(_ numbers: [String]) async throws -> Set<String> {
        var found = Set<String>()
        for start in stride(from: 0, to: numbers.count, by: 500) {
            let chunk = Array(numbers[start..<min(start + 500, numbers.count)])
            let rows = try await read.raw("SELECT DISTINCT number FROM customer_numbers WHERE number IN (\(binds: chunk))").all()
            for row in rows { found.insert(try row.string("number")) }
        }
        return found
    }

    // MARK: writing

    func create(_ record: CustomerRecord, at: Date) async throws -> Customer {
        let id = try await gate.run(on: db) { try await insert(record, at: at) }
        return Customer(
            id: id, name: record.name, phone: record.phone, phones: record.phones, ownerId: record.ownerId, fields: record.fields,
            createdAt: at, updatedAt: at
        )
    }

    /// Multi-row statements, a few per batch: an import's cost is the rows,
    /// not one round trip per row and index.
    func createMany(_ records: [CustomerRecord], at: Date) async throws -> [Int64] {
        guard !records.isEmpty else { return [] }
        guard let bulk else {
            return try await gate.run(on: db) {
                var ids: [Int64] = []
                for record in records { ids.append(try await insert(record, at: at)) }
                return ids
            }
        }
        let stamp = SQLiteData.text(Timestamp.string(at))
        // The statements' values are built before taking the writer, so the
        // next batch is encoded while this one's rows go into SQLite.
        let chunks = stride(from: 0, to: records.count, by: 500).map { start -> (count: Int, binds: [SQLiteData], records: ArraySlice<CustomerRecord>) in
            let chunk = records[start..<min(start + 500, records.count)]
            var binds: [SQLiteData] = []
            binds.reserveCapacity(chunk.count * 9)
            for r in chunk {
                binds += [
                    .text(r.name), .text(r.phone), .text(JSONColumn.encode(r.phones)), r.ownerId.map { .integer(Int($0)) } ?? .null,
                    .text(Self.encode(r.fields)), .text(r.searchText), r.packageId.map { .integer(Int($0)) } ?? .null, stamp, stamp,
                ]
            }
            return (chunk.count, binds, chunk)
        }
        return try await gate.run(on: db) {
            var ids: [Int64] = []
            ids.reserveCapacity(records.count)
            for chunk in chunks {
                _ = try await bulk.query(
                    "INSERT INTO customers (name, phone, phones, owner_id, fields, search_text, package_id, created_at, updated_at) VALUES "
                        + Self.placeholders(rows: chunk.count, columns: 9),
                    chunk.binds
                )
                // One statement on the one writer inside a transaction: its rows took
                // consecutive ids ending at the last one (no 500 RETURNING rows to decode).
                guard let last = try await bulk.query("SELECT last_insert_rowid() AS id", []).first?.column("id")?.integer else {
                    throw DomainError(.invalid, "customers were not stored")
                }
                let chunkIds = (0..<chunk.count).map { Int64(last - chunk.count + 1 + $0) }
                ids += chunkIds
                var numbers: [SQLiteData] = []
                var searchValues: [SQLiteData] = []
                for (id, record) in zip(chunkIds, chunk.records) {
                    for number in record.numbers { numbers += [.text(number), .integer(Int(id))] }
                    for (key, value) in record.searchValues { searchValues += [.text(key), .text(value), .integer(Int(id))] }
                }
                for part in stride(from: 0, to: numbers.count, by: 4000) {
                    let slice = Array(numbers[part..<min(part + 4000, numbers.count)])
                    _ = try await bulk.query(
                        "INSERT INTO customer_numbers (number, customer_id) VALUES " + Self.placeholders(rows: slice.count / 2, columns: 2), slice)
                }
                for part in stride(from: 0, to: searchValues.count, by: 6000) {
                    let slice = Array(searchValues[part..<min(part + 6000, searchValues.count)])
                    _ = try await bulk.query(
                        "INSERT INTO customer_values (field_key, value, customer_id) VALUES " + Self.placeholders(rows: slice.count / 3, columns: 3), slice)
                }
            }
            return ids
        }
    }

    /// `(?, ?), (?, ?)` for a multi-row VALUES list.
    static func placeholders(rows: Int, columns: Int) -> String {
        let row = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
        return Array(repeating: row, count: rows).joined(separator: ", ")
    }

    private func insert(_ record: CustomerRecord, at: Date) async throws -> Int64 {
        let stamp = Timestamp.string(at)
        guard let row = try await db.raw(
            """
            INSERT INTO customers (name, phone, phones, owner_id, fields, search_text, package_id, created_at, updated_at)
            VALUES (\(bind: record.name), \(bind: record.phone), \(bind: JSONColumn.encode(record.phones)), \(bind: record.ownerId),
                    \(bind: Self.encode(record.fields)), \(bind: record.searchText), \(bind: record.packageId), \(bind: stamp), \(bind: stamp))
            RETURNING id
            """
        ).first() else { throw DomainError(.invalid, "customer was not stored") }
        let id = try row.int64("id")
        try await writeIndexes(id, record)
        return id
    }

    private func writeIndexes(_ id: Int64, _ record: CustomerRecord) async throws {
        if !record.numbers.isEmpty {
            let values = record.numbers.map { "(\(bind: $0), \(bind: id))" as SQLQueryString }.joined(separator: ", ")
            try await db.raw("INSERT INTO customer_numbers (number, customer_id) VALUES " + values).run()
        }
        if !record.searchValues.isEmpty {
            let values = record.searchValues.sorted { $0.key < $1.key }
                .map { "(\(bind: $0.key), \(bind: $0.value), \(bind: id))" as SQLQueryString }.joined(separator: ", ")
            try await db.raw("INSERT INTO customer_values (field_key, value, customer_id) VALUES " + values).run()
        }
    }

    func update(_ id: Int64, _ record: CustomerRecord, at: Date) async throws {
        try await gate.run(on: db) {
            try await db.raw(
                """
                UPDATE customers SET name = \(bind: record.name), phone = \(bind: record.phone), phones = \(bind: JSONColumn.encode(record.phones)),
                    fields = \(bind: Self.encode(record.fields)), search_text = \(bind: record.searchText), updated_at = \(bind: Timestamp.string(at))
                WHERE id = \(bind: id)
                """
            ).run()
            try await db.raw("DELETE FROM customer_numbers WHERE customer_id = \(bind: id)").run()
            try await db.raw("DELETE FROM customer_values WHERE customer_id = \(bind: id)").run()
            try await writeIndexes(id, record)
        }
    }

    func delete(_ ids: [Int64]) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await gate.run(on: db) {
            var deleted = 0
            for start in stride(from: 0, to: ids.count, by: 500) {
                let chunk = Array(ids[start..<min(start + 500, ids.count)])
                deleted += try await db.raw("DELETE FROM customers WHERE id IN (\(binds: chunk)) RETURNING id").all().count
            }
            return deleted
        }
    }

    func transfer(_ ids: [Int64], to owner: Int64?, by: Int64?, visibility: CustomerVisibility, at: Date) async throws -> [Int64] {
        guard !ids.isEmpty else { return [] }
        return try await gate.run(on: db) {
            var moved: [Int64] = []
            let stamp = Timestamp.string(at)
            for start in stride(from: 0, to: ids.count, by: 500) {
                let chunk = Array(ids[start..<min(start + 500, ids.count)])
                let rows = try await db.raw(
                    "SELECT c.id, c.owner_id FROM customers c WHERE c.id IN (\(binds: chunk)) AND " + Self.visible(visibility)
                ).all()
                for row in rows {
                    let id = try row.int64("id")
                    let from = try row.optionalInt64("owner_id")
                    guard from != owner else { continue }
                    try await db.raw("UPDATE customers SET owner_id = \(bind: owner), updated_at = \(bind: stamp) WHERE id = \(bind: id)").run()
                    try await db.raw(
                        """
                        INSERT INTO customer_transfers (customer_id, from_user_id, to_user_id, by_user_id, at)
                        VALUES (\(bind: id), \(bind: from), \(bind: owner), \(bind: by), \(bind: stamp))
                        """
                    ).run()
                    moved.append(id)
                }
            }
            return moved
        }
    }

    func claim(_ id: Int64, for userId: Int64, at: Date) async throws -> Bool {
        try await gate.run(on: db) {
            let stamp = Timestamp.string(at)
            // One statement decides: only a row still in the pool changes hands.
            let won = try await db.raw(
                "UPDATE customers SET owner_id = \(bind: userId), updated_at = \(bind: stamp) WHERE id = \(bind: id) AND owner_id IS NULL RETURNING id"
            ).first() != nil
            if won {
                try await db.raw(
                    """
                    INSERT INTO customer_transfers (customer_id, from_user_id, to_user_id, by_user_id, at)
                    VALUES (\(bind: id), NULL, \(bind: userId), \(bind: userId), \(bind: stamp))
                    """
                ).run()
            }
            return won
        }
    }

    // MARK: SQL pieces

    /// The scope as a condition on `customers c`: the pool is always visible.
    static func visible(_ visibility: CustomerVisibility) -> SQLQueryString {
        switch visibility {
        case .all:
            return "1 = 1"
        case .own(let me):
            return "(c.owner_id IS NULL OR c.owner_id = \(bind: me))"
        case .departments(let ids, let me):
            guard !ids.isEmpty else { return "(c.owner_id IS NULL OR c.owner_id = \(bind: me))" }
            return "(c.owner_id IS NULL OR c.owner_id = \(bind: me) OR c.owner_id IN (SELECT id FROM users WHERE department_id IN (\(binds: ids.sorted()))))"
        }
    }

    static func conditions(_ filter: CustomerFilter, q: String?) -> SQLQueryString {
        var parts: [SQLQueryString] = [visible(filter.visibility)]
        switch filter.owner {
        case .any: break
        case .pool: parts.append("c.owner_id IS NULL")
        case .user(let id): parts.append("c.owner_id = \(bind: id)")
        }
        if let phone = filter.phone {
            parts.append("c.id IN (SELECT customer_id FROM customer_numbers WHERE number = \(bind: phone))")
        }
        for (key, prefix) in filter.fields.sorted(by: { $0.key < $1.key }) {
            // A range on the (field_key, value) index: a prefix match without a scan.
            parts.append(
                "c.id IN (SELECT customer_id FROM customer_values WHERE field_key = \(bind: key) AND value >= \(bind: prefix) AND value < \(bind: prefix + "\u{10FFFF}"))"
            )
        }
        if let ids = filter.ids {
            parts.append(ids.isEmpty ? "1 = 0" : "c.id IN (\(binds: ids))")
        }
        if let q = q?.trimmedWhitespace(), !q.isEmpty {
            let text = PhoneNumber.isPlausible(q) ? PhoneNumber.normalize(q) : q.lowercased()
            let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_")
            parts.append("c.search_text LIKE \(bind: "%" + escaped + "%") ESCAPE '\\'")
        }
        return parts.joined(separator: " AND ")
    }

    static func encode(_ fields: [String: FieldValue]) -> String { FieldsJSON.encode(fields) }

    static func decodeFields(_ text: String) -> [String: FieldValue] { FieldsJSON.decode(text) }

    static func customer(_ row: any SQLRow) throws -> Customer {
        Customer(
            id: try row.int64("id"), name: try row.string("name"), phone: try row.string("phone"),
            phones: JSONColumn.decode(try row.string("phones")), ownerId: try row.optionalInt64("owner_id"),
            ownerName: try row.optionalString("owner_name"), fields: decodeFields(try row.string("fields")),
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at")
        )
    }
}
