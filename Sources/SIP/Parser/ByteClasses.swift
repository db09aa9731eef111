// Character classes of RFC 3261 §25.1, as one lookup table so the hot path
// classifies a byte with a single load.


enum ASCII {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let sp: UInt8 = 0x20
    static let htab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A
    static let semicolon: UInt8 = 0x3B
    static let comma: UInt8 = 0x2C
    static let quote: UInt8 = 0x22
    static let backslash: UInt8 = 0x5C
    static let lessThan: UInt8 = 0x3C
    static let greaterThan: UInt8 = 0x3E
    static let equals: UInt8 = 0x3D
    static let slash: UInt8 = 0x2F
    static let at: UInt8 = 0x40
    static let question: UInt8 = 0x3F
    static let ampersand: UInt8 = 0x26
    static let percent: UInt8 = 0x25
    static let leftBracket: UInt8 = 0x5B
    static let rightBracket: UInt8 = 0x5D
    static let dot: UInt8 = 0x2E
    static let plus: UInt8 = 0x2B
    static let minus: UInt8 = 0x2D
    static let star: UInt8 = 0x2A
    static let zero: UInt8 = 0x30
    static let nine: UInt8 = 0x39
}


struct ByteClass: OptionSet, Sendable {
    let rawValue: UInt16
    init(rawValue: UInt16) { self.rawValue = rawValue }

    static let alpha = ByteClass(rawValue: 1 << 0)
    static let digit = ByteClass(rawValue: 1 << 1)
    /// RFC 3261 `token` characters.
    static let token = ByteClass(rawValue: 1 << 2)
    /// `unreserved` = alphanum / mark.
    static let unreserved = ByteClass(rawValue: 1 << 3)
    /// Characters allowed unescaped in the user part besides unreserved.
    static let userUnreserved = ByteClass(rawValue: 1 << 4)
    /// `param-unreserved` of URI parameters.
    static let paramUnreserved = ByteClass(rawValue: 1 << 5)
    /// `hnv-unreserved` of URI headers.
    static let hnvUnreserved = ByteClass(rawValue: 1 << 6)
    static let hexDigit = ByteClass(rawValue: 1 << 7)
    /// Characters of a hostname or IPv4 address (alphanum, "-", ".", and "_" for tolerance).
    static let hostname = ByteClass(rawValue: 1 << 8)
    /// Characters allowed unescaped in a password.
    static let password = ByteClass(rawValue: 1 << 9)
    static let whitespace = ByteClass(rawValue: 1 << 10)
    /// Characters of a URI scheme after the first letter.
    static let scheme = ByteClass(rawValue: 1 << 11)
    /// Characters of a tel: number (RFC 3966, with visual separators).
    static let telNumber = ByteClass(rawValue: 1 << 12)
    /// Characters of an IPv6 reference body.
    static let ipv6 = ByteClass(rawValue: 1 << 13)
    /// `word` characters of Call-ID (RFC 3261 §25.1).
    static let word = ByteClass(rawValue: 1 << 14)

    
    static let table: [ByteClass] = {
        var table = [ByteClass](repeating: [], count: 256)
        func add(_ chars: String, _ cls: ByteClass) {
            for b in chars.utf8 { table[Int(b)].insert(cls) }
        }
        for b in UInt8(ascii: "a")...UInt8(ascii: "z") { table[Int(b)].insert(.alpha) }
        for b in UInt8(ascii: "A")...UInt8(ascii: "Z") { table[Int(b)].insert(.alpha) }
        for b in UInt8(ascii: "0")...UInt8(ascii: "9") { table[Int(b)].insert(.digit) }
        for b in 0..<256 where !table[b].isDisjoint(with: [.alpha, .digit]) {
            table[b].formUnion([.token, .unreserved, .hostname, .scheme, .word])
        }
        add("-.!%*_+`'~", .token)
        add("-_.!~*'()", .unreserved)
        add("&=+$,;?/", .userUnreserved)
        add("[]/:&+$", .paramUnreserved)
        add("[]/?:+$", .hnvUnreserved)
        add("0123456789abcdefABCDEF", .hexDigit)
        add("-._", .hostname)
        add("&=+$,", .password)
        add(" \t\r\n", .whitespace)
        add("+-.", .scheme)
        add("0123456789abcdefABCDEF*#+-.()", .telNumber)
        add("0123456789abcdefABCDEF:.", .ipv6)
        add("-.!%*_+`'~()<>:\\\"/[]?{}", .word)
        return table
    }()
}

extension UInt8 {
    
    func `is`(_ cls: ByteClass) -> Bool {
        !ByteClass.table[Int(self)].isDisjoint(with: cls)
    }

    
    var isWhitespace: Bool { self == ASCII.sp || self == ASCII.htab || self == ASCII.cr || self == ASCII.lf }

    
    var isWSP: Bool { self == ASCII.sp || self == ASCII.htab }

    
    var asciiLowercased: UInt8 {
        (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "Z")) ? self | 0x20 : self
    }

    
    var hexValue: UInt8? {
        switch self {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return self - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return self - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return self - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// ASCII case-insensitive comparison without building lowercased strings.

func asciiCaseInsensitiveEqual(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
    guard a.count == b.count else { return false }
    for (x, y) in zip(a, b) where x.asciiLowercased != y.asciiLowercased { return false }
    return true
}

/// The same over contiguous bytes: an index loop the optimizer keeps tight.
func asciiCaseInsensitiveEqual(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    guard a.count == b.count else { return false }
    for i in 0..<a.count where a[i].asciiLowercased != b[i].asciiLowercased { return false }
    return true
}

extension String {
    /// ASCII case-insensitive equality (header names, schemes, tokens).
    func caseInsensitiveEquals(_ other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        let contiguous = utf8.withContiguousStorageIfAvailable { a in
            other.utf8.withContiguousStorageIfAvailable { b in asciiCaseInsensitiveEqual(a, b) }
        }
        if let contiguous, let equal = contiguous { return equal }
        return asciiCaseInsensitiveEqual(self.utf8, other.utf8)
    }

    var asciiLowercased: String {
        String(decoding: self.utf8.map { $0.asciiLowercased }, as: UTF8.self)
    }
}
