/// WWW-Authenticate, Proxy-Authenticate, Authorization, Proxy-Authorization
/// (RFC 3261 §20.7, §20.27, §20.28, §20.44, §25.1; RFC 2617 Digest): a scheme
/// and comma-separated auth-params. Any scheme parses (RFC 4475 §3.3.7).
public struct SIPAuthHeader: Hashable, Sendable, CustomStringConvertible {
    public var scheme: String
    public var parameters: [SIPParameter]

    public init(scheme: String, parameters: [SIPParameter]) {
        self.scheme = scheme
        self.parameters = parameters
    }

    public var isDigest: Bool { scheme.caseInsensitiveEquals("Digest") }

    /// An auth-param value with quotes and escapes removed.
    public func parameter(_ name: String) -> String? { parameters.first(named: name)?.value }

    public var username: String? { parameter("username") }
    public var realm: String? { parameter("realm") }
    public var nonce: String? { parameter("nonce") }
    public var uri: String? { parameter("uri") }
    public var response: String? { parameter("response") }
    public var algorithm: String? { parameter("algorithm") }
    public var cnonce: String? { parameter("cnonce") }
    public var opaque: String? { parameter("opaque") }
    /// In a challenge a list (`"auth,auth-int"`), in credentials one value.
    public var qop: String? { parameter("qop") }
    public var nonceCount: String? { parameter("nc") }
    public var stale: Bool { parameter("stale")?.caseInsensitiveEquals("true") ?? false }

    public var description: String {
        scheme + " " + parameters.map { p in p.name + (p.rawValue.map { "=" + $0 } ?? "") }.joined(separator: ", ")
    }

    /// A Digest challenge for a 401/407 (RFC 3261 §22.4).
    public static func digestChallenge(
        realm: String, nonce: String, opaque: String? = nil, algorithm: String = "MD5", qop: String? = "auth", stale: Bool = false
    ) -> SIPAuthHeader {
        var params = [SIPParameter.quoted("realm", realm), SIPParameter.quoted("nonce", nonce)]
        if let opaque { params.append(.quoted("opaque", opaque)) }
        params.append(SIPParameter(name: "algorithm", rawValue: algorithm))
        if let qop { params.append(.quoted("qop", qop)) }
        if stale { params.append(SIPParameter(name: "stale", rawValue: "TRUE")) }
        return SIPAuthHeader(scheme: "Digest", parameters: params)
    }

    public init(parsing text: String) throws(SIPSyntaxError) {
        self = try SIPAuthHeader.parse(Array(text.utf8))
    }

    static func parse(_ bytes: [UInt8]) throws(SIPSyntaxError) -> SIPAuthHeader {
        var s = HeaderScanner(bytes[...])
        s.skipLWS()
        guard let scheme = s.token() else { throw .invalidToken }
        var header = SIPAuthHeader(scheme: String(decoding: scheme, as: UTF8.self), parameters: [])
        s.skipLWS()
        if s.atEnd { return header }
        repeat {
            s.skipLWS()
            guard let name = s.token() else { throw .emptyParameterName }
            guard s.consume(ASCII.equals) else { throw .invalidParameter }
            s.skipLWS()
            let value: ArraySlice<UInt8>
            if s.peek == ASCII.quote {
                value = try s.quotedString()
            } else {
                // Tolerates unquoted values that are not tokens (a bare `uri=sip:a@b`).
                let start = s.i
                while let b = s.peek, b != ASCII.comma, !b.isWhitespace { s.i += 1 }
                guard s.i > start else { throw .invalidParameter }
                value = s.bytes[start..<s.i]
            }
            header.parameters.append(SIPParameter(
                name: String(decoding: name, as: UTF8.self), rawValue: String(decoding: value, as: UTF8.self)))
        } while s.consume(ASCII.comma)
        try s.expectEnd()
        return header
    }
}
