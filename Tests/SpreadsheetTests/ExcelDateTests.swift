import Testing
@testable import Spreadsheet

@Suite struct ExcelDateTests {
    @Test func serial45000IsMarch15th2023() {
        #expect(ExcelDate.isoDate(fromSerial: 45000) == "2023-03-15")
        #expect(ExcelDate.isoDate(fromSerial: 45000.75) == "2023-03-15")
    }

    @Test(arguments: [
        (1.0, "1900-01-01"), (59, "1900-02-28"), (61, "1900-03-01"),
        (25569, "1970-01-01"), (44927, "2023-01-01"), (2_958_465, "9999-12-31"),
    ])
    func serialsOf1900SystemIncludingTheLeapYearBug(serial: Double, expected: String) {
        #expect(ExcelDate.isoDate(fromSerial: serial) == expected)
    }

    @Test func serialsWithoutARealDayGiveNil() {
        #expect(ExcelDate.isoDate(fromSerial: 60) == nil)  // the 1900-02-29 that never was
        #expect(ExcelDate.isoDate(fromSerial: 0) == nil)
        #expect(ExcelDate.isoDate(fromSerial: -1) == nil)
        #expect(ExcelDate.isoDate(fromSerial: 2_958_466) == nil)
        #expect(ExcelDate.isoDate(fromSerial: .nan) == nil)
    }

    @Test func system1904CountsFromJanuary1st1904() {
        #expect(ExcelDate.isoDate(fromSerial: 0, system: .from1904) == "1904-01-01")
        #expect(ExcelDate.isoDate(fromSerial: 43538, system: .from1904) == "2023-03-15")  // 45000 − 1462
    }

    @Test func dateTimesRoundToTheSecond() {
        #expect(ExcelDate.isoDateTime(fromSerial: 45000.5) == "2023-03-15 12:00:00")
        #expect(ExcelDate.isoDateTime(fromSerial: 45000 + 86_399.6 / 86_400) == "2023-03-16 00:00:00")
    }

    @Test func serialsRoundTripThroughCalendarDates() throws {
        for serial in [1, 59, 61, 45000, 2_958_465] {
            let date = try #require(ExcelDate.calendarDate(fromSerial: Double(serial)))
            #expect(ExcelDate.serial(of: date) == serial)
        }
        let before1900 = try #require(CalendarDate(year: 1899, month: 12, day: 31))
        #expect(ExcelDate.serial(of: before1900) == nil)
    }

    @Test func calendarDatesRefuseDaysThatDoNotExist() {
        #expect(CalendarDate(year: 2023, month: 2, day: 29) == nil)
        #expect(CalendarDate(year: 2024, month: 2, day: 29) != nil)
        #expect(CalendarDate(year: 1900, month: 2, day: 29) == nil)
        #expect(CalendarDate(year: 2023, month: 13, day: 1) == nil)
    }
}
