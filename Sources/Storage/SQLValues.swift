import CallCenter
import Foundation
import SQLKit

/// Timestamps are stored as fixed-width RFC 3339 UTC text: portable between
/// SQLite and PostgreSQL, sortable as text, readable in a SQL shell.
enum Timestamp {
    static func string(_ date: Date) -> String { RFC3339.string(date) }

    static func date(_ text: String) -> Date {
        RFC3339.date(text) ?? (try? Date(text, strategy: .iso8601)) ?? Date(timeIntervalSince1970: 0)
    }
}

enum JSONColumn {
    /// A JSON array of strings, written by hand (this runs once per imported customer).
    static func encode(_ strings: [String]) -> String {
        guard !strings.isEmpty else { return "[]" }
        var out = "["
        for (index, string) in strings.enumerated() {
            if index > 0 { out += "," }
            FieldsJSON.appendString(string, to: &out)
        }
        return out + "]"
    }

    static func decode(_ text: String) -> [String] {
        var parser = FieldsJSON.Parser(bytes: Array(text.utf8))
        guard case .list(let items)? = try? parser.value() else { return [] }
        return items
    }
}

extension SQLRow {
    func int64(_ column: String) throws -> Int64 { try decode(column: column, as: Int64.self) }
    func optionalInt64(_ column: String) throws -> Int64? { try decode(column: column, as: Int64?.self) }
    func string(_ column: String) throws -> String { try decode(column: column, as: String.self) }
    func optionalString(_ column: String) throws -> String? { try decode(column: column, as: String?.self) }
    func bool(_ column: String) throws -> Bool { try decode(column: column, as: Bool.self) }
    func int(_ column: String) throws -> Int { try decode(column: column, as: Int.self) }
    func date(_ column: String) throws -> Date { Timestamp.date(try string(column)) }
}

/// `LOWER(col) LIKE LOWER(?) ESCAPE '\'` with the user's text taken literally.
struct ContainsText: SQLExpression {
    let column: String
    let text: String

    func serialize(to serializer: inout SQLSerializer) {
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
        serializer.write("LOWER(")
        SQLIdentifier(column).serialize(to: &serializer)
        serializer.write(") LIKE LOWER(")
        SQLBind("%" + escaped + "%").serialize(to: &serializer)
        serializer.write(") ESCAPE '\\'")
    }
}

/// `col LIKE ? ESCAPE '\'` on a column that already holds lower-cased text.
struct ContainsLowercasedText: SQLExpression {
    let column: String
    let text: String

    func serialize(to serializer: inout SQLSerializer) {
        let escaped = text.lowercased().replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
        SQLIdentifier(column).serialize(to: &serializer)
        serializer.write(" LIKE ")
        SQLBind("%" + escaped + "%").serialize(to: &serializer)
        serializer.write(" ESCAPE '\\'")
    }
}

extension SQLSelectBuilder {
    /// Adds `(col1 LIKE …) OR (col2 LIKE …)` for a free-text search.
    func whereAnyContains(_ columns: [String], _ text: String?) -> Self {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return self }
        return self.where(group: { group in
            for column in columns { _ = group.orWhere(ContainsText(column: column, text: text)) }
            return group
        })
    }

    func paged(_ query: ListQuery, sortable: [String: String], defaultSort: String) throws -> Self {
        let column = try query.sortColumn(in: sortable) ?? defaultSort
        return self.orderBy(column, query.descending ? .descending : .ascending)
            .orderBy("id", .ascending)
            .limit(query.pageSize)
            .offset(query.offset)
    }
}

/// Unique-constraint violations become the domain's `conflict`, whatever the driver.
func mappingConflicts<T>(field: String, _ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as DomainError {
        throw error
    } catch {
        let text = String(describing: error)
        if text.localizedCaseInsensitiveContains("unique") {
            throw DomainError(.conflict, "\(field) is already taken", field: field)
        }
        throw error
    }
}
