/// One cell handed to `XLSXWriter`.
public enum Cell: Sendable, Hashable {
    /// Text, written as an inline string (so no shared-strings table has to be kept in memory).
    case text(String)
    /// A number; NaN and infinities are refused.
    case number(Double)
    /// A real Excel date, shown as `yyyy-mm-dd` and sortable as a date.
    case date(CalendarDate)
    /// Nothing; the cell is left out of the file.
    case empty
}
