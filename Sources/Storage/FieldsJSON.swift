import CallCenter
import Foundation

/// The JSON text of a customer's `fields` column and a package row's
/// values: flat objects of strings, numbers and string arrays, keys sorted.
/// Written and read by hand: Foundation's JSONEncoder/Decoder took a fifth
/// of an import's time and most of an export's.
enum FieldsJSON {
    static func encode(_ fields: [String: FieldValue]) -> String {
        var out = "{"
        for (index, key) in fields.keys.sorted().enumerated() {
            if index > 0 { out += "," }
            appendString(key, to: &out)
            out += ":"
            switch fields[key]! {
            case .text(let text): appendString(text, to: &out)
            case .number(let number): out += number.isFinite ? FieldValue.number(number).display : "0"
            case .list(let items):
                out += "["
                for (i, item) in items.enumerated() {
                    if i > 0 { out += "," }
                    appendString(item, to: &out)
                }
                out += "]"
            }
        }
        return out + "}"
    }

    static func encode(_ values: [String: String]) -> String {
        encode(values.mapValues(FieldValue.text))
    }

    static func decode(_ text: String) -> [String: FieldValue] {
        var parser = Parser(bytes: Array(text.utf8))
        return (try? parser.object()) ?? [:]
    }

    static func decodeStrings(_ text: String) -> [String: String] {
        decode(text).mapValues(\.display)
    }

    static func appendString(_ text: String, to out: inout String) {
        JSONString.append(text, to: &out)
    }

    struct Parser {
        enum Failure: Error { case malformed }
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func object() throws -> [String: FieldValue] {
            try expect(UInt8(ascii: "{"))
            var result: [String: FieldValue] = [:]
            skipSpace()
            if peek() == UInt8(ascii: "}") {
                index += 1
                return result
            }
            while true {
                skipSpace()
                let key = try string()
                skipSpace()
                try expect(UInt8(ascii: ":"))
                skipSpace()
                result[key] = try value()
                skipSpace()
                if peek() == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                try expect(UInt8(ascii: "}"))
                return result
            }
        }

        mutating func value() throws -> FieldValue {
            switch peek() {
            case UInt8(ascii: "\""): return .text(try string())
            case UInt8(ascii: "["):
                index += 1
                var items: [String] = []
                skipSpace()
                if peek() == UInt8(ascii: "]") {
                    index += 1
                    return .list(items)
                }
                while true {
                    skipSpace()
                    items.append(try string())
                    skipSpace()
                    if peek() == UInt8(ascii: ",") {
                        index += 1
                        continue
                    }
                    try expect(UInt8(ascii: "]"))
                    return .list(items)
                }
            default:
                let start = index
                while index < bytes.count, let byte = peek(), byte != UInt8(ascii: ","), byte != UInt8(ascii: "}"), byte != UInt8(ascii: " ") {
                    index += 1
                }
                guard let number = Double(String(decoding: bytes[start..<index], as: UTF8.self)) else { throw Failure.malformed }
                return .number(number)
            }
        }

        mutating func string() throws -> String {
            try expect(UInt8(ascii: "\""))
            let start = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") { index += 1 }
            if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: bytes[start..<(index - 1)], as: UTF8.self)
            }
            // Escapes: the slow path.
            var out = Array(bytes[start..<index])
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                if byte == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
                guard byte == UInt8(ascii: "\\") else {
                    out.append(byte)
                    continue
                }
                guard index < bytes.count else { throw Failure.malformed }
                let escaped = bytes[index]
                index += 1
                switch escaped {
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "b"): out.append(8)
                case UInt8(ascii: "f"): out.append(12)
                case UInt8(ascii: "u"):
                    guard index + 4 <= bytes.count, var code = UInt32(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16) else {
                        throw Failure.malformed
                    }
                    index += 4
                    // A surrogate pair (what JSONEncoder may have written for emoji).
                    if (0xD800..<0xDC00).contains(code), index + 6 <= bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u"),
                        let low = UInt32(String(decoding: bytes[(index + 2)..<(index + 6)], as: UTF8.self), radix: 16), (0xDC00..<0xE000).contains(low)
                    {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        index += 6
                    }
                    out.append(contentsOf: Array(String(Unicode.Scalar(code).map(Character.init) ?? "\u{FFFD}").utf8))
                default: out.append(escaped)
                }
            }
            throw Failure.malformed
        }

        func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
        }

        mutating func expect(_ byte: UInt8) throws {
            guard peek() == byte else { throw Failure.malformed }
            index += 1
        }
    }
}
