import Testing
@testable import Spreadsheet

@Suite struct CellReferenceTests {
    @Test(arguments: [(1, "A"), (26, "Z"), (27, "AA"), (702, "ZZ"), (703, "AAA"), (16_384, "XFD")])
    func columnsAndLettersConvertBothWays(column: Int, letters: String) {
        #expect(CellReference.columnLetters(column) == letters)
        #expect(CellReference.column(of: letters + "12") == column)
    }

    @Test func referencesBeyondTheSheetOrWithoutLettersAreRefused() {
        #expect(CellReference.column(of: "XFE1") == nil)
        #expect(CellReference.column(of: "ZZZZZZZZZZZZZZZZ1") == nil)
        #expect(CellReference.column(of: "12") == nil)
        #expect(CellReference.column(of: "c5") == 3)
    }
}
