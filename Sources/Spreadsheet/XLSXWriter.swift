import Foundation

/// Streams rows into a one-sheet .xlsx file; rows are spooled to a temporary file, so memory stays flat.
///
/// Text is written as inline strings, numbers as numbers, and dates as real Excel dates formatted `yyyy-mm-dd`.
/// The file appears at `path` only when `finish()` succeeds, replacing any file already there.
public final class XLSXWriter {
    /// Rows appended so far, the header included.
    public private(set) var rowCount = 0

    private let path: String
    private let sheetName: String
    private let columnWidths: [Double]
    private var encoder: SheetRowEncoder
    private var spool: SpoolFile?
    private var isFinished = false

    /// Starts a one-sheet workbook at `path`; widths are Excel character units from column A; the cell limit can only be lowered.
    public init(path: String, sheetName: String = "Sheet1", columnWidths: [Double] = [],
                maxCellLength: Int = SpreadsheetLimits.maxCellLength) throws {
        guard SheetName.isValid(sheetName) else { throw SpreadsheetError.invalidSheetName(sheetName) }
        self.path = path
        self.sheetName = sheetName
        self.columnWidths = columnWidths
        self.encoder = SheetRowEncoder(maxCellLength: min(maxCellLength, SpreadsheetLimits.maxCellLength))
    }

    /// Appends a bold header row; as the first row it is also frozen so it stays visible while scrolling.
    public func appendHeader(_ titles: [String]) throws {
        try appendRow(titles.map(Cell.text), styleIndex: XLSXPackageParts.boldStyleIndex, isHeader: true)
    }

    /// Appends one row; `.empty` cells leave gaps. A refused row is not written, so the caller may go on.
    public func append(_ cells: [Cell]) throws {
        try appendRow(cells, styleIndex: nil, isHeader: false)
    }

    /// Writes the zip and moves it to `path`; the writer cannot be used afterwards.
    public func finish() throws {
        guard !isFinished else { throw SpreadsheetError.writerFinished }
        isFinished = true
        let spool = try openSpool(freezingFirstRow: false)
        defer { spool.remove() }
        try spool.write(XLSXPackageParts.worksheetEnd)
        try spool.close()

        let destination = URL(fileURLWithPath: path)
        // Built beside the destination so the final rename stays on one file system and is atomic.
        let partial = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).\(UUID().uuidString).partial")
        defer { try? FileManager.default.removeItem(at: partial) }
        let zip = try ZipPackageWriter(creatingAt: partial)
        try zip.add("[Content_Types].xml", text: XLSXPackageParts.contentTypes)
        try zip.add("_rels/.rels", text: XLSXPackageParts.rootRelationships)
        try zip.add("docProps/core.xml", text: XLSXPackageParts.coreProperties(createdAt: Self.timestamp()))
        try zip.add("docProps/app.xml", text: XLSXPackageParts.appProperties)
        try zip.add("xl/workbook.xml", text: XLSXPackageParts.workbook(sheetName: sheetName))
        try zip.add("xl/_rels/workbook.xml.rels", text: XLSXPackageParts.workbookRelationships)
        try zip.add("xl/styles.xml", text: XLSXPackageParts.styles)
        try zip.add("xl/worksheets/sheet1.xml", fileAt: spool.url)
        guard rename(partial.path, destination.path) == 0 else {
            throw SpreadsheetError.unwritableFile(path: path, reason: String(cString: strerror(errno)))
        }
    }

    /// Writes a workbook holding only a bold, frozen header row: an import template.
    public static func writeTemplate(path: String, sheetName: String = "Sheet1", header: [String],
                                     columnWidths: [Double] = []) throws {
        let writer = try XLSXWriter(path: path, sheetName: sheetName, columnWidths: columnWidths)
        try writer.appendHeader(header)
        try writer.finish()
    }

    private func appendRow(_ cells: [Cell], styleIndex: Int?, isHeader: Bool) throws {
        guard !isFinished else { throw SpreadsheetError.writerFinished }
        guard rowCount < SpreadsheetLimits.maxRows else { throw SpreadsheetError.tooManyRows }
        let xml = try encoder.encode(cells, rowNumber: rowCount + 1, styleIndex: styleIndex)
        try openSpool(freezingFirstRow: isHeader).write(xml)
        rowCount += 1
    }

    /// The spool, started on first use because the frozen pane must precede the rows.
    private func openSpool(freezingFirstRow: Bool) throws -> SpoolFile {
        if let spool { return spool }
        let started = try SpoolFile()
        try started.write(XLSXPackageParts.worksheetStart(freezesFirstRow: freezingFirstRow && rowCount == 0,
                                                          columnWidths: columnWidths))
        spool = started
        return started
    }

    private static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date())
    }
}
