import CallCenter
import Testing

/// The CRM's pure rules: number matching, trimming, dates, list cells.
@Suite struct CRMRuleTests {
    @Test(arguments: [
        ("+86 138-0013-8000", "13800138000"), ("0086 13800138000", "13800138000"), ("(010) 6552-9988", "01065529988"),
        ("+1 415 555 0100", "14155550100"), ("8613800138000", "8613800138000"), ("", ""),
    ])
    func numbersNormalizeToDigitsWithoutChinasPrefix(raw: String, digits: String) {
        #expect(PhoneNumber.normalize(raw) == digits)
    }

    @Test func plausibleNumbersHaveThreeToTwentyDigitsAndPhoneCharactersOnly() {
        #expect(PhoneNumber.isPlausible("138-0013-8000"))
        #expect(!PhoneNumber.isPlausible("12"))
        #expect(!PhoneNumber.isPlausible("call me"))
        #expect(!PhoneNumber.isPlausible("１３８００１３８０００"), "full-width digits are not dialable as typed")
        #expect(!PhoneNumber.isPlausible(String(repeating: "1", count: 21)))
    }

    @Test func whitespaceIsTrimmedIncludingIdeographicAndNoBreakSpaces() {
        #expect("\u{3000} 张三\t\n".trimmedWhitespace() == "张三")
        #expect("\u{00A0}a b\u{2009}".trimmedWhitespace() == "a b")
        #expect("  \u{3000} ".trimmedWhitespace() == "")
        #expect("plain".trimmedWhitespace() == "plain")
    }

    @Test func excelSerialDaysBecomeCalendarDates() {
        #expect(CalendarDate(excelSerial: 45000)?.description == "2023-03-15")
        #expect(CalendarDate(excelSerial: 1)?.description == "1900-01-01")
        #expect(CalendarDate(excelSerial: 61)?.description == "1900-03-01")
        #expect(CalendarDate(excelSerial: 60) == nil, "Excel's 1900-02-29 never existed")
        #expect(CalendarDate("2024-02-29") != nil)
        #expect(CalendarDate("2023-02-29") == nil)
    }

    @Test func blacklistPatternsMatchNumbersAndPrefixes() {
        let prefix = BlacklistEntry(id: 1, pattern: "400*", note: "", createdAt: .distantPast)
        let exact = BlacklistEntry(id: 2, pattern: "+86 138 0000 0000", note: "", createdAt: .distantPast)
        #expect(prefix.matches(normalized: "4008001234"))
        #expect(!prefix.matches(normalized: "14008001234"))
        #expect(exact.matches(normalized: "13800000000"))
        #expect(!exact.matches(normalized: "138000000001"))
    }
}
