/// A cursor over one unfolded header value, with the lexical rules of
/// RFC 3261 §25.1 (LWS, SWS, token, quoted-string, generic-param).
struct HeaderScanner {
    let bytes: ArraySlice<UInt8>
    var i: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.i = bytes.startIndex
    }

    var atEnd: Bool { i >= bytes.endIndex }
    var peek: UInt8? { i < bytes.endIndex ? bytes[i] : nil }
    var offset: Int { i - bytes.startIndex }

    mutating func skipLWS() {
        while i < bytes.endIndex, bytes[i].isWhitespace { i += 1 }
    }

    /// Skips LWS, then consumes `b` if it comes next.
    mutating func consume(_ b: UInt8) -> Bool {
        let save = i
        skipLWS()
        if i < bytes.endIndex, bytes[i] == b {
            i += 1
            return true
        }
        i = save
        return false
    }

    mutating func token() -> ArraySlice<UInt8>? {
        let start = i
        while i < bytes.endIndex, bytes[i].is(.token) { i += 1 }
        return i > start ? bytes[start..<i] : nil
    }

    mutating func digits() -> ArraySlice<UInt8>? {
        let start = i
        while i < bytes.endIndex, bytes[i].is(.digit) { i += 1 }
        return i > start ? bytes[start..<i] : nil
    }

    /// A quoted-string with its quotes, `i` on the opening quote.
    mutating func quotedString() throws(SIPSyntaxError) -> ArraySlice<UInt8> {
        let start = i
        i += 1
        while i < bytes.endIndex {
            switch bytes[i] {
            case ASCII.backslash:
                i += 2
            case ASCII.quote:
                i += 1
                return bytes[start..<i]
            default:
                i += 1
            }
        }
        i = bytes.endIndex
        throw .unterminatedQuotedString
    }

    /// A generic-param value: token, host (an IPv6 reference included) or quoted-string.
    mutating func paramValue() throws(SIPSyntaxError) -> ArraySlice<UInt8> {
        guard let b = peek else { throw .invalidParameter }
        if b == ASCII.quote { return try quotedString() }
        let start = i
        if b == ASCII.leftBracket {
            while i < bytes.endIndex, bytes[i] != ASCII.rightBracket { i += 1 }
            guard i < bytes.endIndex else { throw .invalidParameter }
            i += 1
            return bytes[start..<i]
        }
        while i < bytes.endIndex, bytes[i].is(.token) || bytes[i] == ASCII.colon { i += 1 }
        guard i > start else { throw .invalidParameter }
        return bytes[start..<i]
    }

    /// `*( SEMI generic-param )`.
    mutating func parameters() throws(SIPSyntaxError) -> [SIPParameter] {
        var params: [SIPParameter] = []
        while consume(ASCII.semicolon) {
            skipLWS()
            guard let name = token() else { throw .emptyParameterName }
            var value: ArraySlice<UInt8>?
            if consume(ASCII.equals) {
                skipLWS()
                value = try paramValue()
            }
            params.append(SIPParameter(
                name: String(decoding: name, as: UTF8.self),
                rawValue: value.map { String(decoding: $0, as: UTF8.self) }))
        }
        return params
    }

    /// Fails unless only whitespace is left.
    mutating func expectEnd() throws(SIPSyntaxError) {
        skipLWS()
        guard atEnd else { throw .trailingCharacters(offset: offset) }
    }
}

extension SIPSyntaxError {
    static func wrap<T>(_ header: SIPHeaderName, _ body: () throws(SIPSyntaxError) -> T) throws(SIPHeaderError) -> T {
        do {
            return try body()
        } catch {
            throw SIPHeaderError(header, .syntax(error))
        }
    }
}

/// Splits a list header value into elements; an empty element is an error
/// (`via-parm *(COMMA via-parm)` has no empty members).
func listElements(_ bytes: [UInt8]) throws(SIPSyntaxError) -> [ArraySlice<UInt8>] {
    let parts = splitAtTopLevelCommas(bytes[...])
    if parts.contains(where: \.isEmpty) { throw .emptyListElement }
    return parts
}
