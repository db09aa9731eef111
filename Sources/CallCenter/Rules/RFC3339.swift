import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Fixed-width RFC 3339 UTC timestamps (`2026-11-27T04:52:19.123Z`), the
/// form stored in the database and sent by the API. Hand-rolled because
/// Foundation's ISO 8601 styles cost tens of microseconds per value, which
/// dominated list endpoints.
public enum RFC3339 {
    public static func string(_ date: Date) -> String {
        let millisTotal = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(millisTotal >= 0 ? millisTotal / 1000 : (millisTotal - 999) / 1000)
        let millis = Int(millisTotal - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var out = [UInt8](repeating: 0, count: 24)
        func put(_ value: Int, _ at: Int, _ width: Int) {
            var v = value
            for i in stride(from: at + width - 1, through: at, by: -1) {
                out[i] = UInt8(48 + v % 10)
                v /= 10
            }
        }
        put(Int(parts.tm_year) + 1900, 0, 4)
        out[4] = 45  // -
        put(Int(parts.tm_mon) + 1, 5, 2)
        out[7] = 45
        put(Int(parts.tm_mday), 8, 2)
        out[10] = 84  // T
        put(Int(parts.tm_hour), 11, 2)
        out[13] = 58  // :
        put(Int(parts.tm_min), 14, 2)
        out[16] = 58
        put(Int(parts.tm_sec), 17, 2)
        out[19] = 46  // .
        put(millis, 20, 3)
        out[23] = 90  // Z
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fff…]Z` (or an offset like `+08:00`);
    /// `nil` for anything else, including dates that do not exist
    /// (`2026-02-30` is refused, never moved to March 2). Every time the
    /// API accepts goes through here.
    public static func date(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count >= 20, b[4] == 45, b[7] == 45, b[10] == 84 || b[10] == 116 || b[10] == 32, b[13] == 58, b[16] == 58 else { return nil }
        func number(_ from: Int, _ count: Int) -> Int? {
            var value = 0
            for i in from..<(from + count) {
                let digit = Int(b[i]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
            let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
            year >= 1, (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < b.count, b[index] == 46 {
            index += 1
            guard index < b.count, (48...57).contains(b[index]) else { return nil }  // "." needs a digit
            var scale = 0.1
            while index < b.count, (48...57).contains(b[index]) {
                fraction += Double(b[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        var offset = 0
        guard index < b.count else { return nil }
        switch b[index] {
        case 90, 122: index += 1  // Z
        case 43, 45:
            guard index + 6 == b.count, b[index + 3] == 58, let h = number(index + 1, 2), let m = number(index + 4, 2), h < 24, m < 60 else { return nil }
            offset = (h * 3600 + m * 60) * (b[index] == 45 ? -1 : 1)
            index += 6
        default: return nil
        }
        guard index == b.count else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let seconds = timegm(&parts)
        return Date(timeIntervalSince1970: Double(seconds - offset) + fraction)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
