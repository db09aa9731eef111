import Foundation

/// Checks customer field values against the configuration (客户字段配置) on
/// every write: the type decides what a value may be, `required` that it
/// is there. Values of fields no longer configured are kept untouched.
public enum CustomerFieldRules {
    public static let maxTextLength = 2000

    /// `values` after a write: typed, trimmed, empty ones dropped. `changed`
    /// are the keys the caller sent (unknown keys are refused); `previous`
    /// are the stored values a partial update starts from.
    public static func apply(
        _ changed: [String: FieldValue], to previous: [String: FieldValue] = [:], config: [CustomerField]
    ) throws -> [String: FieldValue] {
        let byKey = Dictionary(config.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        var result = previous
        for (key, value) in changed {
            guard let field = byKey[key] else {
                throw DomainError.invalid("fields.\(key)", "there is no customer field “\(key)”", code: MessageCode("unknownField", ["field": key]))
            }
            result[key] = try checked(value, for: field)
        }
        for field in config where field.required && result[field.key] == nil {
            throw DomainError(.missing, "\(field.label) is required", field: "fields.\(field.key)", code: MessageCode("required", ["field": field.label]))
        }
        return result
    }

    /// One value of `field`; nil when empty.
    public static func checked(_ value: FieldValue, for field: CustomerField) throws -> FieldValue? {
        let name = "fields.\(field.key)"
        switch (field.type, value) {
        case (_, .text(let raw)) where raw.trimmedWhitespace().isEmpty:
            return nil
        case (.multi, .list(let items)) where items.isEmpty:
            return nil
        case (.text, .text(let raw)):
            let text = raw.trimmedWhitespace()
            guard text.utf8.count <= maxTextLength || text.count <= maxTextLength else { throw DomainError.invalid(name, "\(field.label) is longer than \(maxTextLength) characters", code: MessageCode("tooLong", ["field": field.label, "max": String(maxTextLength)])) }
            return .text(text)
        case (.phone, .text(let raw)):
            let text = raw.trimmedWhitespace()
            guard PhoneNumber.isPlausible(text) else { throw DomainError.invalid(name, "\(field.label) is not a phone number", code: MessageCode("notPhone", ["field": field.label])) }
            return .text(text)
        case (.number, .number(let number)):
            guard number.isFinite else { throw DomainError.invalid(name, "\(field.label) must be a number", code: MessageCode("notNumber", ["field": field.label])) }
            return .number(number)
        case (.number, .text(let raw)):
            guard let number = Double(raw.trimmedWhitespace()), number.isFinite else {
                throw DomainError.invalid(name, "\(field.label) must be a number", code: MessageCode("notNumber", ["field": field.label]))
            }
            return .number(number)
        case (.date, .text(let raw)):
            guard let date = CalendarDate(raw.trimmedWhitespace()) else {
                throw DomainError.invalid(name, "\(field.label) must be a date like 2026-03-15", code: MessageCode("notDate", ["field": field.label]))
            }
            return .text(date.description)
        case (.single, .text(let raw)):
            let text = raw.trimmedWhitespace()
            guard field.options.contains(text) else {
                throw DomainError.invalid(
                    name, "\(field.label) must be one of: \(field.options.joined(separator: ", "))",
                    code: MessageCode("notOneOf", ["field": field.label, "options": field.options.joined(separator: ", ")]))
            }
            return .text(text)
        case (.multi, .list(let items)):
            let chosen = items.map { $0.trimmedWhitespace() }
            if let wrong = chosen.first(where: { !field.options.contains($0) }) {
                throw DomainError.invalid(name, "“\(wrong)” is not an option of \(field.label)", code: MessageCode("notAnOption", ["field": field.label, "value": wrong]))
            }
            // Stored in the configured order, once each.
            return .list(field.options.filter(chosen.contains))
        case (.multi, .text(let raw)):
            return try checked(.list(splitList(raw)), for: field)
        default:
            throw DomainError.invalid(name, "\(field.label) has the wrong type of value", code: MessageCode("wrongType", ["field": field.label]))
        }
    }

    /// A spreadsheet cell for a field: the text as typed, with Excel's
    /// serial day numbers accepted for dates and lists split on commas.
    public static func fromCell(_ text: String, for field: CustomerField) throws -> FieldValue? {
        let trimmed = text.trimmedWhitespace()
        if trimmed.isEmpty { return nil }
        if field.type == .date, let serial = Double(trimmed), let date = CalendarDate(excelSerial: serial) {
            return .text(date.description)
        }
        return try checked(.text(trimmed), for: field)
    }

    /// Items separated by `,` `，` `;` `；` or `、` (scalars, not graphemes: this runs per cell).
    static func splitList(_ text: String) -> [String] {
        text.unicodeScalars.split(whereSeparator: { separators.contains($0.value) })
            .map { String(String.UnicodeScalarView($0)).trimmedWhitespace() }.filter { !$0.isEmpty }
    }

    private static let separators: Set<UInt32> = [0x2C, 0xFF0C, 0x3B, 0xFF1B, 0x3001]

    /// The lower-cased words a search matches: name, numbers, searchable fields.
    public static func searchText(name: String, numbers: [String], fields: [String: FieldValue], config: [CustomerField]) -> String {
        var parts = [name.lowercased()] + numbers
        for field in config where field.searchable {
            if let value = fields[field.key] { parts.append(value.display.lowercased()) }
        }
        return parts.joined(separator: " ")
    }
}

/// A day without a time (`YYYY-MM-DD`), checked against the calendar.
public struct CalendarDate: Sendable, Equatable, CustomStringConvertible {
    public let year: Int, month: Int, day: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, (1...2).contains(parts[1].count), (1...2).contains(parts[2].count),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    public init?(year: Int, month: Int, day: Int) {
        guard (1900...9999).contains(year), (1...12).contains(month), day >= 1, day <= Self.days(in: month, of: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Excel's 1900 date system: day 1 is 1900-01-01 and day 60 the
    /// non-existent 1900-02-29, so later serials are one day ahead.
    public init?(excelSerial serial: Double) {
        guard serial >= 1, serial < 2_958_466 else { return nil }
        var days = Int(serial.rounded(.down))
        if days == 60 { return nil }
        if days > 60 { days -= 1 }
        // Days since 1899-12-31 → civil date (Howard Hinnant's algorithm from 1970-01-01).
        let z = days - 25_568 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        self.init(year: year, month: month, day: day)
    }

    static func days(in month: Int, of year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String { String(repeating: "0", count: max(0, width - String(value).count)) + String(value) }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}
