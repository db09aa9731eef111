/// Limits shared by the readers and the writer; Excel's own, so files we accept or write open there too.
public enum SpreadsheetLimits {
    /// Longest cell Excel accepts, counted in UTF-16 code units as Excel counts it.
    public static let maxCellLength = 32_767
    /// Rows in one Excel worksheet.
    public static let maxRows = 1_048_576
    /// Columns in one Excel worksheet (A…XFD).
    public static let maxColumns = 16_384
}
