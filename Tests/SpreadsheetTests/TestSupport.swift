import Foundation
@testable import Spreadsheet

/// A fresh folder per test, removed when the test's value goes away.
final class ScratchFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("spreadsheet-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// Every row of the first worksheet, for tests on small files.
func readAllRows(_ path: String, maxCellLength: Int = SpreadsheetLimits.maxCellLength) throws -> [SpreadsheetRow] {
    var rows: [SpreadsheetRow] = []
    try XLSXReader(path: path, maxCellLength: maxCellLength).forEachRow { rows.append($0) }
    return rows
}

/// Every CSV row of some bytes.
func readAllRows(csv data: Data, maxFieldLength: Int = SpreadsheetLimits.maxCellLength) throws -> [SpreadsheetRow] {
    var rows: [SpreadsheetRow] = []
    try CSVReader(maxFieldLength: maxFieldLength).read(data) { rows.append($0) }
    return rows
}

/// Hand-built workbooks shaped like the ones Excel and LibreOffice write, for reader tests.
enum Fixture {
    static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    /// Zips `parts` into an .xlsx at `path`.
    static func write(_ parts: [String: String], to path: String) throws {
        let zip = try ZipPackageWriter(creatingAt: URL(fileURLWithPath: path))
        for (name, text) in parts.sorted(by: { $0.key < $1.key }) {
            try zip.add(name, text: text)
        }
    }

    /// A workbook with one sheet holding `sheetData`, plus optional shared strings, styles and workbook flags.
    static func workbook(sheetData: String, sharedStrings: String? = nil, styles: String? = nil,
                         workbookProperties: String = "", sheetName: String = "Data") -> [String: String] {
        var relationships = #"<Relationship Id="rId1" Type="\#(rel)/worksheet" Target="worksheets/sheet1.xml"/>"#
        var parts = [
            "_rels/.rels": #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="\#(rel)/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
            "xl/workbook.xml": #"<workbook xmlns="\#(main)" xmlns:r="\#(rel)">\#(workbookProperties)<sheets><sheet name="\#(sheetName)" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
            "xl/worksheets/sheet1.xml": #"<worksheet xmlns="\#(main)"><sheetData>\#(sheetData)</sheetData></worksheet>"#,
        ]
        if let sharedStrings {
            relationships += #"<Relationship Id="rId2" Type="\#(rel)/sharedStrings" Target="sharedStrings.xml"/>"#
            parts["xl/sharedStrings.xml"] = #"<sst xmlns="\#(main)">\#(sharedStrings)</sst>"#
        }
        if let styles {
            relationships += #"<Relationship Id="rId3" Type="\#(rel)/styles" Target="styles.xml"/>"#
            parts["xl/styles.xml"] = #"<styleSheet xmlns="\#(main)">\#(styles)</styleSheet>"#
        }
        parts["xl/_rels/workbook.xml.rels"] =
            #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\#(relationships)</Relationships>"#
        return parts
    }
}
