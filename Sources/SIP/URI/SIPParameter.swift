/// A `;name=value` parameter of a URI or a header, kept as written so it
/// serialises back unchanged.
public struct SIPParameter: Hashable, Sendable {
    public var name: String
    /// The value as written: %-escaped in URIs, possibly a quoted string in headers.
    public var rawValue: String?

    public init(name: String, rawValue: String? = nil) {
        self.name = name
        self.rawValue = rawValue
    }

    /// The value with a surrounding quoted string removed and its escapes undone.
    public var value: String? {
        guard let raw = rawValue else { return nil }
        let bytes = Array(raw.utf8)
        guard bytes.count >= 2, bytes.first == ASCII.quote, bytes.last == ASCII.quote else { return raw }
        return String(decoding: unescapeQuoted(bytes[1..<(bytes.count - 1)]), as: UTF8.self)
    }

    /// The value with %-escapes decoded (URI parameters).
    public var decodedValue: String? {
        rawValue.map { String(decoding: percentDecode(Array($0.utf8)[...]), as: UTF8.self) }
    }

    /// A header parameter whose value is written as a quoted string.
    public static func quoted(_ name: String, _ value: String) -> SIPParameter {
        SIPParameter(name: name, rawValue: quote(value))
    }
}

extension Array where Element == SIPParameter {
    /// The first parameter with this name (ASCII case-insensitive, RFC 3261 §19.1.4).
    public func first(named name: String) -> SIPParameter? {
        first { $0.name.caseInsensitiveEquals(name) }
    }

    public func contains(named name: String) -> Bool {
        first(named: name) != nil
    }

    /// Sets (or adds, or with `nil` value adds a flag) a parameter, keeping its position.
    public mutating func set(_ name: String, rawValue: String?) {
        if let i = firstIndex(where: { $0.name.caseInsensitiveEquals(name) }) {
            self[i].rawValue = rawValue
        } else {
            append(SIPParameter(name: name, rawValue: rawValue))
        }
    }

    public mutating func remove(named name: String) {
        removeAll { $0.name.caseInsensitiveEquals(name) }
    }

    /// `;name=value;flag` as written in a header or URI.
    public func serialized() -> String {
        var out = ""
        for p in self {
            out += ";" + p.name
            if let v = p.rawValue { out += "=" + v }
        }
        return out
    }
}

/// Undoes `\x` quoted-pairs (RFC 3261 §25.1).
func unescapeQuoted(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
    var out = [UInt8]()
    out.reserveCapacity(bytes.count)
    var i = bytes.startIndex
    while i < bytes.endIndex {
        if bytes[i] == ASCII.backslash, i + 1 < bytes.endIndex {
            out.append(bytes[i + 1])
            i += 2
        } else {
            out.append(bytes[i])
            i += 1
        }
    }
    return out
}

/// Writes a string as a quoted-string, escaping `"` and `\`.
public func quote(_ s: String) -> String {
    var out = "\""
    for ch in s.unicodeScalars {
        if ch == "\"" || ch == "\\" { out.unicodeScalars.append("\\") }
        out.unicodeScalars.append(ch)
    }
    return out + "\""
}
