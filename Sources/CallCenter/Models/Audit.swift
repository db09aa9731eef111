import Foundation

/// One line of the audit log: who did what to what, from where.
public struct AuditEntry: Sendable, Equatable, Codable {
    public var id: Int64
    public var at: Date
    public var actorId: Int64?
    public var actorName: String
    public var action: String
    public var target: String
    public var address: String
    public var detail: String

    public init(
        id: Int64, at: Date, actorId: Int64?, actorName: String, action: String,
        target: String, address: String, detail: String
    ) {
        self.id = id
        self.at = at
        self.actorId = actorId
        self.actorName = actorName
        self.action = action
        self.target = target
        self.address = address
        self.detail = detail
    }
}

/// A signed-in browser or API client. Only the token's hash is stored.
public struct Session: Sendable, Equatable {
    public var tokenHash: String
    public var userId: Int64
    public var createdAt: Date
    public var expiresAt: Date
    public var lastSeenAt: Date
    public var address: String

    public init(tokenHash: String, userId: Int64, createdAt: Date, expiresAt: Date, lastSeenAt: Date, address: String) {
        self.tokenHash = tokenHash
        self.userId = userId
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.lastSeenAt = lastSeenAt
        self.address = address
    }
}
