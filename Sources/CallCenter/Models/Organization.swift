import Foundation

public struct Department: Sendable, Equatable, Codable {
    public var id: Int64
    public var name: String
    public var parentId: Int64?
    public var createdAt: Date

    public init(id: Int64, name: String, parentId: Int64?, createdAt: Date) {
        self.id = id
        self.name = name
        self.parentId = parentId
        self.createdAt = createdAt
    }
}

public struct Role: Sendable, Equatable, Codable {
    public var id: Int64
    public var name: String
    public var permissions: [String]
    public var dataScope: DataScope
    /// The built-in administrator role: every permission, all data, immutable.
    public var builtin: Bool

    public init(id: Int64, name: String, permissions: [String], dataScope: DataScope, builtin: Bool) {
        self.id = id
        self.name = name
        self.permissions = permissions
        self.dataScope = dataScope
        self.builtin = builtin
    }
}

public struct User: Sendable, Equatable, Codable {
    public var id: Int64
    public var username: String
    public var name: String
    public var roleIds: [Int64]
    public var departmentId: Int64?
    public var `extension`: String?
    public var mustChangePassword: Bool
    /// The initial `admin` account: all rights, cannot be deleted.
    public var isAdmin: Bool
    public var createdAt: Date

    public init(
        id: Int64, username: String, name: String, roleIds: [Int64], departmentId: Int64?,
        extension: String?, mustChangePassword: Bool, isAdmin: Bool, createdAt: Date
    ) {
        self.id = id
        self.username = username
        self.name = name
        self.roleIds = roleIds
        self.departmentId = departmentId
        self.extension = `extension`
        self.mustChangePassword = mustChangePassword
        self.isAdmin = isAdmin
        self.createdAt = createdAt
    }
}

/// A user holding a role: whose rights change when the role does.
public struct RoleHolder: Sendable, Equatable {
    public var userId: Int64
    public var departmentId: Int64?

    public init(userId: Int64, departmentId: Int64?) {
        self.userId = userId
        self.departmentId = departmentId
    }
}
