/// One row read from a file: its 1-based number as a spreadsheet program shows it, and its cells as text.
public struct SpreadsheetRow: Sendable, Hashable {
    /// The row number users see (XLSX: the row's `r`; CSV: the record's position, quoted newlines included).
    public let number: Int
    /// Cell texts from column A on; missing cells in the middle are empty strings.
    public let values: [String]

    /// Creates a row from its number and cell texts.
    public init(number: Int, values: [String]) {
        self.number = number
        self.values = values
    }

    /// True when the row has no non-empty cell, so importers can skip it.
    public var isBlank: Bool { values.allSatisfy(\.isEmpty) }
}
