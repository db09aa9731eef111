/// Phone numbers are stored as typed and matched by a normal form: digits
/// only, with China's country prefix (`+86`, `0086`) dropped, so
/// `+86 138-0013-8000` and `13800138000` are the same number.
public enum PhoneNumber {
    public static func normalize(_ raw: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.utf8.count)
        for byte in raw.utf8 where byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") { bytes.append(byte) }
        var digits = String(decoding: bytes, as: UTF8.self)
        let international = raw.trimmingPrefixWhitespace.hasPrefix("+")
        if international, digits.hasPrefix("86"), digits.utf8.count > 11 {
            digits.removeFirst(2)
        } else if digits.hasPrefix("0086"), digits.utf8.count > 13 {
            digits.removeFirst(4)
        }
        return digits
    }

    /// A number someone could dial: 3–20 digits once normalized, and only
    /// digits, spaces, `+ - ( ) .` as typed.
    public static func isPlausible(_ raw: String) -> Bool {
        let allowed = raw.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == 0x20 || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "(") || byte == UInt8(ascii: ")") || byte == UInt8(ascii: ".")
        }
        return allowed && (3...20).contains(normalize(raw).utf8.count)
    }
}

extension String {
    fileprivate var trimmingPrefixWhitespace: Substring { drop { $0 == " " || $0 == "\t" } }
}
