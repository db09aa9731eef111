/// Converts between 1-based column numbers and Excel's column letters (1 = A, 27 = AA).
enum CellReference {
    /// Letters for a 1-based column number.
    static func columnLetters(_ column: Int) -> String {
        var remaining = column
        var letters: [Character] = []
        while remaining > 0 {
            let digit = (remaining - 1) % 26
            letters.append(Character(Unicode.Scalar(UInt8(ascii: "A") + UInt8(digit))))
            remaining = (remaining - 1) / 26
        }
        return String(letters.reversed())
    }

    /// The column of a reference such as `C5` or `c5`; nil without letters or beyond Excel's last column.
    static func column(of reference: String) -> Int? {
        var column = 0
        var sawLetter = false
        for byte in reference.utf8 {
            let upper = byte & ~0x20  // ASCII lower → upper; digits fall out of the A…Z test below
            guard upper >= UInt8(ascii: "A"), upper <= UInt8(ascii: "Z") else { break }
            column = column * 26 + Int(upper - UInt8(ascii: "A")) + 1
            sawLetter = true
            // Stop early so a hostile "ZZZZZZZZZZZZZ1" cannot overflow or allocate a huge row.
            if column > SpreadsheetLimits.maxColumns { return nil }
        }
        return sawLetter ? column : nil
    }
}
