/// Turns arbitrary text into bytes that are safe inside an OOXML element or attribute.
enum XMLTextEscaping {
    /// Appends `text` as UTF-8, escaped for XML 1.0 and for Excel's own `_xHHHH_` escapes.
    ///
    /// Characters XML 1.0 forbids (most C0 controls, U+FFFE, U+FFFF) are dropped, since no escape can carry them.
    /// CR becomes `&#13;` because parsers turn a raw CR into LF. A literal `_x0041_` gets its underscore
    /// escaped as `_x005F_`, or Excel would show it as `A`.
    static func append(_ text: String, to output: inout [UInt8]) {
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "&"): output.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): output.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): output.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): output.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "\r"): output.append(contentsOf: "&#13;".utf8)
            case UInt8(ascii: "\t"), UInt8(ascii: "\n"): output.append(byte)
            case 0..<0x20: break
            case UInt8(ascii: "_") where startsExcelEscape(bytes, at: index):
                output.append(contentsOf: "_x005F_".utf8)
            case 0xEF where index + 2 < bytes.count && bytes[index + 1] == 0xBF && bytes[index + 2] >= 0xBE:
                index += 2  // U+FFFE or U+FFFF
            default:
                output.append(byte)
            }
            index += 1
        }
    }

    /// `text` escaped as a String, for the few small parts built as strings (sheet name in workbook.xml).
    static func escaped(_ text: String) -> String {
        var output: [UInt8] = []
        append(text, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// True when the bytes at `index` read `_xHHHH_`.
    static func startsExcelEscape(_ bytes: [UInt8], at index: Int) -> Bool {
        guard index + 6 < bytes.count, bytes[index] == UInt8(ascii: "_"), bytes[index + 1] == UInt8(ascii: "x"),
              bytes[index + 6] == UInt8(ascii: "_") else { return false }
        return bytes[(index + 2)...(index + 5)].allSatisfy(isHexDigit)
    }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
             UInt8(ascii: "A")...UInt8(ascii: "F"):
            return true
        default:
            return false
        }
    }
}
