import CallCenter
import Foundation

/// Wire forms of the domain objects. Nullable fields are written as `null`
/// rather than left out, so clients see every key.
struct UserBody: Encodable {
    let user: User
    var temporaryPassword: String? = nil

    enum Keys: String, CodingKey {
        case id, username, name, roleIds, departmentId, `extension`, mustChangePassword, isAdmin, createdAt, temporaryPassword
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(user.id, forKey: .id)
        try c.encode(user.username, forKey: .username)
        try c.encode(user.name, forKey: .name)
        try c.encode(user.roleIds, forKey: .roleIds)
        try c.encode(user.departmentId, forKey: .departmentId)
        try c.encode(user.extension, forKey: .extension)
        try c.encode(user.mustChangePassword, forKey: .mustChangePassword)
        try c.encode(user.isAdmin, forKey: .isAdmin)
        try c.encode(user.createdAt, forKey: .createdAt)
        if let temporaryPassword { try c.encode(temporaryPassword, forKey: .temporaryPassword) }
    }

    static let schema: Schema = .object(
        [
            ("id", .integer), ("username", .string()), ("name", .string()), ("roleIds", .array(.integer)),
            ("departmentId", .nullable(.integer)), ("extension", .nullable(.string())), ("mustChangePassword", .boolean),
            ("isAdmin", .boolean), ("createdAt", .string(format: "date-time")),
            ("temporaryPassword", .string()),
        ],
        required: ["id", "username", "name", "roleIds", "departmentId", "extension", "mustChangePassword", "isAdmin", "createdAt"]
    )
}

struct MeBody: Encodable {
    let principal: Principal
    let departmentName: String?

    enum Keys: String, CodingKey { case user, permissions, dataScope, departmentName }

    func encode(to encoder: any Encoder) throws {
        try UserBody(user: principal.user).encode(to: encoder)
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(Permission.catalogue.map(\.key).filter(principal.permissions.contains), forKey: .permissions)
        try c.encode(principal.dataScope, forKey: .dataScope)
        try c.encode(departmentName, forKey: .departmentName)
    }

    static let schema: Schema = .object(
        [
            ("id", .integer), ("username", .string()), ("name", .string()), ("roleIds", .array(.integer)),
            ("departmentId", .nullable(.integer)), ("extension", .nullable(.string())), ("mustChangePassword", .boolean),
            ("isAdmin", .boolean), ("createdAt", .string(format: "date-time")),
            ("permissions", .array(.string())), ("dataScope", .string(values: DataScope.allCases.map(\.rawValue))),
            ("departmentName", .nullable(.string())),
        ],
        required: ["id", "username", "permissions", "dataScope"]
    )
}

struct DepartmentBody: Encodable {
    let department: Department

    enum Keys: String, CodingKey { case id, name, parentId, createdAt }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(department.id, forKey: .id)
        try c.encode(department.name, forKey: .name)
        try c.encode(department.parentId, forKey: .parentId)
        try c.encode(department.createdAt, forKey: .createdAt)
    }

    static let schema: Schema = .object(
        [("id", .integer), ("name", .string()), ("parentId", .nullable(.integer)), ("createdAt", .string(format: "date-time"))],
        required: ["id", "name", "parentId", "createdAt"]
    )
}

struct AuditBody: Encodable {
    let entry: AuditEntry

    enum Keys: String, CodingKey { case id, at, actorId, actorName, action, target, address, detail }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(entry.id, forKey: .id)
        try c.encode(entry.at, forKey: .at)
        try c.encode(entry.actorId, forKey: .actorId)
        try c.encode(entry.actorName, forKey: .actorName)
        try c.encode(entry.action, forKey: .action)
        try c.encode(entry.target, forKey: .target)
        try c.encode(entry.address, forKey: .address)
        try c.encode(entry.detail, forKey: .detail)
    }

    static let schema: Schema = .object(
        [
            ("id", .integer), ("at", .string(format: "date-time")), ("actorId", .nullable(.integer)), ("actorName", .string()),
            ("action", .string()), ("target", .string()), ("address", .string()), ("detail", .string()),
        ],
        required: ["id", "at", "actorId", "actorName", "action", "target", "address", "detail"]
    )
}

struct ListBody<Item: Encodable>: Encodable {
    let items: [Item]
    let total: Int
}

extension Role {
    static let schema: Schema = .object(
        [
            ("id", .integer), ("name", .string()), ("permissions", .array(.string())),
            ("dataScope", .string(values: DataScope.allCases.map(\.rawValue))), ("builtin", .boolean),
        ],
        required: ["id", "name", "permissions", "dataScope", "builtin"]
    )
}

extension CustomerField {
    static let schema: Schema = .object(
        [
            ("id", .integer), ("key", .string()), ("label", .string()),
            ("type", .string(values: CustomerFieldType.allCases.map(\.rawValue))), ("required", .boolean),
            ("searchable", .boolean), ("listed", .boolean), ("options", .array(.string())), ("order", .integer),
        ],
        required: ["id", "key", "label", "type", "required", "searchable", "listed", "options", "order"]
    )
}

extension FollowUpStatus {
    static let schema: Schema = .object(
        [("id", .integer), ("name", .string()), ("color", .string()), ("order", .integer)],
        required: ["id", "name", "color", "order"]
    )
}

enum ErrorSchema {
    static let schema: Schema = .object(
        [("error", .object([("code", .string()), ("message", .string()), ("field", .string())], required: ["code", "message"]))],
        required: ["error"]
    )
}
