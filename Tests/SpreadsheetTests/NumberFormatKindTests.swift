import Testing
@testable import Spreadsheet

@Suite struct NumberFormatKindTests {
    @Test(arguments: [
        ("yyyy-mm-dd", NumberFormatKind.date), ("d/m/yy", .date), ("mmm", .date), ("[$-804]yyyy\"年\"m\"月\"", .date),
        ("yyyy-mm-dd hh:mm:ss", .dateTime), ("m/d/yy h:mm AM/PM", .dateTime),
        ("h:mm", .number), ("[h]:mm:ss", .number), ("mm:ss", .number),
        ("General", .number), ("0.00", .number), ("#,##0 \"days\"", .number), ("[Red]0.0", .number),
        ("0.00E+00", .number), ("@", .number), ("0;[Red]-0;\"dd\"", .number),
    ])
    func formatCodesAreClassified(code: String, expected: NumberFormatKind) {
        #expect(NumberFormatKind(formatCode: code) == expected)
    }

    @Test func builtInFormatIDsAreClassifiedWithoutACode() {
        #expect(NumberFormatKind(formatID: 14, formatCode: nil) == .date)
        #expect(NumberFormatKind(formatID: 22, formatCode: nil) == .dateTime)
        #expect(NumberFormatKind(formatID: 31, formatCode: nil) == .date)
        #expect(NumberFormatKind(formatID: 21, formatCode: nil) == .number)
        #expect(NumberFormatKind(formatID: 0, formatCode: nil) == .number)
    }
}
