import Foundation

/// Everything the readers and the writer refuse, each with a message fit to show the person importing.
public enum SpreadsheetError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// The file could not be opened or read.
    case unreadableFile(path: String, reason: String)
    /// The output file could not be created or written.
    case unwritableFile(path: String, reason: String)
    /// The file is not a zip archive, so it cannot be an .xlsx workbook.
    case notAZipFile
    /// The zip holds no worksheet.
    case noWorksheet
    /// A part of the workbook is damaged; the text says which and how.
    case malformedWorkbook(String)
    /// A cell holds more than `limit` characters (UTF-16 code units).
    case cellTooLong(row: Int, column: Int, limit: Int)
    /// A row reaches past Excel's last column.
    case tooManyColumns(row: Int)
    /// The writer was given more rows than one Excel sheet holds.
    case tooManyRows
    /// A sheet name Excel would reject.
    case invalidSheetName(String)
    /// A number cell that is NaN or infinite, which a sheet cannot store.
    case invalidNumber(row: Int, column: Int)
    /// The writer was used after `finish()`.
    case writerFinished
    /// The text is in an encoding this library does not read.
    case unsupportedEncoding(String)
    /// Bytes that are neither UTF-8 nor GB18030.
    case undecodableText(row: Int)
    /// A quoted CSV field never closes.
    case unterminatedQuote(row: Int)
    /// A part of the workbook inflates past `limit` bytes.
    case inflatedTooLarge(limit: Int)
    /// A part inflates to more than `limit` times its compressed size (a zip bomb).
    case inflateRatio(limit: Int)

    /// A sentence for the person importing or exporting, naming the row and column where there is one.
    public var description: String {
        switch self {
        case let .unreadableFile(path, reason):
            return "Cannot read \(path): \(reason)."
        case let .unwritableFile(path, reason):
            return "Cannot write \(path): \(reason)."
        case .notAZipFile:
            return "The file is not an Excel .xlsx workbook (it is not a zip archive)."
        case .noWorksheet:
            return "The workbook contains no worksheet."
        case let .malformedWorkbook(detail):
            return "The workbook is damaged: \(detail)."
        case let .cellTooLong(row, column, limit):
            return "Row \(row), column \(CellReference.columnLetters(column)): the cell is longer than \(limit) characters."
        case let .tooManyColumns(row):
            return "Row \(row) has more than \(SpreadsheetLimits.maxColumns) columns."
        case .tooManyRows:
            return "A worksheet holds at most \(SpreadsheetLimits.maxRows) rows."
        case let .invalidSheetName(name):
            return "\"\(name)\" cannot be a sheet name (1–31 characters, none of : \\ / ? * [ ])."
        case let .invalidNumber(row, column):
            return "Row \(row), column \(CellReference.columnLetters(column)): the number is not finite."
        case .writerFinished:
            return "The spreadsheet was already finished."
        case let .unsupportedEncoding(name):
            return "The text is encoded as \(name), which is not supported; save it as CSV UTF-8."
        case let .undecodableText(row):
            return "Row \(row): the text is neither UTF-8 nor GBK/GB18030."
        case let .unterminatedQuote(row):
            return "Row \(row): a quoted field is never closed."
        case let .inflatedTooLarge(limit):
            return "The workbook unpacks to more than \(limit >> 20) MiB of sheet data; split it into smaller files."
        case let .inflateRatio(limit):
            return "The workbook unpacks to more than \(limit) times its size, which real spreadsheets never do; it was refused."
        }
    }

    /// Same as `description`, so `localizedDescription` shows it.
    public var errorDescription: String? { description }
}
