/// Decodes Excel's `_xHHHH_` escapes in cell text (Excel writes `_x000D_` for CR and `_x005F_` for a literal `_`).
enum ExcelStringUnescaping {
    /// `text` with each `_xHHHH_` replaced by its character; malformed or lone-surrogate escapes stay as written.
    static func unescape(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "_")) else { return text }  // a byte scan, not NSString's search
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            guard XMLTextEscaping.startsExcelEscape(bytes, at: index), let unit = codeUnit(bytes, at: index) else {
                output.append(bytes[index])
                index += 1
                continue
            }
            if let scalar = Unicode.Scalar(unit) {
                output.append(contentsOf: String(Character(scalar)).utf8)
                index += 7
            } else if (0xD800...0xDBFF).contains(unit), XMLTextEscaping.startsExcelEscape(bytes, at: index + 7),
                      let low = codeUnit(bytes, at: index + 7), (0xDC00...0xDFFF).contains(low),
                      let scalar = Unicode.Scalar(0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)) {
                output.append(contentsOf: String(Character(scalar)).utf8)
                index += 14
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The four hex digits of an escape starting at `index`.
    private static func codeUnit(_ bytes: [UInt8], at index: Int) -> UInt16? {
        UInt16(String(decoding: bytes[(index + 2)...(index + 5)], as: UTF8.self), radix: 16)
    }
}
