import Foundation

/// Who is acting and from where: what every audited write needs.
public struct Actor: Sendable {
    public var principal: Principal
    public var address: String

    public init(principal: Principal, address: String) {
        self.principal = principal
        self.address = address
    }
}

/// Hashes and checks passwords; bcrypt at the edge, anything in tests.
public protocol PasswordHasher: Sendable {
    func hash(_ password: String) async throws -> String
    func verify(_ password: String, hash: String) async throws -> Bool
}

public enum TemporaryPassword {
    private static let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")

    /// 14 characters from an unambiguous alphabet (~80 bits), easy to read out over the phone.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<14).map { _ in alphabet.randomElement(using: &generator)! })
    }
}

/// Writes audit entries; failures to audit are logged, never swallowed silently.
public struct AuditTrail: Sendable {
    let repository: any AuditRepository
    let now: @Sendable () -> Date

    public init(repository: any AuditRepository, now: @escaping @Sendable () -> Date = Date.init) {
        self.repository = repository
        self.now = now
    }

    public func record(
        _ action: String, target: String, detail: String = "", actor: Actor?, address: String? = nil,
        actorName: String? = nil
    ) async throws {
        try await repository.append(
            AuditEntry(
                id: 0, at: now(), actorId: actor?.principal.userId,
                actorName: actorName ?? actor?.principal.user.username ?? "",
                action: action, target: target, address: address ?? actor?.address ?? "", detail: detail
            )
        )
    }
}
