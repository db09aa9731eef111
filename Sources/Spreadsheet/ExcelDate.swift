/// Converts between Excel serial day numbers and calendar dates in both of Excel's date systems.
public enum ExcelDate {
    /// Which day serial 0 or 1 is: Windows Excel counts from 1900, old Mac workbooks (`date1904`) from 1904.
    public enum System: Sendable, Hashable {
        /// Serial 1 is 1900-01-01, and serial 60 is the 1900-02-29 that Lotus 1-2-3 invented.
        case from1900
        /// Serial 0 is 1904-01-01.
        case from1904
    }

    private static let largestSerial1900 = 2_958_465  // 9999-12-31, the last day Excel shows
    private static let day1899_12_30 = -25_569        // days since 1970: the true epoch of serials ≥ 61
    private static let day1904_01_01 = -24_107

    /// The day a serial falls on; nil where Excel shows no real day (below 1, the phantom 60, past 9999).
    public static func calendarDate(fromSerial serial: Double, system: System = .from1900) -> CalendarDate? {
        guard serial.isFinite, serial >= 0, serial < Double(largestSerial1900 + 1) else { return nil }
        let whole = Int(serial.rounded(.down))
        switch system {
        case .from1904:
            return CalendarDate(daysSince1970: day1904_01_01 + whole)
        case .from1900:
            // Excel believes 1900 was a leap year: serials 1…59 are one day later than a plain count gives.
            if whole >= 61 { return CalendarDate(daysSince1970: day1899_12_30 + whole) }
            if whole >= 1 && whole < 60 { return CalendarDate(daysSince1970: day1899_12_30 + whole + 1) }
            return nil
        }
    }

    /// `YYYY-MM-DD` for a serial, ignoring its time of day; nil as for `calendarDate(fromSerial:system:)`.
    public static func isoDate(fromSerial serial: Double, system: System = .from1900) -> String? {
        calendarDate(fromSerial: serial, system: system)?.isoString
    }

    /// `YYYY-MM-DD HH:MM:SS` for a serial, its fraction being the time of day rounded to the second.
    public static func isoDateTime(fromSerial serial: Double, system: System = .from1900) -> String? {
        guard serial.isFinite, serial >= 0 else { return nil }
        var whole = serial.rounded(.down)
        var seconds = Int(((serial - whole) * 86_400).rounded())
        if seconds == 86_400 {  // 23:59:59.6 rounds into the next day
            whole += 1
            seconds = 0
        }
        guard let day = calendarDate(fromSerial: whole, system: system) else { return nil }
        return day.isoString + " " + pad(seconds / 3600, 2) + ":" + pad(seconds / 60 % 60, 2) + ":" + pad(seconds % 60, 2)
    }

    /// The serial Excel stores for a day; nil for days it cannot hold (before 1900-01-01 or 1904-01-01).
    public static func serial(of date: CalendarDate, system: System = .from1900) -> Int? {
        let days = date.daysSince1970
        switch system {
        case .from1904:
            let serial = days - day1904_01_01
            return serial >= 0 ? serial : nil
        case .from1900:
            let serial = days - day1899_12_30
            if serial >= 61 { return serial }
            // 1900-01-01…1900-02-28 sit before the phantom leap day, one lower than the plain count.
            return serial >= 2 ? serial - 1 : nil
        }
    }
}
