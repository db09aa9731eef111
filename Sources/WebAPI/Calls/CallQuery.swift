import CallCenter
import Foundation
import Hummingbird

/// The search form of 通话记录 as query parameters: `number`, `direction`,
/// `disposition`, `from`, `to` (and `ids` for a selection). A malformed
/// value is the caller's mistake (400 `invalid_query`, naming it).
enum CallQuery {
    static let parameters: [QueryParameter] = [
        QueryParameter(name: "number", schema: .string(maxLength: 40), description: "Digits the calling or called number contains"),
        QueryParameter(name: "direction", schema: .string(values: CallDirection.allCases.map(\.rawValue)), description: "Only calls of this direction"),
        QueryParameter(name: "disposition", schema: .string(values: CallDisposition.allCases.map(\.rawValue)), description: "Only calls that ended so"),
        QueryParameter(name: "from", schema: .string(), description: "Started at or after: an RFC 3339 time, or a date YYYY-MM-DD (00:00 UTC)"),
        QueryParameter(name: "to", schema: .string(), description: "Started before: an RFC 3339 time, or a date YYYY-MM-DD (that whole day, UTC)"),
    ]

    static let idsParameter = QueryParameter(name: "ids", schema: .string(), description: "Comma-separated call ids")

    /// Writes the request's search values into `filter`.
    static func apply(_ request: Request, to filter: inout CallFilter) throws {
        let params = request.uri.queryParameters
        func value(_ name: String) -> String? {
            guard let text = params[Substring(name)].map(String.init)?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        if let number = value("number") {
            let digits = PhoneNumber.normalize(number)
            guard number.count <= 40, number.utf8.allSatisfy(allowedInNumber), (1...20).contains(digits.utf8.count) else {
                throw APIError.invalidQuery("number", "number is 1 to 20 digits (spaces, + - ( ) . allowed)")
            }
            filter.number = digits
        }
        if let direction = value("direction") {
            guard let parsed = CallDirection(rawValue: direction) else {
                throw APIError.invalidQuery("direction", "direction is one of \(CallDirection.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.direction = parsed
        }
        if let disposition = value("disposition") {
            guard let parsed = CallDisposition(rawValue: disposition) else {
                throw APIError.invalidQuery("disposition", "disposition is one of \(CallDisposition.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.disposition = parsed
        }
        if let from = value("from") {
            guard let start = time(from, endOfDay: false) else { throw APIError.invalidQuery("from", "from is an RFC 3339 time or a date YYYY-MM-DD") }
            filter.startedFrom = start
        }
        if let to = value("to") {
            guard let end = time(to, endOfDay: true) else { throw APIError.invalidQuery("to", "to is an RFC 3339 time or a date YYYY-MM-DD") }
            filter.startedBefore = end
        }
        if let start = filter.startedFrom, let end = filter.startedBefore, end <= start {
            throw APIError.invalidQuery("to", "to must come after from")
        }
        filter.ids = try CustomerFileController.idList(request)
    }

    private static func allowedInNumber(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || byte == 0x20 || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "(")
            || byte == UInt8(ascii: ")") || byte == UInt8(ascii: ".")
    }

    /// An RFC 3339 time as is; a plain date as its first instant (UTC), or
    /// for the end of a range as the next day's (so the day is included).
    static func time(_ text: String, endOfDay: Bool) -> Date? {
        if let date = RFC3339.date(text) { return date }
        let b = Array(text.utf8)
        guard b.count == 10, b[4] == 45, b[7] == 45,
            let day = RFC3339.date(text + "T00:00:00Z"), RFC3339.string(day).hasPrefix(text)  // no 2026-02-31
        else { return nil }
        return endOfDay ? day.addingTimeInterval(86_400) : day
    }
}
