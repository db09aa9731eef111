/// Why a URI or a header value does not match the RFC 3261 §25 grammar.
public enum SIPSyntaxError: Error, Hashable, Sendable {
    case empty
    case missingScheme
    case invalidCharacter(offset: Int)
    case invalidEscape
    case invalidHost
    case invalidPort
    case emptyParameterName
    case invalidParameter
    case unterminatedQuotedString
    case missingClosingAngleBracket
    /// `<` with whitespace inside the brackets (RFC 4475 §3.1.2.14).
    case whitespaceInAddrSpec
    /// An addr-spec with `?` or `,` outside `<>` (RFC 3261 §20.10, RFC 4475 §3.1.2.13).
    case addrSpecNeedsAngleBrackets
    /// A display name that is neither tokens nor a quoted string (RFC 4475 §3.1.2.15).
    case invalidDisplayName
    case trailingCharacters(offset: Int)
    case invalidNumber
    case numberOutOfRange
    case invalidToken
    case emptyListElement
    case invalidProtocol
}

/// A typed header that could not be decoded, naming the header.
public struct SIPHeaderError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Problem: Hashable, Sendable {
        case missing
        /// A single-value header appears more than once (RFC 4475 §3.3.8).
        case repeated
        case syntax(SIPSyntaxError)
    }

    public let header: SIPHeaderName
    public let problem: Problem

    public init(_ header: SIPHeaderName, _ problem: Problem) {
        self.header = header
        self.problem = problem
    }

    public var description: String {
        switch problem {
        case .missing: "Missing \(header.canonical) header"
        case .repeated: "Several \(header.canonical) headers"
        case .syntax: "Malformed \(header.canonical) header"
        }
    }
}
