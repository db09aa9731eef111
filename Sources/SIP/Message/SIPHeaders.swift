import NIOCore

/// One header line as received or added: the name as written, the value
/// unfolded (LWS collapsed to one SP, RFC 3261 §7.3.1) and the raw value.
public struct SIPHeaderField: Hashable, Sendable {
    public let name: SIPHeaderName
    /// The name exactly as written (for example the compact `v`).
    public let writtenName: String
    public let value: String
    /// The value bytes verbatim, folding included.
    public let rawValue: String
}

/// The header section of a message, in order. The bytes stay in one buffer
/// (the received datagram's, without copying) and each entry only records
/// offsets, so nothing is decoded until asked for (STYLE habit 6).
public struct SIPHeaders: Sendable {
    
    struct Entry: Sendable, Hashable {
        var lineStart: Int32
        var nameEnd: Int32
        var valueStart: Int32
        var valueEnd: Int32
        var id: UInt8
        var folded: Bool
    }

    var storage: ByteBuffer
    var entries: [Entry]

    public init() {
        self.storage = ByteBuffer()
        self.entries = []
    }

    init(storage: ByteBuffer, entries: [Entry]) {
        self.storage = storage
        self.entries = entries
    }

    public init(_ fields: [(String, String)]) {
        self.init()
        for (name, value) in fields { add(name, value) }
    }

    // MARK: Reading

    func name(of e: Entry) -> SIPHeaderName {
        e.id != 0 ? SIPHeaderName(knownID: e.id) : SIPHeaderName(writtenName(of: e))
    }

    func writtenName(of e: Entry) -> String {
        storage.getString(at: Int(e.lineStart), length: Int(e.nameEnd - e.lineStart)) ?? ""
    }

    func rawValue(of e: Entry) -> String {
        storage.getString(at: Int(e.valueStart), length: Int(e.valueEnd - e.valueStart)) ?? ""
    }

    /// The unfolded, trimmed value bytes of an entry.
    func valueBytes(of e: Entry) -> [UInt8] {
        storage.withUnsafeReadableBytes { raw in
            let slice = UnsafeRawBufferPointer(rebasing: raw[Int(e.valueStart)..<Int(e.valueEnd)])
            return SIPHeaders.unfold(slice, folded: e.folded)
        }
    }

    func value(of e: Entry) -> String {
        if !e.folded {
            return withTrimmedValue(of: e) { String(decoding: $0, as: UTF8.self) }
        }
        return String(decoding: valueBytes(of: e), as: UTF8.self)
    }

    /// The value bytes of an unfolded entry without surrounding whitespace.
    func withTrimmedValue<T>(of e: Entry, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        storage.withUnsafeReadableBytes { raw in
            var start = Int(e.valueStart)
            var end = Int(e.valueEnd)
            while start < end, raw[start].isWhitespace { start += 1 }
            while end > start, raw[end - 1].isWhitespace { end -= 1 }
            return body(UnsafeRawBufferPointer(rebasing: raw[start..<end]))
        }
    }

    /// Collapses every run of whitespace that contains a line break into one SP
    /// and trims both ends (RFC 3261 §7.3.1: folded LWS equals a single SP).
    static func unfold(_ raw: UnsafeRawBufferPointer, folded: Bool) -> [UInt8] {
        var start = 0
        var end = raw.count
        while start < end, raw[start].isWhitespace { start += 1 }
        while end > start, raw[end - 1].isWhitespace { end -= 1 }
        guard folded else { return Array(raw[start..<end]) }
        var out = [UInt8]()
        out.reserveCapacity(end - start)
        var i = start
        while i < end {
            let b = raw[i]
            if b == ASCII.cr || b == ASCII.lf {
                while let last = out.last, last.isWSP { out.removeLast() }
                while i < end, raw[i].isWhitespace { i += 1 }
                out.append(ASCII.sp)
                continue
            }
            out.append(b)
            i += 1
        }
        return out
    }

    func field(_ e: Entry) -> SIPHeaderField {
        SIPHeaderField(name: name(of: e), writtenName: writtenName(of: e), value: value(of: e), rawValue: rawValue(of: e))
    }

    
    func matches(_ e: Entry, _ name: SIPHeaderName) -> Bool {
        if name.id != 0 || e.id != 0 { return name.id == e.id }
        let length = Int(e.nameEnd - e.lineStart)
        guard length == name.canonical.utf8.count else { return false }
        return storage.withUnsafeReadableBytes { raw in
            asciiCaseInsensitiveEqual(raw[Int(e.lineStart)..<Int(e.nameEnd)], name.canonical.utf8)
        }
    }

    func indices(of name: SIPHeaderName) -> [Int] {
        entries.indices.filter { matches(entries[$0], name) }
    }

    /// The first line's value, unfolded.
    public subscript(name: SIPHeaderName) -> String? {
        first(name)
    }

    func firstEntry(_ name: SIPHeaderName) -> Entry? {
        entries.first { matches($0, name) }
    }

    /// Whether an entry's raw value holds `needle` (lowercase), ignoring ASCII case.
    func valueContainsASCIICaseInsensitive(_ e: Entry, _ needle: StaticString) -> Bool {
        let pattern = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        return storage.withUnsafeReadableBytes { raw in
            let start = Int(e.valueStart)
            let end = Int(e.valueEnd)
            guard end - start >= pattern.count else { return false }
            for at in start...(end - pattern.count) {
                var i = 0
                while i < pattern.count, raw[at + i].asciiLowercased == pattern[i] { i += 1 }
                if i == pattern.count { return true }
            }
            return false
        }
    }

    public func first(_ name: SIPHeaderName) -> String? {
        entries.first { matches($0, name) }.map { value(of: $0) }
    }

    /// Every line's value in order (a line may hold several comma-separated values).
    public func all(_ name: SIPHeaderName) -> [String] {
        entries.filter { matches($0, name) }.map { value(of: $0) }
    }

    /// Every value of a list header, lines split at top-level commas (not inside
    /// quotes or `<>`), empty elements dropped.
    public func values(_ name: SIPHeaderName) -> [String] {
        var out: [String] = []
        for e in entries where matches(e, name) {
            let bytes = valueBytes(of: e)
            for part in splitAtTopLevelCommas(bytes[...]) where !part.isEmpty {
                out.append(String(decoding: part, as: UTF8.self))
            }
        }
        return out
    }

    /// Unfolded value bytes of every line of a header, for the typed parsers.
    func lineBytes(_ name: SIPHeaderName) -> [[UInt8]] {
        entries.filter { matches($0, name) }.map { valueBytes(of: $0) }
    }

    public func contains(_ name: SIPHeaderName) -> Bool {
        entries.contains { matches($0, name) }
    }

    /// Number of lines carrying this header.
    public func lineCount(_ name: SIPHeaderName) -> Int {
        entries.reduce(0) { $0 + (matches($1, name) ? 1 : 0) }
    }
}

extension SIPHeaders: RandomAccessCollection {
    public var startIndex: Int { 0 }
    public var endIndex: Int { entries.count }
    public subscript(position: Int) -> SIPHeaderField { field(entries[position]) }
}

extension SIPHeaders: Equatable {
    /// Equal when the same names (as written) carry the same unfolded values in the same order.
    public static func == (lhs: SIPHeaders, rhs: SIPHeaders) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for (a, b) in zip(lhs, rhs) where a.writtenName != b.writtenName || a.value != b.value { return false }
        return true
    }
}

/// Splits a header value at commas that are outside quoted strings and `<>`,
/// trimming whitespace around each element (RFC 3261 §7.3.1).
func splitAtTopLevelCommas(_ bytes: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
    var parts: [ArraySlice<UInt8>] = []
    var inQuotes = false
    var inAngle = false
    var start = bytes.startIndex
    var i = bytes.startIndex
    while i < bytes.endIndex {
        let b = bytes[i]
        if inQuotes {
            if b == ASCII.backslash { i += 2; continue }
            if b == ASCII.quote { inQuotes = false }
        } else if b == ASCII.quote {
            inQuotes = true
        } else if b == ASCII.lessThan {
            inAngle = true
        } else if b == ASCII.greaterThan {
            inAngle = false
        } else if b == ASCII.comma, !inAngle {
            parts.append(trimmed(bytes[start..<i]))
            start = i + 1
        }
        i += 1
    }
    parts.append(trimmed(bytes[start..<bytes.endIndex]))
    return parts
}

func trimmed(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
    var a = s.startIndex
    var b = s.endIndex
    while a < b, s[a].isWhitespace { a += 1 }
    while b > a, s[b - 1].isWhitespace { b -= 1 }
    return s[a..<b]
}
