import Foundation
import Testing
@testable import Spreadsheet

@Suite struct XLSXRoundTripTests {
    @Test func awkwardTextNumbersDatesAndGapsComeBackAsWritten() throws {
        let folder = try ScratchFolder()
        let path = folder.path("customers.xlsx")
        let writer = try XLSXWriter(path: path, sheetName: "客户 & Co")
        try writer.appendHeader(["Name", "Note", "Count", "Since"])
        let march15 = try #require(CalendarDate(year: 2023, month: 3, day: 15))
        try writer.append([.text("<b>Tom & \"Jerry\" 'O'</b>"), .text("张三 😀 👨‍👩‍👧"), .number(42), .date(march15)])
        try writer.append([.text("a"), .empty, .text(""), .number(-0.125)])
        try writer.append([.text("  padded  "), .text("line1\nline2\r\nline3\ttab"), .number(13_800_138_000)])
        try writer.append([.text("bell\u{7}gone"), .text("literal _x0041_ stays"), .number(1e-5), .number(1.5e20)])
        try writer.append([])
        try writer.finish()

        let reader = try XLSXReader(path: path)
        #expect(reader.sheetName == "客户 & Co")
        var rows: [SpreadsheetRow] = []
        try reader.forEachRow { rows.append($0) }
        #expect(rows.map(\.number) == [1, 2, 3, 4, 5, 6])
        #expect(rows[0].values == ["Name", "Note", "Count", "Since"])
        #expect(rows[1].values == ["<b>Tom & \"Jerry\" 'O'</b>", "张三 😀 👨‍👩‍👧", "42", "2023-03-15"])
        #expect(rows[2].values == ["a", "", "", "-0.125"])
        #expect(rows[3].values == ["  padded  ", "line1\nline2\r\nline3\ttab", "13800138000"])
        #expect(rows[4].values == ["bellgone", "literal _x0041_ stays", "1E-05", "1.5E+20"])
        #expect(rows[5].values == [] && rows[5].isBlank)
    }

    @Test func tenThousandRowsOfTwelveColumnsRoundTrip() throws {
        let folder = try ScratchFolder()
        let path = folder.path("big.xlsx")
        let writer = try XLSXWriter(path: path, sheetName: "Export")
        for index in 1...10_000 {
            try writer.append((1...12).map { column in
                column.isMultiple(of: 3) ? .number(Double(index * column)) : .text("r\(index)c\(column) 名")
            })
        }
        try writer.finish()
        #expect(writer.rowCount == 10_000)

        var count = 0
        try XLSXReader(path: path).forEachRow { row in
            count += 1
            #expect(row.number == count)
            #expect(row.values.count == 12)
            if row.number == 9_876 {
                #expect(row.values[0] == "r9876c1 名")
                #expect(row.values[2] == "29628")
                #expect(row.values[11] == "118512")
            }
        }
        #expect(count == 10_000)
    }

    @Test func templateHoldsOnlyTheHeaderRow() throws {
        let folder = try ScratchFolder()
        let path = folder.path("template.xlsx")
        try XLSXWriter.writeTemplate(path: path, sheetName: "导入模板", header: ["姓名", "电话", "备注"],
                                     columnWidths: [12, 16, 30])
        let rows = try readAllRows(path)
        #expect(rows == [SpreadsheetRow(number: 1, values: ["姓名", "电话", "备注"])])
    }
}
