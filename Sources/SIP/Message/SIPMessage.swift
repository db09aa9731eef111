import NIOCore

/// A SIP request or response (RFC 3261 §7). A parsed message keeps the
/// received bytes: the start line's text, the header lines and the body are
/// slices of the datagram, decoded only when read.
public struct SIPMessage: Sendable {
    public enum Kind: Hashable, Sendable {
        case request(SIPMethod)
        case response(status: Int)
    }

    public internal(set) var kind: Kind
    /// The Request-URI or reason phrase bytes.
    var lineText: ByteBuffer
    public var headers: SIPHeaders
    public var body: ByteBuffer

    init(kind: Kind, lineText: ByteBuffer, headers: SIPHeaders, body: ByteBuffer) {
        self.kind = kind
        self.lineText = lineText
        self.headers = headers
        self.body = body
    }

    /// A request. `uri` is the Request-URI text (validated when read with `requestURI()`).
    public init(method: SIPMethod, uri: String, headers: SIPHeaders = SIPHeaders(), body: ByteBuffer = ByteBuffer()) {
        self.init(kind: .request(method), lineText: ByteBuffer(string: uri), headers: headers, body: body)
    }

    public init(method: SIPMethod, uri: SIPAnyURI, headers: SIPHeaders = SIPHeaders(), body: ByteBuffer = ByteBuffer()) {
        self.init(method: method, uri: uri.description, headers: headers, body: body)
    }

    /// A response; the reason phrase defaults to RFC 3261 §21's.
    public init(status: Int, reason: String? = nil, headers: SIPHeaders = SIPHeaders(), body: ByteBuffer = ByteBuffer()) {
        self.init(
            kind: .response(status: status), lineText: ByteBuffer(string: reason ?? SIPStatus.reasonPhrase(for: status)),
            headers: headers, body: body)
    }

    public var isRequest: Bool {
        if case .request = kind { return true }
        return false
    }

    public var isResponse: Bool { !isRequest }

    public var method: SIPMethod? {
        if case .request(let method) = kind { return method }
        return nil
    }

    public var statusCode: Int? {
        if case .response(let status) = kind { return status }
        return nil
    }

    /// The Request-URI exactly as received (requests only).
    public var requestURIText: String? {
        get { isRequest ? String(buffer: lineText) : nil }
        set {
            guard isRequest, let newValue else { return }
            lineText = ByteBuffer(string: newValue)
        }
    }

    /// The reason phrase, UTF-8 (responses only; may be empty, RFC 4475 §3.1.1.13).
    public var reasonPhrase: String? {
        get { isRequest ? nil : String(decoding: lineText.readableBytesView, as: UTF8.self) }
        set {
            guard !isRequest, let newValue else { return }
            lineText = ByteBuffer(string: newValue)
        }
    }

    /// The decoded Request-URI.
    public func requestURI() throws(SIPSyntaxError) -> SIPAnyURI {
        guard isRequest else { throw .empty }
        return try SIPAnyURI.parse(Array(lineText.readableBytesView)[...])
    }

    public mutating func setRequestURI(_ uri: SIPAnyURI) {
        requestURIText = uri.description
    }

    public var bodyString: String { String(buffer: body) }
}

extension SIPMessage: Equatable {
    public static func == (lhs: SIPMessage, rhs: SIPMessage) -> Bool {
        lhs.kind == rhs.kind && lhs.lineText == rhs.lineText && lhs.headers == rhs.headers && lhs.body == rhs.body
    }
}
