/// URI grammar of RFC 3261 §19.1 / §25.1 and RFC 3966 (tel), on bytes.
extension SIPAnyURI {
    static func parse(_ s: ArraySlice<UInt8>) throws(SIPSyntaxError) -> SIPAnyURI {
        guard let first = s.first else { throw .empty }
        guard first.is(.alpha) else { throw .missingScheme }
        var i = s.startIndex + 1
        while i < s.endIndex, s[i].is(.scheme) { i += 1 }
        guard i < s.endIndex, s[i] == ASCII.colon else { throw .missingScheme }
        let scheme = s[s.startIndex..<i]
        let rest = s[(i + 1)...]
        if let bad = rest.firstIndex(where: { $0 <= ASCII.sp || $0 == 0x7F || $0 == ASCII.lessThan || $0 == ASCII.greaterThan || $0 == ASCII.quote }) {
            throw .invalidCharacter(offset: bad - s.startIndex)
        }
        if asciiCaseInsensitiveEqual(scheme, "sip".utf8) {
            return .sip(try SIPURI.parseBody(rest, secure: false))
        }
        if asciiCaseInsensitiveEqual(scheme, "sips".utf8) {
            return .sip(try SIPURI.parseBody(rest, secure: true))
        }
        if asciiCaseInsensitiveEqual(scheme, "tel".utf8) {
            return .tel(try TelURI.parseBody(rest))
        }
        guard !rest.isEmpty else { throw .empty }
        return .other(OpaqueURI(scheme: String(decoding: scheme, as: UTF8.self), content: String(decoding: rest, as: UTF8.self)))
    }
}

extension SIPURI {
    /// Parses what follows `sip:` / `sips:`.
    static func parseBody(_ s: ArraySlice<UInt8>, secure: Bool) throws(SIPSyntaxError) -> SIPURI {
        var uri = SIPURI(secure: secure, host: "")
        var i = s.startIndex
        // The userinfo ends at the last "@": the user part may hold ";", "?", "," and "/"
        // (RFC 4475 §3.1.1.2, §3.1.1.9), and no later component may hold an unescaped "@".
        if let at = s.lastIndex(of: ASCII.at) {
            let userinfo = s[s.startIndex..<at]
            let colon = userinfo.firstIndex(of: ASCII.colon)
            let user = userinfo[userinfo.startIndex..<(colon ?? userinfo.endIndex)]
            guard !user.isEmpty else { throw .invalidCharacter(offset: 0) }
            // "#" is not user-unreserved, but phones send it unescaped in dial strings; accept it.
            try checkChars(user, [.unreserved, .userUnreserved], extra: UInt8(ascii: "#"), base: s.startIndex)
            uri.userRaw = String(decoding: user, as: UTF8.self)
            if let colon {
                let password = userinfo[(colon + 1)...]
                try checkChars(password, [.unreserved, .password], base: s.startIndex)
                uri.passwordRaw = String(decoding: password, as: UTF8.self)
            }
            i = at + 1
        }
        // host
        let hostStart = i
        if i < s.endIndex, s[i] == ASCII.leftBracket {
            guard let close = s[i...].firstIndex(of: ASCII.rightBracket) else { throw .invalidHost }
            let body = s[(i + 1)..<close]
            guard body.count >= 2, body.allSatisfy({ $0.is(.ipv6) }), body.contains(ASCII.colon) else { throw .invalidHost }
            i = close + 1
        } else {
            while i < s.endIndex, s[i].is(.hostname) { i += 1 }
        }
        guard i > hostStart else { throw .invalidHost }
        uri.host = String(decoding: s[hostStart..<i], as: UTF8.self)
        // port
        if i < s.endIndex, s[i] == ASCII.colon {
            i += 1
            let portStart = i
            var port = 0
            while i < s.endIndex, s[i].is(.digit), i - portStart < 5 {
                port = port * 10 + Int(s[i] - ASCII.zero)
                i += 1
            }
            guard i > portStart, port <= 65535, i == s.endIndex || !s[i].is(.digit) else { throw .invalidPort }
            uri.port = port
        }
        // uri-parameters
        while i < s.endIndex, s[i] == ASCII.semicolon {
            i += 1
            let nameStart = i
            while i < s.endIndex, isParamChar(s[i]) { i += 1 }
            guard i > nameStart else { throw .emptyParameterName }
            let name = s[nameStart..<i]
            var value: ArraySlice<UInt8>?
            if i < s.endIndex, s[i] == ASCII.equals {
                i += 1
                let valueStart = i
                while i < s.endIndex, isParamChar(s[i]) { i += 1 }
                guard i > valueStart else { throw .invalidParameter }
                value = s[valueStart..<i]
            }
            guard hasValidEscapes(name), value.map(hasValidEscapes) ?? true else { throw .invalidEscape }
            uri.parameters.append(SIPParameter(
                name: String(decoding: name, as: UTF8.self),
                rawValue: value.map { String(decoding: $0, as: UTF8.self) }))
        }
        // headers
        if i < s.endIndex, s[i] == ASCII.question {
            repeat {
                i += 1
                let nameStart = i
                while i < s.endIndex, isHeaderChar(s[i]) { i += 1 }
                guard i > nameStart, i < s.endIndex, s[i] == ASCII.equals else { throw .invalidParameter }
                let name = s[nameStart..<i]
                i += 1
                let valueStart = i
                while i < s.endIndex, isHeaderChar(s[i]) { i += 1 }
                let value = s[valueStart..<i]
                guard hasValidEscapes(name), hasValidEscapes(value) else { throw .invalidEscape }
                uri.headers.append(SIPParameter(
                    name: String(decoding: name, as: UTF8.self),
                    rawValue: String(decoding: value, as: UTF8.self)))
            } while i < s.endIndex && s[i] == ASCII.ampersand
        }
        guard i == s.endIndex else { throw .trailingCharacters(offset: i - s.startIndex) }
        return uri
    }

    private static func checkChars(
        _ part: ArraySlice<UInt8>, _ allowed: ByteClass, extra: UInt8 = ASCII.percent, base: Int
    ) throws(SIPSyntaxError) {
        for j in part.indices where !part[j].is(allowed) && part[j] != ASCII.percent && part[j] != extra {
            throw .invalidCharacter(offset: j - base)
        }
        guard hasValidEscapes(part) else { throw .invalidEscape }
    }
}

@inline(__always)
func isParamChar(_ b: UInt8) -> Bool {
    b.is([.unreserved, .paramUnreserved]) || b == ASCII.percent
}

@inline(__always)
private func isHeaderChar(_ b: UInt8) -> Bool {
    b.is([.unreserved, .hnvUnreserved]) || b == ASCII.percent
}

extension TelURI {
    /// Parses what follows `tel:` (RFC 3966 §3, visual separators allowed).
    static func parseBody(_ s: ArraySlice<UInt8>) throws(SIPSyntaxError) -> TelURI {
        var i = s.startIndex
        while i < s.endIndex, s[i].is(.telNumber) { i += 1 }
        guard i > s.startIndex else { throw .invalidCharacter(offset: 0) }
        var uri = TelURI(number: String(decoding: s[s.startIndex..<i], as: UTF8.self))
        while i < s.endIndex, s[i] == ASCII.semicolon {
            i += 1
            let nameStart = i
            while i < s.endIndex, s[i].is(.alpha) || s[i].is(.digit) || s[i] == ASCII.minus { i += 1 }
            guard i > nameStart else { throw .emptyParameterName }
            let name = s[nameStart..<i]
            var value: ArraySlice<UInt8>?
            if i < s.endIndex, s[i] == ASCII.equals {
                i += 1
                let valueStart = i
                while i < s.endIndex, isParamChar(s[i]) { i += 1 }
                guard i > valueStart else { throw .invalidParameter }
                value = s[valueStart..<i]
            }
            uri.parameters.append(SIPParameter(
                name: String(decoding: name, as: UTF8.self),
                rawValue: value.map { String(decoding: $0, as: UTF8.self) }))
        }
        guard i == s.endIndex else { throw .trailingCharacters(offset: i - s.startIndex) }
        return uri
    }
}
