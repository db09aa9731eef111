import Foundation

/// Input rules shared by every writer of organization and settings data.
public enum Validate {
    public static func name(_ value: String, field: String = "name", max: Int = 100) throws -> String {
        let trimmed = value.trimmedWhitespace()
        guard !trimmed.isEmpty else {
            throw DomainError(.missing, "\(field) must not be empty", field: field, code: MessageCode("empty", ["field": field]))
        }
        // Counting bytes first: characters never outnumber them, and counting graphemes is slow.
        guard trimmed.utf8.count <= max || trimmed.count <= max else {
            throw DomainError.invalid(field, "\(field) is longer than \(max) characters", code: MessageCode("tooLong", ["field": field, "max": String(max)]))
        }
        // The control characters (Cc) are exactly U+0000–001F and U+007F–009F.
        guard !trimmed.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) else {
            throw DomainError.invalid(field, "\(field) contains control characters", code: MessageCode("controlCharacters", ["field": field]))
        }
        return trimmed
    }

    public static func username(_ value: String) throws -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@-")
        guard !value.isEmpty else { throw DomainError(.missing, "username must not be empty", field: "username") }
        guard value.count <= 64, value.allSatisfy(allowed.contains) else {
            throw DomainError.invalid("username", "username may hold 1–64 letters, digits and . _ @ -")
        }
        return value
    }

    public static func extensionNumber(_ value: String?) throws -> String? {
        guard let value, !value.isEmpty else { return nil }
        guard (2...10).contains(value.count), value.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw DomainError.invalid("extension", "extension must be 2–10 digits")
        }
        return value
    }

    public static func newPassword(_ password: String, username: String, current: String? = nil) throws {
        let field = "newPassword"
        guard password.count >= 8 else { throw DomainError.invalid(field, "password must have at least 8 characters") }
        guard password.utf8.count <= 72 else {
            // bcrypt only reads 72 bytes; longer ones would silently share a hash.
            throw DomainError.invalid(field, "password must be at most 72 bytes")
        }
        guard password.lowercased() != username.lowercased() else {
            throw DomainError.invalid(field, "password must differ from the username")
        }
        if let current, current == password {
            throw DomainError.invalid(field, "the new password must differ from the current one")
        }
    }

    public static func fieldKey(_ key: String) throws -> String {
        let first = Set("abcdefghijklmnopqrstuvwxyz")
        let rest = first.union("0123456789_")
        guard let head = key.first else { throw DomainError(.missing, "key must not be empty", field: "key") }
        guard key.count <= 32, first.contains(head), key.dropFirst().allSatisfy(rest.contains) else {
            throw DomainError.invalid("key", "key must match [a-z][a-z0-9_]{0,31}")
        }
        return key
    }

    public static func color(_ value: String) throws -> String {
        let hex = Set("0123456789abcdefABCDEF")
        guard value.count == 7, value.first == "#", value.dropFirst().allSatisfy(hex.contains) else {
            throw DomainError.invalid("color", "color must be #rrggbb")
        }
        return value.lowercased()
    }
}
