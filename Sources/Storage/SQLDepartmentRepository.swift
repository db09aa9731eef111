import CallCenter
import Foundation
import SQLKit

struct SQLDepartmentRepository: DepartmentRepository {
    let db: any SQLDatabase
    let reads: ReaderPool
    private var read: any SQLDatabase { reads.any }

    func all() async throws -> [Department] {
        try await read.select().columns("id", "name", "parent_id", "created_at").from("departments")
            .orderBy("name").orderBy("id").all().map(Self.department)
    }

    func get(_ id: Int64) async throws -> Department? {
        try await read.select().columns("id", "name", "parent_id", "created_at").from("departments")
            .where("id", .equal, id).first().map(Self.department)
    }

    func create(name: String, parentId: Int64?, at: Date) async throws -> Department {
        let row = try await db.insert(into: "departments").columns("name", "parent_id", "created_at")
            .values(SQLBind(name), SQLBind(parentId), SQLBind(Timestamp.string(at)))
            .returning("id").first()
        guard let row else { throw DomainError(.invalid, "department was not stored") }
        return Department(id: try row.int64("id"), name: name, parentId: parentId, createdAt: at)
    }

    func update(_ department: Department) async throws {
        try await db.update("departments").set("name", to: department.name).set("parent_id", to: department.parentId)
            .where("id", .equal, department.id).run()
    }

    func delete(_ id: Int64) async throws {
        try await db.delete(from: "departments").where("id", .equal, id).run()
    }

    static func department(_ row: any SQLRow) throws -> Department {
        Department(id: try row.int64("id"), name: try row.string("name"), parentId: try row.optionalInt64("parent_id"), createdAt: try row.date("created_at"))
    }
}
