/// Accumulates a cell's text from parser pieces, stopping at a length limit so a huge cell cannot exhaust memory.
struct CellTextBuffer {
    private(set) var value = ""
    /// Length so far in UTF-16 code units, the unit of Excel's cell limit.
    private(set) var length = 0

    /// Appends a piece; returns false, and drops the text, once the total passes `limit`.
    mutating func append(_ piece: String, limit: Int) -> Bool {
        length += piece.utf16.count
        guard length <= limit else {
            value = ""
            return false
        }
        value += piece
        return true
    }

    mutating func reset() {
        value = ""
        length = 0
    }
}
