import CallCenter
import Foundation

/// Response and request bodies of the CRM routes (docs/CRM-API.md).
struct CustomerBody: Encodable {
    let id: Int64
    let name: String
    let phone: String
    let phones: [String]
    let ownerId: Int64?
    let ownerName: String?
    let fields: [String: FieldValue]
    let createdAt: Date
    let updatedAt: Date

    init(_ c: Customer) {
        id = c.id
        name = c.name
        phone = c.phone
        phones = c.phones
        ownerId = c.ownerId
        ownerName = c.ownerName
        fields = c.fields
        createdAt = c.createdAt
        updatedAt = c.updatedAt
    }

    enum CodingKeys: String, CodingKey { case id, name, phone, phones, ownerId, ownerName, fields, createdAt, updatedAt }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(phone, forKey: .phone)
        try c.encode(phones, forKey: .phones)
        try c.encode(ownerId, forKey: .ownerId)
        try c.encode(ownerName, forKey: .ownerName)
        try c.encode(fields, forKey: .fields)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
    }

    static let schema: Schema = .object(
        [
            ("id", .integer), ("name", .string()), ("phone", .string()), ("phones", .array(.string())), ("ownerId", .nullable(.integer)),
            ("ownerName", .nullable(.string())), ("fields", .map(.string())), ("createdAt", .string(format: "date-time")),
            ("updatedAt", .string(format: "date-time")),
        ],
        required: ["id", "name", "phone", "phones", "ownerId", "fields", "createdAt", "updatedAt"]
    )
}

struct CustomerInputBody: Decodable, Sendable {
    let input: CustomerInput

    enum CodingKeys: String, CodingKey { case name, phone, phones, fields, ownerId }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        input = CustomerInput(
            name: try c.decodeIfPresent(String.self, forKey: .name), phone: try c.decodeIfPresent(String.self, forKey: .phone),
            phones: try c.decodeIfPresent([String].self, forKey: .phones), fields: try c.decodeIfPresent([String: FieldValue].self, forKey: .fields),
            ownerId: try c.decodePatch(Int64.self, forKey: .ownerId).asDoubleOptional
        )
    }

    static let schema: Schema = .object(
        [
            ("name", .string(maxLength: 200)), ("phone", .string(maxLength: 40)), ("phones", .array(.string(maxLength: 40))),
            ("fields", .map(.string())), ("ownerId", .nullable(.integer)),
        ],
        required: ["name", "phone"]
    )
}

struct IdsBody: Decodable, Sendable {
    let ids: [Int64]
    static let schema: Schema = .object([("ids", .array(.integer))], required: ["ids"])
}

struct TransferBody: Decodable, Sendable {
    let ids: [Int64]
    let toUserId: Int64?
    static let schema: Schema = .object([("ids", .array(.integer)), ("toUserId", .nullable(.integer))], required: ["ids", "toUserId"])
}

struct CountBody: Encodable {
    let count: Int
    let key: String

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: DynamicKey.self)
        try c.encode(count, forKey: DynamicKey(key))
    }

    struct DynamicKey: CodingKey {
        let stringValue: String
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }
}

struct TransferRecordBody: NullKeepingEncodable {
    let id: Int64, customerId: Int64
    let fromUserId: Int64?, fromName: String?, toUserId: Int64?, toName: String?, byUserId: Int64?, byName: String?
    let at: Date

    init(_ t: CustomerTransfer) {
        id = t.id
        customerId = t.customerId
        fromUserId = t.fromUserId
        fromName = t.fromName
        toUserId = t.toUserId
        toName = t.toName
        byUserId = t.byUserId
        byName = t.byName
        at = t.at
    }

    static let schema: Schema = .object([
        ("id", .integer), ("customerId", .integer), ("fromUserId", .nullable(.integer)), ("fromName", .nullable(.string())),
        ("toUserId", .nullable(.integer)), ("toName", .nullable(.string())), ("byUserId", .nullable(.integer)), ("byName", .nullable(.string())),
        ("at", .string(format: "date-time")),
    ])
}

struct FollowUpBody: NullKeepingEncodable {
    let id: Int64, customerId: Int64, customerName: String?, userId: Int64?, userName: String?, statusId: Int64?, statusName: String?
    let content: String, nextAt: Date?, callId: Int64?, createdAt: Date

    init(_ f: FollowUp) {
        id = f.id
        customerId = f.customerId
        customerName = f.customerName
        userId = f.userId
        userName = f.userName
        statusId = f.statusId
        statusName = f.statusName
        content = f.content
        nextAt = f.nextAt
        callId = f.callId
        createdAt = f.createdAt
    }

    static let schema: Schema = .object([
        ("id", .integer), ("customerId", .integer), ("customerName", .nullable(.string())), ("userId", .nullable(.integer)),
        ("userName", .nullable(.string())), ("statusId", .nullable(.integer)), ("statusName", .nullable(.string())), ("content", .string()),
        ("nextAt", .nullable(.string(format: "date-time"))), ("callId", .nullable(.integer)), ("createdAt", .string(format: "date-time")),
    ])
}

/// Reads an RFC 3339 timestamp field, with the field named in the error.
func decodeTimestamp<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> Patch<Date> {
    switch try c.decodePatch(String.self, forKey: key) {
    case .absent: return .absent
    case .null: return .null
    case .value(let text):
        guard let date = RFC3339.date(text) else { throw DomainError.invalid(key.stringValue, "\(key.stringValue) must be an RFC 3339 time like 2026-03-15T09:30:00Z") }
        return .value(date)
    }
}

struct FollowUpInputBody: Decodable, Sendable {
    let input: FollowUpInput

    enum CodingKeys: String, CodingKey { case customerId, statusId, content, nextAt, callId }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        input = FollowUpInput(
            customerId: try c.decodeIfPresent(Int64.self, forKey: .customerId), statusId: try c.decodePatch(Int64.self, forKey: .statusId).asDoubleOptional,
            content: try c.decodeIfPresent(String.self, forKey: .content), nextAt: try decodeTimestamp(c, .nextAt).asDoubleOptional,
            callId: try c.decodePatch(Int64.self, forKey: .callId).asDoubleOptional
        )
    }

    static let schema: Schema = .object(
        [
            ("customerId", .integer), ("statusId", .nullable(.integer)), ("content", .string(maxLength: 5000)),
            ("nextAt", .nullable(.string(format: "date-time"))), ("callId", .nullable(.integer)),
        ],
        required: ["customerId", "content"]
    )
}

struct AppointmentBody: NullKeepingEncodable {
    let id: Int64, customerId: Int64, customerName: String?, userId: Int64?, userName: String?
    let at: Date, note: String, done: Bool, overdue: Bool, createdAt: Date

    init(_ a: Appointment, now: Date) {
        id = a.id
        customerId = a.customerId
        customerName = a.customerName
        userId = a.userId
        userName = a.userName
        at = a.at
        note = a.note
        done = a.done
        overdue = a.isOverdue(now: now)
        createdAt = a.createdAt
    }

    static let schema: Schema = .object([
        ("id", .integer), ("customerId", .integer), ("customerName", .nullable(.string())), ("userId", .nullable(.integer)),
        ("userName", .nullable(.string())), ("at", .string(format: "date-time")), ("note", .string()), ("done", .boolean),
        ("overdue", .boolean), ("createdAt", .string(format: "date-time")),
    ])
}

struct AppointmentInputBody: Decodable, Sendable {
    let input: AppointmentInput

    enum CodingKeys: String, CodingKey { case customerId, at, note, done }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        var at: Date?
        if case .value(let date) = try decodeTimestamp(c, .at) { at = date }
        input = AppointmentInput(
            customerId: try c.decodeIfPresent(Int64.self, forKey: .customerId), at: at,
            note: try c.decodeIfPresent(String.self, forKey: .note), done: try c.decodeIfPresent(Bool.self, forKey: .done))
    }

    static let schema: Schema = .object(
        [("customerId", .integer), ("at", .string(format: "date-time")), ("note", .string(maxLength: 5000)), ("done", .boolean)],
        required: ["customerId", "at"]
    )
}

struct MarkedBody: NullKeepingEncodable {
    let id: Int64, number: String, name: String, userId: Int64?, userName: String?, callId: Int64?, note: String, markedAt: Date

    init(_ m: MarkedNumber) {
        id = m.id
        number = m.number
        name = m.name
        userId = m.userId
        userName = m.userName
        callId = m.callId
        note = m.note
        markedAt = m.markedAt
    }

    static let schema: Schema = .object([
        ("id", .integer), ("number", .string()), ("name", .string()), ("userId", .nullable(.integer)), ("userName", .nullable(.string())),
        ("callId", .nullable(.integer)), ("note", .string()), ("markedAt", .string(format: "date-time")),
    ])
}

struct BlacklistBody: NullKeepingEncodable {
    let id: Int64, pattern: String, note: String, createdAt: Date

    init(_ e: BlacklistEntry) {
        id = e.id
        pattern = e.pattern
        note = e.note
        createdAt = e.createdAt
    }

    static let schema: Schema = .object([("id", .integer), ("pattern", .string()), ("note", .string()), ("createdAt", .string(format: "date-time"))])
}

struct BlacklistInputBody: Decodable, Sendable {
    let pattern: String?
    let note: String?
    static let schema: Schema = .object([("pattern", .string(maxLength: 21)), ("note", .string(maxLength: 5000))], required: ["pattern"])
}

/// Encodes every stored property, a nil one as `null` rather than leaving
/// the key out: clients rely on each documented key being there.
protocol NullKeepingEncodable: Encodable {}

extension NullKeepingEncodable {
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CountBody.DynamicKey.self)
        for child in Mirror(reflecting: self).children {
            guard let label = child.label, let value = child.value as? any Encodable else { continue }
            try container.encode(value, forKey: CountBody.DynamicKey(label))
        }
    }
}
