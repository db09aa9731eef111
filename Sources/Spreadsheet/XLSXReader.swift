import Foundation

/// Reads the first worksheet of an .xlsx file as rows of text, streaming so memory stays flat for large sheets.
///
/// Shared strings and rich text become plain text, booleans `TRUE`/`FALSE`, formulas their cached result
/// (never evaluated), and numbers in a date format `YYYY-MM-DD` (or `YYYY-MM-DD HH:MM:SS` with a time).
public final class XLSXReader {
    /// The worksheet's tab name, when the workbook names it.
    public let sheetName: String?
    /// The workbook's date system, for callers converting serials themselves with `ExcelDate`.
    public let dateSystem: ExcelDate.System

    private let package: XLSXPackage
    private let worksheetPart: String
    private let context: WorksheetRowBuilder.Context

    /// Opens the workbook and loads its shared strings; `maxCellLength` is per cell, in UTF-16 code units.
    public init(path: String, maxCellLength: Int = SpreadsheetLimits.maxCellLength,
                convertsDateCells: Bool = true) throws {
        let package = try XLSXPackage(path: path)
        let layout = try WorkbookLayout(of: package)
        self.package = package
        sheetName = layout.sheetName
        dateSystem = layout.dateSystem
        worksheetPart = layout.worksheetPart
        let sharedStrings = try layout.sharedStringsPart.map {
            try SharedStrings(part: $0, in: package, maxLength: maxCellLength)
        } ?? SharedStrings()
        let formats = try layout.stylesPart.map { try CellFormats(part: $0, in: package) } ?? CellFormats()
        context = .init(sharedStrings: sharedStrings, formats: formats, dateSystem: layout.dateSystem,
                        convertsDateCells: convertsDateCells, maxCellLength: maxCellLength)
    }

    /// Calls `body` with each row in file order; rows absent from the file are skipped, not reported empty.
    public func forEachRow(_ body: (SpreadsheetRow) throws -> Void) throws {
        let sheet = try package.stream(worksheetPart)
        try withoutActuallyEscaping(body) { body in
            let builder = WorksheetRowBuilder(context: context, deliver: body)
            try XMLEventReader.parse(sheet, partName: worksheetPart, handler: builder)
        }
    }
}
