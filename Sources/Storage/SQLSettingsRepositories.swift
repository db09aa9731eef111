import CallCenter
import Foundation
import SQLKit

struct SQLCustomerFieldRepository: CustomerFieldRepository {
    let db: any SQLDatabase
    private static let columns = ["id", "key", "label", "type", "required", "searchable", "listed", "options", "position"]

    func all() async throws -> [CustomerField] {
        try await db.select().columns(Self.columns).from("customer_fields").orderBy("position").orderBy("id").all().map(Self.field)
    }

    func get(_ id: Int64) async throws -> CustomerField? {
        try await db.select().columns(Self.columns).from("customer_fields").where("id", .equal, id).first().map(Self.field)
    }

    func findByKey(_ key: String) async throws -> CustomerField? {
        try await db.select().columns(Self.columns).from("customer_fields").where("key", .equal, key).first().map(Self.field)
    }

    func create(_ field: CustomerField) async throws -> CustomerField {
        try await mappingConflicts(field: "key") {
            let row = try await db.insert(into: "customer_fields")
                .columns("key", "label", "type", "required", "searchable", "listed", "options", "position")
                .values(
                    SQLBind(field.key), SQLBind(field.label), SQLBind(field.type.rawValue), SQLBind(field.required),
                    SQLBind(field.searchable), SQLBind(field.listed), SQLBind(JSONColumn.encode(field.options)), SQLBind(field.order)
                )
                .returning("id").first()
            guard let row else { throw DomainError(.invalid, "field was not stored") }
            var created = field
            created.id = try row.int64("id")
            return created
        }
    }

    func update(_ field: CustomerField) async throws {
        try await db.update("customer_fields").set("label", to: field.label).set("type", to: field.type.rawValue)
            .set("required", to: field.required).set("searchable", to: field.searchable).set("listed", to: field.listed)
            .set("options", to: JSONColumn.encode(field.options)).set("position", to: field.order)
            .where("id", .equal, field.id).run()
    }

    func delete(_ id: Int64) async throws {
        try await db.delete(from: "customer_fields").where("id", .equal, id).run()
    }

    static func field(_ row: any SQLRow) throws -> CustomerField {
        CustomerField(
            id: try row.int64("id"), key: try row.string("key"), label: try row.string("label"),
            type: CustomerFieldType(rawValue: try row.string("type")) ?? .text, required: try row.bool("required"),
            searchable: try row.bool("searchable"), listed: try row.bool("listed"),
            options: JSONColumn.decode(try row.string("options")), order: try row.int("position")
        )
    }
}

struct SQLFollowUpStatusRepository: FollowUpStatusRepository {
    let db: any SQLDatabase

    func all() async throws -> [FollowUpStatus] {
        try await db.select().columns("id", "name", "color", "position").from("follow_up_statuses")
            .orderBy("position").orderBy("id").all().map(Self.status)
    }

    func get(_ id: Int64) async throws -> FollowUpStatus? {
        try await db.select().columns("id", "name", "color", "position").from("follow_up_statuses")
            .where("id", .equal, id).first().map(Self.status)
    }

    func findByName(_ name: String) async throws -> FollowUpStatus? {
        try await db.select().columns("id", "name", "color", "position").from("follow_up_statuses")
            .where("name", .equal, name).first().map(Self.status)
    }

    func create(_ status: FollowUpStatus) async throws -> FollowUpStatus {
        try await mappingConflicts(field: "name") {
            let row = try await db.insert(into: "follow_up_statuses").columns("name", "color", "position")
                .values(SQLBind(status.name), SQLBind(status.color), SQLBind(status.order)).returning("id").first()
            guard let row else { throw DomainError(.invalid, "status was not stored") }
            var created = status
            created.id = try row.int64("id")
            return created
        }
    }

    func update(_ status: FollowUpStatus) async throws {
        try await mappingConflicts(field: "name") {
            try await db.update("follow_up_statuses").set("name", to: status.name).set("color", to: status.color)
                .set("position", to: status.order).where("id", .equal, status.id).run()
        }
    }

    func delete(_ id: Int64) async throws {
        try await db.delete(from: "follow_up_statuses").where("id", .equal, id).run()
    }

    static func status(_ row: any SQLRow) throws -> FollowUpStatus {
        FollowUpStatus(id: try row.int64("id"), name: try row.string("name"), color: try row.string("color"), order: try row.int("position"))
    }
}

/// The logo lives as one file under `DATA/branding/`, so a backup of the
/// data folder carries it.
struct FileLogoStore: LogoStore {
    let directory: String
    private static let extensions = ["image/png": "png", "image/jpeg": "jpg", "image/svg+xml": "svg"]

    func load() async throws -> Logo? {
        for (type, ext) in Self.extensions {
            let path = directory + "/logo." + ext
            if let data = FileManager.default.contents(atPath: path) { return Logo(contentType: type, bytes: Array(data)) }
        }
        return nil
    }

    func exists() -> Bool {
        Self.extensions.values.contains { FileManager.default.fileExists(atPath: directory + "/logo." + $0) }
    }

    func save(_ logo: Logo) async throws {
        guard let ext = Self.extensions[logo.contentType] else { throw DomainError.invalid("contentType", "unsupported image type") }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try await remove()
        try Data(logo.bytes).write(to: URL(fileURLWithPath: directory + "/logo." + ext), options: .atomic)
    }

    func remove() async throws {
        for ext in Self.extensions.values {
            let path = directory + "/logo." + ext
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        }
    }
}
