/// The one JSON string writer (RFC 8259 §7) for the JSON this project writes
/// by hand: stored custom fields, the OpenAPI document.
public enum JSONString {
    /// Appends `text` quoted and escaped to `out`.
    public static func append(_ text: String, to out: inout String) {
        out += "\""
        // Most values need no escaping: copy them whole.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            out += text
        } else {
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
