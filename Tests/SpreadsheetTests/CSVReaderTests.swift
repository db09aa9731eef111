import Foundation
import Testing
@testable import Spreadsheet

@Suite struct CSVReaderTests {
    @Test func quotedFieldsDoubledQuotesAndNewlinesInsideQuotes() throws {
        let csv = "name,note\r\n\"Doe, Jane\",\"said \"\"hi\"\"\"\r\n\"multi\nline\",plain\r\n"
        let rows = try readAllRows(csv: Data(csv.utf8))
        #expect(rows == [
            SpreadsheetRow(number: 1, values: ["name", "note"]),
            SpreadsheetRow(number: 2, values: ["Doe, Jane", "said \"hi\""]),
            SpreadsheetRow(number: 3, values: ["multi\nline", "plain"]),
        ])
    }

    @Test func lineEndingsEmptyFieldsAndTheLastLine() throws {
        let rows = try readAllRows(csv: Data("a,,c\n\n,\r\nlast,\"\"".utf8))
        #expect(rows.map(\.values) == [["a", "", "c"], [""], ["", ""], ["last", ""]])
        #expect(rows.map(\.number) == [1, 2, 3, 4])
        #expect(rows[1].isBlank)
        #expect(try readAllRows(csv: Data("x\n".utf8)).count == 1)
        #expect(try readAllRows(csv: Data()).isEmpty)
    }

    @Test func excelsLenientQuotingIsAccepted() throws {
        let rows = try readAllRows(csv: Data("5\" disk,\"ab\"c\n".utf8))
        #expect(rows.first?.values == ["5\" disk", "abc"])
    }

    @Test func utf8WithByteOrderMark() throws {
        var data = Data([0xEF, 0xBB, 0xBF])
        data.append(Data("姓名,电话\n张三,13800138000\n".utf8))
        var rows: [SpreadsheetRow] = []
        let encoding = try CSVReader().read(data) { rows.append($0) }
        #expect(encoding == .utf8)
        #expect(rows.map(\.values) == [["姓名", "电话"], ["张三", "13800138000"]])
    }

    @Test func gbkBytesAreDecodedAsGB18030() throws {
        // "姓名,电话\n张三,138\n" as Chinese Windows Excel saves it ("张三" is D5 C5 C8 FD).
        let gbk: [UInt8] = [0xD0, 0xD5, 0xC3, 0xFB, 0x2C, 0xB5, 0xE7, 0xBB, 0xB0, 0x0A,
                            0xD5, 0xC5, 0xC8, 0xFD, 0x2C, 0x31, 0x33, 0x38, 0x0A]
        let folder = try ScratchFolder()
        let path = folder.path("gbk.csv")
        try Data(gbk).write(to: URL(fileURLWithPath: path))
        var rows: [SpreadsheetRow] = []
        let encoding = try CSVReader().read(contentsOfFile: path) { rows.append($0) }
        #expect(encoding == .gb18030)
        #expect(rows.map(\.values) == [["姓名", "电话"], ["张三", "138"]])
    }

    @Test func gbkTrailBytesThatLookLikeDelimitersDoNotSplitFields() throws {
        // "丂" 81 40 and "亅" 81 7C have ASCII-range trail bytes; "😀" takes four bytes, two of them digits.
        let rows = try readAllRows(csv: Data([0x81, 0x40, 0x81, 0x7C, 0x2C, 0x94, 0x39, 0xFC, 0x36, 0x0A]))
        #expect(rows.first?.values == ["丂亅", "😀"])
    }

    @Test func bytesThatAreNeitherEncodingAreRefusedNamingTheRow() throws {
        #expect(throws: SpreadsheetError.undecodableText(row: 2)) {
            try readAllRows(csv: Data([0x61, 0x0A, 0x62, 0x2C, 0xFF, 0x0A]))
        }
    }

    @Test func anOverLongFieldIsRefusedNamingTheRow() throws {
        let long = String(repeating: "x", count: 32_768)
        let error = try #require(throws: SpreadsheetError.self) {
            try readAllRows(csv: Data("a,b\n\"multi\nline\",ok\nc,\"\(long)\"\n".utf8))
        }
        #expect(error == .cellTooLong(row: 3, column: 2, limit: 32_767))
        #expect(throws: SpreadsheetError.cellTooLong(row: 1, column: 1, limit: 3)) {
            try readAllRows(csv: Data("长长长长\n".utf8), maxFieldLength: 3)
        }
        #expect(try readAllRows(csv: Data("长长长\n".utf8), maxFieldLength: 3).first?.values == ["长长长"])
    }

    @Test func anUnclosedQuoteIsRefused() throws {
        #expect(throws: SpreadsheetError.unterminatedQuote(row: 2)) {
            try readAllRows(csv: Data("a\n\"never closed,b\nc\n".utf8))
        }
    }

    @Test func utf16IsRefusedWithAMessageSayingWhatToDo() throws {
        let error = try #require(throws: SpreadsheetError.self) { try readAllRows(csv: Data([0xFF, 0xFE, 0x61, 0x00])) }
        #expect(error == .unsupportedEncoding("UTF-16"))
        #expect(error.description.contains("CSV UTF-8"))
    }

    @Test func aCRLFSplitAcrossReadChunksIsOneLineBreak() throws {
        // A first line whose CR is the last byte of the first chunk, in fields short enough to be accepted.
        let field = String(repeating: "a", count: 1023)
        let firstLine = Array(repeating: field, count: ByteChunks.chunkSize / 1024).joined(separator: ",")
        #expect(firstLine.utf8.count == ByteChunks.chunkSize - 1)
        let folder = try ScratchFolder()
        let path = folder.path("chunks.csv")
        try Data((firstLine + "\r\nsecond\r\n").utf8).write(to: URL(fileURLWithPath: path))
        var rows: [SpreadsheetRow] = []
        try CSVReader().read(contentsOfFile: path) { rows.append($0) }
        #expect(rows.map(\.number) == [1, 2])
        #expect(rows.last?.values == ["second"])
    }
}
