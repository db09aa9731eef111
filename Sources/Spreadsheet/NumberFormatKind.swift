/// What a cell's number format makes of its number: a plain number, a date, or a date with a time.
enum NumberFormatKind: Equatable {
    case number
    case date
    case dateTime

    /// Built-in format ids that show dates; 27–36 and 50–58 are the East Asian (zh-CN, ja-JP) ones.
    private static let builtInDates: Set<Int> = [14, 15, 16, 17, 27, 28, 29, 30, 31, 36, 50, 51, 52, 53, 54, 55, 56, 57, 58]
    private static let builtInDateTimes: Set<Int> = [22]

    /// The kind of a format given by id, with its code when the workbook defines one.
    init(formatID: Int, formatCode: String?) {
        if let formatCode {
            self.init(formatCode: formatCode)
        } else if Self.builtInDateTimes.contains(formatID) {
            self = .dateTime
        } else if Self.builtInDates.contains(formatID) {
            self = .date
        } else {
            self = .number  // including the built-in time-only formats 18–21, 32–35 and 45–47
        }
    }

    /// Classifies a format code such as `yyyy-mm-dd` or `#,##0.00`; a time of day alone stays a number.
    init(formatCode: String) {
        var letters = Set<Character>()
        var inQuote = false
        var inBracket = false
        var skipNext = false
        for character in formatCode {
            if skipNext {
                skipNext = false
                continue
            }
            if inQuote {
                inQuote = character != "\""
                continue
            }
            if inBracket {
                // [h], [mm], [ss] are elapsed time; colours and locales ([Red], [$-804]) say nothing.
                if character == "]" { inBracket = false } else if "hHsS".contains(character) { letters.insert("h") }
                continue
            }
            if character == ";" { break }  // only the first (positive numbers) section decides
            switch character {
            case "\\", "_", "*": skipNext = true  // an escaped, padding or repeated character follows
            case "\"": inQuote = true
            case "[": inBracket = true
            default: letters.insert(Character(character.lowercased()))
            }
        }
        let hasTime = letters.contains("h") || letters.contains("s")
        let hasDate = letters.contains("y") || letters.contains("d") || (letters.contains("m") && !hasTime)
        self = hasDate ? (hasTime ? .dateTime : .date) : .number
    }
}
