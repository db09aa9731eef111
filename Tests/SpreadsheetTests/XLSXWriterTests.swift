import Foundation
import Testing
@testable import Spreadsheet

@Suite struct XLSXWriterTests {
    @Test func packageHasThePartsExcelNeeds() throws {
        let folder = try ScratchFolder()
        let path = folder.path("parts.xlsx")
        let writer = try XLSXWriter(path: path, sheetName: "Sheet1", columnWidths: [20])
        try writer.appendHeader(["Name"])
        try writer.append([.text("x")])
        try writer.finish()

        let package = try XLSXPackage(path: path)
        for part in ["[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "docProps/app.xml", "xl/workbook.xml",
                     "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/worksheets/sheet1.xml"] {
            #expect(package.contains(part), "missing \(part)")
        }
        let sheet = String(decoding: try #require(try package.data(of: "xl/worksheets/sheet1.xml")), as: UTF8.self)
        #expect(sheet.contains(#"<c r="A1" s="1" t="inlineStr"><is><t>Name</t></is></c>"#))
        #expect(sheet.contains(#"state="frozen""#))
        #expect(sheet.contains(#"<col min="1" max="1" width="20.0" customWidth="1"/>"#))
    }

    @Test func fileAppearsOnlyWhenFinishedAndReplacesAnOldOne() throws {
        let folder = try ScratchFolder()
        let path = folder.path("out.xlsx")
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))
        let writer = try XLSXWriter(path: path)
        try writer.append([.text("new")])
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data("old".utf8))
        try writer.finish()
        #expect(try readAllRows(path).first?.values == ["new"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["out.xlsx"])
    }

    @Test func refusedRowsAreNotWrittenAndWritingGoesOn() throws {
        let folder = try ScratchFolder()
        let path = folder.path("refusals.xlsx")
        let writer = try XLSXWriter(path: path)
        try writer.append([.text("first")])
        #expect(throws: SpreadsheetError.cellTooLong(row: 2, column: 2, limit: 32_767)) {
            try writer.append([.text("ok"), .text(String(repeating: "x", count: 32_768))])
        }
        #expect(throws: SpreadsheetError.invalidNumber(row: 2, column: 1)) { try writer.append([.number(.nan)]) }
        #expect(throws: SpreadsheetError.tooManyColumns(row: 2)) {
            try writer.append(Array(repeating: .empty, count: 16_385))
        }
        try writer.append([.text(String(repeating: "y", count: 32_767))])
        try writer.finish()
        #expect(throws: SpreadsheetError.writerFinished) { try writer.append([.text("late")]) }
        #expect(try readAllRows(path).map(\.values.first?.count) == [5, 32_767])
    }

    @Test(arguments: ["", "a/b", "what?", "[x]", "'quoted'", "History", String(repeating: "n", count: 32)])
    func sheetNamesExcelRejectsAreRefused(name: String) throws {
        let folder = try ScratchFolder()
        #expect(throws: SpreadsheetError.invalidSheetName(name)) {
            _ = try XLSXWriter(path: folder.path("x.xlsx"), sheetName: name)
        }
    }

    @Test func datesExcelCannotHoldAreWrittenAsText() throws {
        let folder = try ScratchFolder()
        let path = folder.path("old.xlsx")
        let writer = try XLSXWriter(path: path)
        try writer.append([.date(try #require(CalendarDate(year: 1850, month: 7, day: 4)))])
        try writer.finish()
        #expect(try readAllRows(path).first?.values == ["1850-07-04"])
    }
}
