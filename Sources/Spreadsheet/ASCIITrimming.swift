extension String {
    /// The string without leading or trailing spaces and tabs; cheap when there are none, which is nearly always
    /// (Foundation's `trimmingCharacters` bridges through NSString and dominated read time per cell).
    var trimmingSpacesAndTabs: String {
        let bytes = utf8
        func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let first = bytes.first, let last = bytes.last, isBlank(first) || isBlank(last) else { return self }
        guard let start = bytes.firstIndex(where: { !isBlank($0) }),
              let end = bytes.lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(self[start...end])
    }
}
