import Foundation

/// A value of a configured customer field, as stored and as the API
/// carries it: text (text, phone, date, single), a number, or a list (multi).
public enum FieldValue: Sendable, Equatable, Codable {
    case text(String)
    case number(Double)
    case list([String])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .text(text)
        } else {
            self = .list(try container.decode([String].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .number(let number): try container.encode(number)
        case .list(let list): try container.encode(list)
        }
    }

    /// The value as one line of text (search, export).
    public var display: String {
        switch self {
        case .text(let text): text
        case .number(let number): number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .list(let list): list.joined(separator: ", ")
        }
    }
}

/// A customer (客户): primary phone, more numbers, an owner (nil = the
/// public pool 公共池) and the configured fields by key.
public struct Customer: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var phone: String
    public var phones: [String]
    public var ownerId: Int64?
    public var ownerName: String?
    public var fields: [String: FieldValue]
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64, name: String, phone: String, phones: [String], ownerId: Int64?, ownerName: String? = nil,
        fields: [String: FieldValue], createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.name = name
        self.phone = phone
        self.phones = phones
        self.ownerId = ownerId
        self.ownerName = ownerName
        self.fields = fields
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Every number, normalized, for matching.
    public var normalizedNumbers: [String] {
        var seen = Set<String>()
        return ([phone] + phones).map(PhoneNumber.normalize).filter { !$0.isEmpty && seen.insert($0).inserted }
    }
}

/// One move of a customer between owners (转移明细).
public struct CustomerTransfer: Sendable, Equatable {
    public var id: Int64
    public var customerId: Int64
    public var fromUserId: Int64?
    public var fromName: String?
    public var toUserId: Int64?
    public var toName: String?
    public var byUserId: Int64?
    public var byName: String?
    public var at: Date

    public init(
        id: Int64, customerId: Int64, fromUserId: Int64?, fromName: String? = nil, toUserId: Int64?, toName: String? = nil,
        byUserId: Int64?, byName: String? = nil, at: Date
    ) {
        self.id = id
        self.customerId = customerId
        self.fromUserId = fromUserId
        self.fromName = fromName
        self.toUserId = toUserId
        self.toName = toName
        self.byUserId = byUserId
        self.byName = byName
        self.at = at
    }
}

/// Which customers a principal may see: the pool always, plus owners by scope.
public enum CustomerVisibility: Sendable, Equatable {
    case all
    /// Customers owned by users of these departments, or by `me`.
    case departments(Set<Int64>, me: Int64)
    case own(Int64)
}

/// The list filters of 客户列表.
public struct CustomerFilter: Sendable, Equatable {
    public enum Owner: Sendable, Equatable {
        case any, pool, user(Int64)
    }

    public var visibility: CustomerVisibility
    public var owner: Owner = .any
    /// A normalized number that one of the customer's phones must equal.
    public var phone: String?
    /// Searchable field key → lower-cased prefix its value must start with.
    public var fields: [String: String] = [:]
    /// Only these customers (export of a selection).
    public var ids: [Int64]?

    public init(visibility: CustomerVisibility) {
        self.visibility = visibility
    }
}
