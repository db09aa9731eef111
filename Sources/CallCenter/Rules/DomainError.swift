/// A business rule said no. The web edge maps `kind` to an HTTP status and
/// the CONTRACT.md error body; the domain never speaks HTTP.
public struct DomainError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        case invalid
        /// A list query parameter (`sort`, `page`, …) is malformed.
        case invalidQuery
        case missing
        case unauthenticated
        case invalidCredentials
        case forbidden
        case outOfScope
        case passwordChangeRequired
        case notFound
        case conflict
        case departmentNotEmpty
        case departmentCycle
        case inUse
        case protected
        case tooManyAttempts(retryAfterSeconds: Int)
    }

    public var kind: Kind
    public var message: String
    public var field: String?
    /// The message as a catalogue key, where the web application shows it
    /// translated (import results); nil elsewhere.
    public var code: MessageCode?

    public init(_ kind: Kind, _ message: String, field: String? = nil, code: MessageCode? = nil) {
        self.kind = kind
        self.message = message
        self.field = field
        self.code = code
    }

    public var description: String { "\(kind): \(message)" + (field.map { " (\($0))" } ?? "") }

    public static func invalid(_ field: String, _ message: String, code: MessageCode? = nil) -> DomainError {
        DomainError(.invalid, message, field: field, code: code)
    }

    public static func notFound(_ what: String) -> DomainError {
        DomainError(.notFound, "\(what) not found")
    }
}
