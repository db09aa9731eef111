/// A header field name. Known names compare by identity (an index), so the
/// compact form `v` and `VIA` both find `Via` (RFC 3261 §7.3.3); other names
/// compare ASCII case-insensitively.
public struct SIPHeaderName: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    let id: UInt8
    /// The canonical spelling for known names, otherwise the name as given.
    public let canonical: String

    public init(_ name: String) {
        var copy = name
        let id = copy.withUTF8 { SIPHeaderName.identify(UnsafeRawBufferPointer($0)) }
        self.id = id
        self.canonical = id == 0 ? name : SIPHeaderName.known[Int(id)].canonical
    }

    public init(stringLiteral value: String) { self.init(value) }

    init(knownID: UInt8) {
        self.id = knownID
        self.canonical = SIPHeaderName.known[Int(knownID)].canonical
    }

    public var description: String { canonical }
    public var isKnown: Bool { id != 0 }

    /// Whether RFC 3261 (or the extension defining it) allows several
    /// comma-separated values in one header line.
    public var isList: Bool { id != 0 && SIPHeaderName.known[Int(id)].list }

    /// Headers that may appear at most once (RFC 3261 §7.3.1, §20).
    public var isSingleValue: Bool { id != 0 && SIPHeaderName.known[Int(id)].single }

    public static func == (lhs: SIPHeaderName, rhs: SIPHeaderName) -> Bool {
        if lhs.id != 0 || rhs.id != 0 { return lhs.id == rhs.id }
        return lhs.canonical.caseInsensitiveEquals(rhs.canonical)
    }

    public func hash(into hasher: inout Hasher) {
        if id != 0 { hasher.combine(id) } else { hasher.combine(canonical.asciiLowercased) }
    }

    struct Known {
        let canonical: String
        let lower: [UInt8]
        let compact: UInt8?
        let list: Bool
        let single: Bool
        init(_ canonical: String, compact: Character? = nil, list: Bool = false, single: Bool = false) {
            self.canonical = canonical
            self.lower = canonical.utf8.map { $0.asciiLowercased }
            self.compact = compact.flatMap { $0.asciiValue }
            self.list = list
            self.single = single
        }
    }

    // Index 0 is "not a known header". The order fixes the ids below.
    static let known: [Known] = [
        Known(""),
        Known("Via", compact: "v", list: true),
        Known("From", compact: "f", single: true),
        Known("To", compact: "t", single: true),
        Known("Call-ID", compact: "i", single: true),
        Known("CSeq", single: true),
        Known("Contact", compact: "m", list: true),
        Known("Max-Forwards", single: true),
        Known("Content-Length", compact: "l", single: true),
        Known("Content-Type", compact: "c", single: true),
        Known("Route", list: true),
        Known("Record-Route", list: true),
        Known("Expires", single: true),
        Known("Min-Expires", single: true),
        Known("Supported", compact: "k", list: true),
        Known("Require", list: true),
        Known("Proxy-Require", list: true),
        Known("Unsupported", list: true),
        Known("Allow", list: true),
        Known("Event", compact: "o", single: true),
        Known("User-Agent"),
        Known("WWW-Authenticate"),
        Known("Proxy-Authenticate"),
        Known("Authorization"),
        Known("Proxy-Authorization"),
        Known("Content-Encoding", compact: "e", list: true),
        Known("Subject", compact: "s"),
        Known("Allow-Events", compact: "u", list: true),
        Known("Refer-To", compact: "r", single: true),
        Known("Referred-By", compact: "b"),
        Known("Session-Expires", compact: "x", single: true),
        Known("Accept", list: true),
        Known("Accept-Encoding", list: true),
        Known("Accept-Language", list: true),
        Known("Alert-Info", list: true),
        Known("Call-Info", list: true),
        Known("Content-Disposition"),
        Known("Content-Language", list: true),
        Known("Date"),
        Known("Error-Info", list: true),
        Known("In-Reply-To", list: true),
        Known("MIME-Version"),
        Known("Organization"),
        Known("Priority"),
        Known("Reply-To"),
        Known("Retry-After"),
        Known("Server"),
        Known("Timestamp"),
        Known("Warning", list: true),
        Known("Authentication-Info"),
        Known("RSeq"),
        Known("RAck"),
        Known("Path", list: true),
        Known("Service-Route", list: true),
        Known("Subscription-State"),
        Known("Min-SE"),
        Known("P-Asserted-Identity", list: true),
        Known("Privacy"),
        Known("Replaces"),
    ]

    /// Index of a compact form letter (lower-cased) in `known`.
    static let compactTable: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 128)
        for (i, k) in known.enumerated() {
            if let c = k.compact { table[Int(c)] = UInt8(i) }
        }
        return table
    }()

    /// Maps a header name to its known id (0 when unknown); never allocates.
    
    static func identify(_ name: UnsafeRawBufferPointer) -> UInt8 {
        if name.count == 1 {
            let c = name[0].asciiLowercased
            return c < 128 ? compactTable[Int(c)] : 0
        }
        let first = name.first.map { $0.asciiLowercased } ?? 0
        for i in 1..<known.count {
            let k = known[i].lower
            guard k.count == name.count, k[0] == first else { continue }
            var j = 1
            while j < k.count, k[j] == name[j].asciiLowercased { j += 1 }
            if j == k.count { return UInt8(i) }
        }
        return 0
    }
}

extension SIPHeaderName {
    public static let via = SIPHeaderName("Via")
    public static let from = SIPHeaderName("From")
    public static let to = SIPHeaderName("To")
    public static let callID = SIPHeaderName("Call-ID")
    public static let cseq = SIPHeaderName("CSeq")
    public static let contact = SIPHeaderName("Contact")
    public static let maxForwards = SIPHeaderName("Max-Forwards")
    public static let contentLength = SIPHeaderName("Content-Length")
    public static let contentType = SIPHeaderName("Content-Type")
    public static let route = SIPHeaderName("Route")
    public static let recordRoute = SIPHeaderName("Record-Route")
    public static let expires = SIPHeaderName("Expires")
    public static let minExpires = SIPHeaderName("Min-Expires")
    public static let supported = SIPHeaderName("Supported")
    public static let require = SIPHeaderName("Require")
    public static let proxyRequire = SIPHeaderName("Proxy-Require")
    public static let unsupported = SIPHeaderName("Unsupported")
    public static let allow = SIPHeaderName("Allow")
    public static let event = SIPHeaderName("Event")
    public static let userAgent = SIPHeaderName("User-Agent")
    public static let wwwAuthenticate = SIPHeaderName("WWW-Authenticate")
    public static let proxyAuthenticate = SIPHeaderName("Proxy-Authenticate")
    public static let authorization = SIPHeaderName("Authorization")
    public static let proxyAuthorization = SIPHeaderName("Proxy-Authorization")
    public static let contentEncoding = SIPHeaderName("Content-Encoding")
    public static let subject = SIPHeaderName("Subject")
    public static let allowEvents = SIPHeaderName("Allow-Events")
    public static let referTo = SIPHeaderName("Refer-To")
    public static let referredBy = SIPHeaderName("Referred-By")
    public static let sessionExpires = SIPHeaderName("Session-Expires")
    public static let accept = SIPHeaderName("Accept")
    public static let acceptEncoding = SIPHeaderName("Accept-Encoding")
    public static let acceptLanguage = SIPHeaderName("Accept-Language")
    public static let date = SIPHeaderName("Date")
    public static let retryAfter = SIPHeaderName("Retry-After")
    public static let server = SIPHeaderName("Server")
    public static let timestamp = SIPHeaderName("Timestamp")
    public static let warning = SIPHeaderName("Warning")
}
