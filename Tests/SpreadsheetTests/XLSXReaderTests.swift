import Foundation
import Testing
@testable import Spreadsheet

@Suite struct XLSXReaderTests {
    private func rows(of parts: [String: String], maxCellLength: Int = SpreadsheetLimits.maxCellLength) throws
        -> [SpreadsheetRow] {
        let folder = try ScratchFolder()
        let path = folder.path("fixture.xlsx")
        try Fixture.write(parts, to: path)
        return try readAllRows(path, maxCellLength: maxCellLength)
    }

    @Test func sharedStringsIncludingRichTextRunsButNotPhoneticGuides() throws {
        let sst = """
            <si><t>plain</t></si>\
            <si><r><rPr><b/></rPr><t>bold </t></r><r><t xml:space="preserve">and plain</t></r></si>\
            <si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh></si>\
            <si><t>line_x000D_break</t></si>
            """
        let sheet = """
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>\
            <c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>
            """
        let result = try rows(of: Fixture.workbook(sheetData: sheet, sharedStrings: sst))
        #expect(result == [SpreadsheetRow(number: 1, values: ["plain", "bold and plain", "東京", "line\rbreak"])])
    }

    @Test func formulasGiveTheirCachedValueAndOtherTypesAreSpelledOut() throws {
        let sheet = """
            <row r="1"><c r="A1"><f>SUM(1,2)</f><v>3</v></c><c r="B1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>\
            <c r="C1" t="b"><v>1</v></c><c r="D1" t="b"><v>0</v></c><c r="E1" t="e"><f>1/0</f><v>#DIV/0!</v></c>\
            <c r="F1" t="inlineStr"><is><r><t>in</t></r><r><t>line</t></r></is></c><c r="G1"><f>A1*2</f></c></row>
            """
        let result = try rows(of: Fixture.workbook(sheetData: sheet))
        #expect(result.first?.values == ["3", "ab", "TRUE", "FALSE", "#DIV/0!", "inline", ""])
    }

    @Test func sparseCellsLandInTheirColumnsAndRowsKeepTheFileNumbers() throws {
        let sheet = """
            <row r="2"><c r="C2"><v>1</v></c></row>\
            <row r="5" spans="1:4"><c r="B5" t="inlineStr"><is><t>b</t></is></c><c r="D5"><v>4</v></c></row>\
            <row><c><v>x1</v></c><c><v>x2</v></c><c r="E6"><v>5</v></c></row>\
            <row r="9" customHeight="1"/>
            """
        let result = try rows(of: Fixture.workbook(sheetData: sheet))
        #expect(result == [
            SpreadsheetRow(number: 2, values: ["", "", "1"]),
            SpreadsheetRow(number: 5, values: ["", "b", "", "4"]),
            SpreadsheetRow(number: 6, values: ["x1", "x2", "", "", "5"]),
            SpreadsheetRow(number: 9, values: []),
        ])
    }

    @Test func numbersInDateFormatsBecomeDatesAndOthersStayNumbers() throws {
        let styles = """
            <numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy/mm/dd;@"/>\
            <numFmt numFmtId="165" formatCode="[$-804]yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot; h:mm"/></numFmts>\
            <cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>\
            <cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/>\
            <xf numFmtId="20"/><xf numFmtId="4"/></cellXfs>
            """
        let sheet = """
            <row r="1"><c r="A1"><v>45000</v></c><c r="B1" s="1"><v>45000</v></c><c r="C1" s="2"><v>45000</v></c>\
            <c r="D1" s="3"><v>45000.5</v></c><c r="E1" s="4"><v>0.5</v></c><c r="F1" s="5"><v>1.3800138E10</v></c></row>
            """
        let result = try rows(of: Fixture.workbook(sheetData: sheet, styles: styles))
        #expect(result.first?.values == ["45000", "2023-03-15", "2023-03-15", "2023-03-15 12:00:00", "0.5", "13800138000"])
    }

    @Test func workbooksInThe1904SystemConvertFromThatEpoch() throws {
        let folder = try ScratchFolder()
        let path = folder.path("mac.xlsx")
        let parts = Fixture.workbook(sheetData: #"<row r="1"><c r="A1" s="1"><v>43538</v></c></row>"#,
                                     styles: #"<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>"#,
                                     workbookProperties: #"<workbookPr date1904="1"/>"#)
        try Fixture.write(parts, to: path)
        let reader = try XLSXReader(path: path)
        #expect(reader.dateSystem == .from1904)
        var values: [String] = []
        try reader.forEachRow { values = $0.values }
        #expect(values == ["2023-03-15"])
    }

    @Test func prefixedElementNamesAreRead() throws {
        var parts = Fixture.workbook(sheetData: "")
        parts["xl/worksheets/sheet1.xml"] = """
            <x:worksheet xmlns:x="\(Fixture.main)"><x:sheetData><x:row r="1"><x:c r="B1" t="inlineStr">\
            <x:is><x:t>prefixed</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>
            """
        #expect(try rows(of: parts).first?.values == ["", "prefixed"])
    }

    @Test func aFileThatIsNotAZipIsRefused() throws {
        let folder = try ScratchFolder()
        let path = folder.path("fake.xlsx")
        try Data("name,phone\nTom,123\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: SpreadsheetError.notAZipFile) { _ = try XLSXReader(path: path) }
        #expect(SpreadsheetError.notAZipFile.description.contains("not a zip"))
        #expect(throws: SpreadsheetError.unreadableFile(path: folder.path("nope.xlsx"), reason: "no such readable file")) {
            _ = try XLSXReader(path: folder.path("nope.xlsx"))
        }
    }

    @Test func aZipWithoutWorksheetIsRefused() throws {
        let folder = try ScratchFolder()
        let path = folder.path("empty.xlsx")
        try Fixture.write(["readme.txt": "hello", "xl/workbook.xml": "<workbook/>"], to: path)
        #expect(throws: SpreadsheetError.noWorksheet) { _ = try XLSXReader(path: path) }
    }

    @Test func anOverLongInlineCellIsRefusedNamingItsRow() throws {
        let long = String(repeating: "长", count: 32_768)
        let sheet = """
            <row r="1"><c r="A1"><v>1</v></c></row>\
            <row r="3"><c r="A3"><v>1</v></c><c r="B3" t="inlineStr"><is><t>\(long)</t></is></c></row>
            """
        let error = try #require(throws: SpreadsheetError.self) { try rows(of: Fixture.workbook(sheetData: sheet)) }
        #expect(error == .cellTooLong(row: 3, column: 2, limit: 32_767))
        #expect(error.description == "Row 3, column B: the cell is longer than 32767 characters.")
    }

    @Test func anOverLongSharedStringIsRefusedWhereARowUsesIt() throws {
        let sst = "<si><t>short</t></si><si><t>\(String(repeating: "x", count: 11))</t></si>"
        let sheet = #"<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="C2" t="s"><v>1</v></c></row>"#
        let parts = Fixture.workbook(sheetData: sheet, sharedStrings: sst)
        #expect(throws: SpreadsheetError.cellTooLong(row: 2, column: 3, limit: 10)) {
            try rows(of: parts, maxCellLength: 10)
        }
        #expect(try rows(of: parts, maxCellLength: 11).last?.values == ["", "", "xxxxxxxxxxx"])
    }

    @Test func anEntityExpansionBombIsRefused() throws {
        var declarations = #"<!ENTITY e0 "lol">"#
        for level in 1...9 {
            declarations += "<!ENTITY e\(level) \"" + String(repeating: "&e\(level - 1);", count: 10) + "\">"
        }
        var parts = Fixture.workbook(sheetData: "")
        parts["xl/worksheets/sheet1.xml"] = """
            <?xml version="1.0"?><!DOCTYPE worksheet [\(declarations)]><worksheet xmlns="\(Fixture.main)">\
            <sheetData><row r="1"><c t="inlineStr"><is><t>&e9;</t></is></c></row></sheetData></worksheet>
            """
        let error = try #require(throws: SpreadsheetError.self) { try rows(of: parts) }
        guard case .malformedWorkbook = error else {
            Issue.record("expected a damaged-workbook error, got \(error)")
            return
        }
    }

    @Test func anErrorThrownByTheCallerStopsReadingAndComesBackUnchanged() throws {
        struct Stop: Error, Equatable {}
        let folder = try ScratchFolder()
        let path = folder.path("stop.xlsx")
        try Fixture.write(Fixture.workbook(sheetData: #"<row r="1"/><row r="2"/><row r="3"/>"#), to: path)
        var seen: [Int] = []
        #expect(throws: Stop()) {
            try XLSXReader(path: path).forEachRow { row in
                seen.append(row.number)
                if row.number == 2 { throw Stop() }
            }
        }
        #expect(seen == [1, 2])
    }
}
