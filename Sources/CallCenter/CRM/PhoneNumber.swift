/// Phone numbers are stored as typed and matched by a normal form: digits
/// only, with China's country prefix (`+86`, `0086`) dropped, so
/// `+86 138-0013-8000` and `13800138000` are the same number.
public enum PhoneNumber {
    public static func normalize(_ raw: String) -> String {
        var digits = String(raw.unicodeScalars.filter { ("0"..."9").contains($0) }.map(Character.init))
        let international = raw.trimmingPrefixWhitespace.hasPrefix("+")
        if international, digits.hasPrefix("86"), digits.count > 11 {
            digits.removeFirst(2)
        } else if digits.hasPrefix("0086"), digits.count > 13 {
            digits.removeFirst(4)
        }
        return digits
    }

    /// A number someone could dial: 3–20 digits once normalized, and only
    /// digits, spaces, `+ - ( ) .` as typed.
    public static func isPlausible(_ raw: String) -> Bool {
        let allowed = raw.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || " +-().".unicodeScalars.contains($0) }
        return allowed && (3...20).contains(normalize(raw).count)
    }
}

extension String {
    fileprivate var trimmingPrefixWhitespace: Substring { drop { $0 == " " || $0 == "\t" } }
}
