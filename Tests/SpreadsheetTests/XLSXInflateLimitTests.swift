import Foundation
import Testing
@testable import Spreadsheet

/// An .xlsx is a zip: a small upload can unpack to gigabytes. The sheet is
/// streamed from the archive (nothing written to disk) and refused once it
/// inflates out of proportion.
@Suite struct XLSXInflateLimitTests {
    @Test func aSheetThatInflatesAThousandfoldIsRefused() throws {
        let folder = try ScratchFolder()
        let path = folder.path("bomb.xlsx")
        // 24 MiB of spaces deflate to a few tens of kilobytes.
        let padding = String(repeating: " ", count: 24 << 20)
        try Fixture.write(Fixture.workbook(sheetData: #"<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>"# + padding), to: path)
        let compressed = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        #expect(compressed < 1 << 20)

        var seen = 0
        #expect(throws: SpreadsheetError.inflateRatio(limit: 100)) {
            try XLSXReader(path: path).forEachRow { _ in seen += 1 }
        }
    }

    @Test func stoppingEarlyReleasesTheInflatingThread() throws {
        let folder = try ScratchFolder()
        let path = folder.path("rows.xlsx")
        let rows = (1...5_000).map { #"<row r="\#($0)"><c r="A\#($0)"><v>\#($0)</v></c></row>"# }.joined()
        try Fixture.write(Fixture.workbook(sheetData: rows), to: path)
        struct Enough: Error {}
        var seen = 0
        #expect(throws: Enough.self) {
            try XLSXReader(path: path).forEachRow { _ in
                seen += 1
                if seen == 10 { throw Enough() }
            }
        }
        // The same file reads whole afterwards: nothing was left holding it.
        var all = 0
        try XLSXReader(path: path).forEachRow { _ in all += 1 }
        #expect(all == 5_000)
    }

    @Test func limitsRefuseBySizeAndByRatioOnlyPastTheFloor() {
        let limits = InflateLimits(maxBytes: 1_000, maxRatio: 10, ratioFloor: 100)
        #expect(limits.refusal(inflated: 1_001, compressed: 10_000) == .inflatedTooLarge(limit: 1_000))
        #expect(limits.refusal(inflated: 99, compressed: 1) == nil)
        #expect(limits.refusal(inflated: 200, compressed: 10) == .inflateRatio(limit: 10))
        #expect(limits.refusal(inflated: 200, compressed: 50) == nil)
    }
}
