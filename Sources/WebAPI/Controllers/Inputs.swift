import CallCenter
import Foundation

/// Request bodies. Update bodies are partial: an absent key keeps the
/// stored value, `null` clears a nullable one.
struct LoginInput: Decodable, Sendable {
    let username: String
    let password: String
    static let schema: Schema = .object([("username", .string()), ("password", .string())], required: ["username", "password"])
}

struct PasswordChangeInput: Decodable, Sendable {
    let currentPassword: String
    let newPassword: String
    static let schema: Schema = .object([("currentPassword", .string()), ("newPassword", .string())], required: ["currentPassword", "newPassword"])
}

struct DepartmentInput: Decodable, Sendable {
    let name: String?
    let parentId: Patch<Int64>

    enum CodingKeys: String, CodingKey { case name, parentId }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        parentId = try c.decodePatch(Int64.self, forKey: .parentId)
    }

    static let schema: Schema = .object([("name", .string(maxLength: 100)), ("parentId", .nullable(.integer))], required: ["name"])
}

struct RoleInput: Decodable, Sendable {
    let name: String?
    let permissions: [String]?
    let dataScope: DataScope?

    static let schema: Schema = .object(
        [("name", .string(maxLength: 100)), ("permissions", .array(.string())), ("dataScope", .string(values: DataScope.allCases.map(\.rawValue)))],
        required: ["name"]
    )
}

struct UserInputBody: Decodable, Sendable {
    let input: UserInput

    enum CodingKeys: String, CodingKey { case username, name, roleIds, departmentId, `extension`, password }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        input = UserInput(
            username: try c.decodeIfPresent(String.self, forKey: .username),
            name: try c.decodeIfPresent(String.self, forKey: .name),
            roleIds: try c.decodeIfPresent([Int64].self, forKey: .roleIds),
            departmentId: try c.decodePatch(Int64.self, forKey: .departmentId).asDoubleOptional,
            extension: try c.decodePatch(String.self, forKey: .extension).asDoubleOptional,
            password: try c.decodeIfPresent(String.self, forKey: .password)
        )
    }

    static let schema: Schema = .object(
        [
            ("username", .string(maxLength: 64)), ("name", .string(maxLength: 100)), ("roleIds", .array(.integer)),
            ("departmentId", .nullable(.integer)), ("extension", .nullable(.string(maxLength: 10))), ("password", .string()),
        ],
        required: ["username"]
    )
}

struct CustomerFieldInputBody: Decodable, Sendable {
    let input: CustomerFieldInput

    enum CodingKeys: String, CodingKey { case key, label, type, required, searchable, listed, options, order }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        input = CustomerFieldInput(
            key: try c.decodeIfPresent(String.self, forKey: .key),
            label: try c.decodeIfPresent(String.self, forKey: .label),
            type: try c.decodeIfPresent(CustomerFieldType.self, forKey: .type),
            required: try c.decodeIfPresent(Bool.self, forKey: .required),
            searchable: try c.decodeIfPresent(Bool.self, forKey: .searchable),
            listed: try c.decodeIfPresent(Bool.self, forKey: .listed),
            options: try c.decodeIfPresent([String].self, forKey: .options),
            order: try c.decodeIfPresent(Int.self, forKey: .order)
        )
    }

    static let schema: Schema = .object(
        [
            ("key", .string(maxLength: 32)), ("label", .string(maxLength: 100)),
            ("type", .string(values: CustomerFieldType.allCases.map(\.rawValue))), ("required", .boolean),
            ("searchable", .boolean), ("listed", .boolean), ("options", .array(.string())), ("order", .integer),
        ],
        required: ["key", "label", "type"]
    )
}

struct FollowUpStatusInput: Decodable, Sendable {
    let name: String?
    let color: String?
    let order: Int?

    static let schema: Schema = .object(
        [("name", .string(maxLength: 50)), ("color", .string()), ("order", .integer)], required: ["name"]
    )
}
