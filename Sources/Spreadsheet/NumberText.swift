/// How a stored number is handed to callers as text.
enum NumberText {
    /// Whole numbers without exponent or fraction (`1.3800138E10` → `13800138000`, so phone numbers survive);
    /// anything else exactly as stored, since re-printing a double could change digits the user typed.
    static func display(_ stored: String) -> String {
        let trimmed = stored.trimmingSpacesAndTabs
        guard !trimmed.isEmpty, !isPlainInteger(trimmed), let value = Double(trimmed), value.isFinite,
              value == value.rounded(), abs(value) < 1e15 else { return trimmed }
        return String(Int64(value))
    }

    private static func isPlainInteger(_ text: String) -> Bool {
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        return !digits.isEmpty && digits.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
