/// `name-addr / addr-spec` with header parameters: From, To, Contact,
/// Route, Record-Route, Refer-To (RFC 3261 §20.10, §20.20, §20.39).
public struct SIPNameAddress: Hashable, Sendable, CustomStringConvertible {
    /// The display name as written: a quoted-string with its quotes, or tokens.
    public var displayNameRaw: String?
    public var uri: SIPAnyURI
    public var parameters: [SIPParameter]
    /// Whether the URI is written in `<>` (always when there is a display name or URI parameters).
    public var usesAngleBrackets: Bool

    public init(displayName: String? = nil, uri: SIPAnyURI, parameters: [SIPParameter] = []) {
        self.displayNameRaw = displayName.map(quote)
        self.uri = uri
        self.parameters = parameters
        self.usesAngleBrackets = true
    }

    /// The display name with quotes and escapes removed (UTF-8).
    public var displayName: String? {
        get {
            guard let raw = displayNameRaw else { return nil }
            let bytes = Array(raw.utf8)
            if bytes.count >= 2, bytes.first == ASCII.quote, bytes.last == ASCII.quote {
                return String(decoding: unescapeQuoted(bytes[1..<(bytes.count - 1)]), as: UTF8.self)
            }
            return raw
        }
        set { displayNameRaw = newValue.map(quote) }
    }

    /// The `tag` parameter (RFC 3261 §19.3).
    public var tag: String? {
        get { parameters.first(named: "tag")?.value }
        set {
            if let newValue { parameters.set("tag", rawValue: newValue) } else { parameters.remove(named: "tag") }
        }
    }

    /// Contact `expires` parameter (RFC 3261 §20.10); nil when absent or not a number.
    public var expires: UInt32? {
        parameters.first(named: "expires")?.value.flatMap { UInt32($0) }
    }

    /// Contact `q` parameter, 0…1.
    public var q: Double? {
        parameters.first(named: "q")?.value.flatMap { Double($0) }.flatMap { (0...1).contains($0) ? $0 : nil }
    }

    public var description: String {
        var out = ""
        if let displayNameRaw { out += displayNameRaw + " " }
        if usesAngleBrackets || displayNameRaw != nil {
            out += "<" + uri.description + ">"
        } else {
            out += uri.description
        }
        return out + parameters.serialized()
    }

    public init(parsing text: String) throws(SIPSyntaxError) {
        var scanner = HeaderScanner(Array(text.utf8)[...])
        self = try SIPNameAddress.parse(&scanner)
        try scanner.expectEnd()
    }

    static func parse(_ s: inout HeaderScanner) throws(SIPSyntaxError) -> SIPNameAddress {
        s.skipLWS()
        guard let first = s.peek else { throw .empty }
        var displayRaw: ArraySlice<UInt8>?
        var angle = false
        if first == ASCII.quote {
            displayRaw = try s.quotedString()
            s.skipLWS()
            guard s.peek == ASCII.lessThan else { throw .invalidDisplayName }
            angle = true
        } else if first == ASCII.lessThan {
            angle = true
        } else {
            // `*(token LWS)` then "<" is a display name; anything else is an addr-spec.
            let save = s.i
            var lastEnd = s.i
            while s.token() != nil {
                lastEnd = s.i
                s.skipLWS()
                if s.peek == ASCII.lessThan {
                    displayRaw = s.bytes[save..<lastEnd]
                    angle = true
                    break
                }
            }
            if !angle { s.i = save }
        }
        var uriBytes: ArraySlice<UInt8>
        if angle {
            s.i += 1
            guard let close = s.bytes[s.i...].firstIndex(of: ASCII.greaterThan) else { throw .missingClosingAngleBracket }
            uriBytes = s.bytes[s.i..<close]
            if uriBytes.contains(where: { $0.isWhitespace }) { throw .whitespaceInAddrSpec }
            s.i = close + 1
        } else {
            let start = s.i
            while let b = s.peek, !b.isWhitespace, b != ASCII.semicolon, b != ASCII.comma { s.i += 1 }
            uriBytes = s.bytes[start..<s.i]
            if uriBytes.contains(ASCII.question) { throw .addrSpecNeedsAngleBrackets }
            if uriBytes.isEmpty || (uriBytes.first.map { !$0.is(.alpha) } ?? true) {
                // Tokens not followed by "<", as in `Bell, Alexander <sip:…>` (RFC 4475 §3.1.2.15).
                if s.bytes[start...].contains(ASCII.lessThan) { throw .invalidDisplayName }
            }
        }
        let uri: SIPAnyURI
        do {
            uri = try SIPAnyURI.parse(uriBytes)
        } catch {
            if !angle, s.bytes[s.i...].contains(ASCII.lessThan) { throw .invalidDisplayName }
            throw error
        }
        let params = try s.parameters()
        var result = SIPNameAddress(uri: uri, parameters: params)
        result.displayNameRaw = displayRaw.map { String(decoding: $0, as: UTF8.self) }
        result.usesAngleBrackets = angle
        return result
    }
}

/// A Contact header: `*` or a list of addresses (RFC 3261 §20.10).
public enum SIPContactList: Hashable, Sendable {
    /// `Contact: *`, only valid in a REGISTER with `Expires: 0` (RFC 3261 §10.2.2).
    case wildcard
    case addresses([SIPNameAddress])
}
