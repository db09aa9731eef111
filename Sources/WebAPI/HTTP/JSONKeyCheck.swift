/// Finds an object that names the same key twice (`{"role":1,"role":2}`).
/// JSONSerialization keeps one of them silently; a body like that is
/// ambiguous (a proxy or another parser may read the other one), so it is
/// refused. Keys are compared after unescaping (`"a"` and `"\u0061"`).
/// Assumes the text is otherwise valid JSON (checked before).
enum JSONKeyCheck {
    static func firstDuplicateKey(_ bytes: [UInt8]) -> String? {
        var index = 0
        // One set of keys per open object; nil for an open array.
        var open: [Set<String>?] = []
        var expectingKey = false
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "{"):
                open.append([])
                expectingKey = true
                index += 1
            case UInt8(ascii: "["):
                open.append(nil)
                index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                _ = open.popLast()
                index += 1
            case UInt8(ascii: ","):
                expectingKey = open.last.map { $0 != nil } ?? false
                index += 1
            case UInt8(ascii: "\""):
                let (text, end) = string(bytes, from: index)
                index = end
                if expectingKey, var keys = open.last ?? nil {
                    guard keys.insert(text).inserted else { return text }
                    open[open.count - 1] = keys
                    expectingKey = false
                }
            default:
                index += 1
            }
        }
        return nil
    }

    /// The unescaped text of the string starting at `start` (a quote), and the index after its closing quote.
    private static func string(_ bytes: [UInt8], from start: Int) -> (String, Int) {
        var scalars = String.UnicodeScalarView()
        var utf8: [UInt8] = []
        var index = start + 1
        func flush() {
            scalars.append(contentsOf: String(decoding: utf8, as: UTF8.self).unicodeScalars)
            utf8.removeAll()
        }
        var pendingHigh: UInt32?
        while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
            if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count {
                flush()
                let escape = bytes[index + 1]
                index += 2
                if escape == UInt8(ascii: "u"), index + 4 <= bytes.count, let code = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16) {
                    index += 4
                    if (0xD800..<0xDC00).contains(code) {
                        pendingHigh = code
                        continue
                    }
                    var value = code
                    if let high = pendingHigh, (0xDC00..<0xE000).contains(code) {
                        value = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)
                    }
                    pendingHigh = nil
                    scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
                } else {
                    let map: [UInt8: Unicode.Scalar] = [
                        UInt8(ascii: "n"): "\n", UInt8(ascii: "t"): "\t", UInt8(ascii: "r"): "\r", UInt8(ascii: "b"): "\u{08}",
                        UInt8(ascii: "f"): "\u{0C}",
                    ]
                    scalars.append(map[escape] ?? Unicode.Scalar(escape))
                }
            } else {
                utf8.append(bytes[index])
                index += 1
            }
        }
        flush()
        return (String(scalars), index + 1)
    }
}
