/// A `sip:` or `sips:` URI (RFC 3261 §19.1). Components are kept as written
/// (escaped), so a parsed URI serialises back to the same text; the decoded
/// forms are computed.
public struct SIPURI: Hashable, Sendable, CustomStringConvertible {
    public var isSecure: Bool
    /// The user part as written, %-escapes intact.
    public var userRaw: String?
    /// The password as written, %-escapes intact.
    public var passwordRaw: String?
    /// The host as written; an IPv6 reference keeps its brackets (`[::1]`).
    public var host: String
    public var port: Int?
    public var parameters: [SIPParameter]
    /// The `?name=value&…` headers, escaped as written.
    public var headers: [SIPParameter]

    public init(
        secure: Bool = false, user: String? = nil, host: String, port: Int? = nil,
        parameters: [SIPParameter] = [], headers: [SIPParameter] = []
    ) {
        self.isSecure = secure
        self.userRaw = user.map { percentEncode($0, allowed: [.unreserved, .userUnreserved]) }
        self.passwordRaw = nil
        self.host = host
        self.port = port
        self.parameters = parameters
        self.headers = headers
    }

    /// The user part with %-escapes decoded (may hold any byte, `%00` included).
    public var user: String? {
        get { userRaw.map { String(decoding: percentDecode(Array($0.utf8)[...]), as: UTF8.self) } }
        set { userRaw = newValue.map { percentEncode($0, allowed: [.unreserved, .userUnreserved]) } }
    }

    /// The decoded user part as bytes (for users that are not valid UTF-8).
    public var userBytes: [UInt8]? {
        userRaw.map { percentDecode(Array($0.utf8)[...]) }
    }

    public var password: String? {
        passwordRaw.map { String(decoding: percentDecode(Array($0.utf8)[...]), as: UTF8.self) }
    }

    /// The host without IPv6 brackets.
    public var hostAddress: String {
        isIPv6 ? String(host.dropFirst().dropLast()) : host
    }

    public var isIPv6: Bool { host.hasPrefix("[") }

    /// `transport` parameter, lower-cased (`udp`, `tcp`, `tls`, `ws`, `wss`, `sctp`…).
    public var transport: String? {
        get { parameters.first(named: "transport")?.decodedValue?.asciiLowercased }
        set {
            if let newValue { parameters.set("transport", rawValue: newValue) } else { parameters.remove(named: "transport") }
        }
    }

    /// The loose-routing flag `lr` (RFC 3261 §19.1.1, §16.12).
    public var isLooseRouter: Bool {
        get { parameters.contains(named: "lr") }
        set {
            if newValue { if !isLooseRouter { parameters.append(SIPParameter(name: "lr")) } } else { parameters.remove(named: "lr") }
        }
    }

    public var maddr: String? { parameters.first(named: "maddr")?.decodedValue }

    /// The `user` URI parameter (`phone`, `ip`, `dialstring`).
    public var userParameter: String? { parameters.first(named: "user")?.decodedValue }

    /// A URI header value, %-escapes decoded.
    public func header(_ name: String) -> String? {
        headers.first(named: name)?.decodedValue
    }

    public var description: String {
        var out = isSecure ? "sips:" : "sip:"
        if let userRaw {
            out += userRaw
            if let passwordRaw { out += ":" + passwordRaw }
            out += "@"
        }
        out += host
        if let port { out += ":" + String(port) }
        out += parameters.serialized()
        if !headers.isEmpty {
            out += "?" + headers.map { h in h.name + "=" + (h.rawValue ?? "") }.joined(separator: "&")
        }
        return out
    }
}

/// A `tel:` URI (RFC 3966): the number with its visual separators, and parameters.
public struct TelURI: Hashable, Sendable, CustomStringConvertible {
    public var number: String
    public var parameters: [SIPParameter]

    public init(number: String, parameters: [SIPParameter] = []) {
        self.number = number
        self.parameters = parameters
    }

    /// A global number starts with `+` (E.164).
    public var isGlobal: Bool { number.hasPrefix("+") }

    /// The number without visual separators (`-`, `.`, `(`, `)`).
    public var digits: String {
        String(number.unicodeScalars.filter { !"-.()".unicodeScalars.contains($0) }.map(Character.init))
    }

    public var phoneContext: String? { parameters.first(named: "phone-context")?.decodedValue }

    public var description: String { "tel:" + number + parameters.serialized() }
}

/// A URI of a scheme this layer does not decode; kept so the server can
/// answer 416 (RFC 3261 §8.2.2.1) or carry it along.
public struct OpaqueURI: Hashable, Sendable, CustomStringConvertible {
    public var scheme: String
    /// Everything after `scheme:`.
    public var content: String

    public var description: String { scheme + ":" + content }
}

/// Any URI that can appear in a Request-URI or a name-addr.
public enum SIPAnyURI: Hashable, Sendable, CustomStringConvertible {
    case sip(SIPURI)
    case tel(TelURI)
    case other(OpaqueURI)

    /// The scheme, lower-cased.
    public var scheme: String {
        switch self {
        case .sip(let uri): uri.isSecure ? "sips" : "sip"
        case .tel: "tel"
        case .other(let uri): uri.scheme.asciiLowercased
        }
    }

    public var sipURI: SIPURI? {
        if case .sip(let uri) = self { return uri }
        return nil
    }

    public var telURI: TelURI? {
        if case .tel(let uri) = self { return uri }
        return nil
    }

    public var description: String {
        switch self {
        case .sip(let uri): uri.description
        case .tel(let uri): uri.description
        case .other(let uri): uri.description
        }
    }

    public init(parsing text: String) throws(SIPSyntaxError) {
        self = try SIPAnyURI.parse(Array(text.utf8)[...])
    }
}

extension SIPURI {
    public init(parsing text: String) throws(SIPSyntaxError) {
        guard case .sip(let uri) = try SIPAnyURI.parse(Array(text.utf8)[...]) else { throw .missingScheme }
        self = uri
    }
}

extension TelURI {
    public init(parsing text: String) throws(SIPSyntaxError) {
        guard case .tel(let uri) = try SIPAnyURI.parse(Array(text.utf8)[...]) else { throw .missingScheme }
        self = uri
    }
}
