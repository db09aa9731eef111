import CallCenter
import Foundation
@testable import Storage
import Testing

/// The hand-written JSON of stored field values reads back what it wrote,
/// and reads what Foundation's encoder wrote before it.
@Suite struct FieldsJSONTests {
    static let samples: [[String: FieldValue]] = [
        [:],
        ["company": .text("华为 \"技术\" \\ 有限公司\n第二行\t\u{1}"), "budget": .number(1200.5), "count": .number(3)],
        ["tags": .list(["VIP", "老客户", "😀 emoji"]), "empty": .list([]), "neg": .number(-0.25)],
    ]

    @Test(arguments: samples)
    func roundTrips(_ fields: [String: FieldValue]) throws {
        let text = FieldsJSON.encode(fields)
        #expect(FieldsJSON.decode(text) == fields)
        // Valid JSON that Foundation agrees with.
        let foundation = try JSONDecoder().decode([String: FieldValue].self, from: Data(text.utf8))
        #expect(foundation == fields)
    }

    @Test(arguments: samples)
    func readsFoundationsOutput(_ fields: [String: FieldValue]) throws {
        let text = String(decoding: try JSONEncoder().encode(fields), as: UTF8.self)
        #expect(FieldsJSON.decode(text) == fields)
    }

    @Test func malformedTextReadsAsNoFields() {
        for text in ["", "{", "{\"a\":}", "[1]", "{\"a\":\"unterminated}"] {
            #expect(FieldsJSON.decode(text).isEmpty, "\(text)")
        }
    }
}
