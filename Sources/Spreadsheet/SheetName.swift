/// Excel's rules for sheet names; a name breaking them makes Excel offer to repair the file.
enum SheetName {
    private static let forbidden: Set<Character> = [":", "\\", "/", "?", "*", "[", "]"]

    /// True when Excel accepts `name` for a sheet.
    static func isValid(_ name: String) -> Bool {
        let length = name.utf16.count
        guard length >= 1, length <= 31, !name.hasPrefix("'"), !name.hasSuffix("'"),
              name.lowercased() != "history" else { return false }  // "History" is reserved by Excel
        return !name.contains { forbidden.contains($0) }
            && !name.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0xFFFE || $0.value == 0xFFFF }
    }
}
