/// What the stack does about a message that failed: answer with a status
/// (statelessly, from whatever headers could be read) or send nothing.
public enum SIPErrorAction: Hashable, Sendable {
    case reply(status: Int, reason: String)
    /// Responses, ACKs and unreadable bytes are never answered (RFC 3261 §17.1.3, §18.1.2).
    case drop
}

/// Why bytes are not a SIP message (RFC 3261 §7, §18.3, §25).
public enum SIPParseError: Error, Hashable, Sendable {
    /// Nothing but CRLFs: a keep-alive (RFC 5626 §4.4.1), not a message.
    case keepAlive
    /// The bytes end before the header section does.
    case incompleteHeaderSection
    case headerSectionTooLarge(limit: Int)
    case bodyTooLarge(limit: Int)
    /// The request line is not `Method SP Request-URI SP SIP-Version` with single spaces.
    case malformedRequestLine
    case invalidMethod
    /// The Request-URI does not start with a scheme (e.g. it is wrapped in `<>`).
    case malformedRequestURI
    /// SIP-Version other than 2.0 (answer 505, RFC 3261 §8.2.2 / RFC 4475 §3.1.2.16).
    case unsupportedVersion(String)
    /// A status line that cannot be read, or a code that is not three digits.
    case malformedStatusLine
    /// A header line without a token name and a colon, or a fold with nothing to continue.
    case malformedHeaderLine(line: Int)
    /// Content-Length not a non-negative decimal (RFC 4475 §3.1.2.3).
    case invalidContentLength
    /// Several Content-Length values: the body's extent is unknown (RFC 4475 §3.3.9).
    case multipleContentLength
    /// Content-Length is mandatory on stream transports (RFC 3261 §18.3).
    case missingContentLength
    /// Content-Length promises more bytes than the datagram holds (RFC 4475 §3.1.2.2).
    case truncatedBody(declared: Int, available: Int)
    /// The error happened in a response: never answered.
    indirect case inResponse(SIPParseError)

    /// What to send back.
    public var action: SIPErrorAction {
        switch self {
        case .keepAlive, .incompleteHeaderSection, .malformedStatusLine, .inResponse:
            return .drop
        case .unsupportedVersion:
            return .reply(status: 505, reason: SIPStatus.reasonPhrase(for: 505))
        case .headerSectionTooLarge:
            return .reply(status: 513, reason: SIPStatus.reasonPhrase(for: 513))
        case .bodyTooLarge:
            return .reply(status: 413, reason: SIPStatus.reasonPhrase(for: 413))
        case .malformedRequestLine, .invalidMethod, .malformedRequestURI, .malformedHeaderLine,
             .invalidContentLength, .multipleContentLength, .missingContentLength, .truncatedBody:
            return .reply(status: 400, reason: SIPStatus.reasonPhrase(for: 400))
        }
    }

    /// Whether a stream connection can carry on after this error. After a
    /// framing error the next message's start is unknown, so the connection
    /// is closed (RFC 4475 §3.3.9).
    public var isFatalOnStream: Bool {
        switch self {
        case .keepAlive: false
        default: true
        }
    }
}
