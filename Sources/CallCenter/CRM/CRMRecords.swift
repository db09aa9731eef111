import Foundation

/// 跟进记录: what happened with a customer and when to follow up next.
public struct FollowUp: Sendable, Equatable {
    public var id: Int64
    public var customerId: Int64
    public var customerName: String?
    public var userId: Int64?
    public var userName: String?
    public var statusId: Int64?
    public var statusName: String?
    public var content: String
    public var nextAt: Date?
    public var callId: Int64?
    public var createdAt: Date

    public init(
        id: Int64, customerId: Int64, customerName: String? = nil, userId: Int64?, userName: String? = nil, statusId: Int64?,
        statusName: String? = nil, content: String, nextAt: Date?, callId: Int64?, createdAt: Date
    ) {
        self.id = id
        self.customerId = customerId
        self.customerName = customerName
        self.userId = userId
        self.userName = userName
        self.statusId = statusId
        self.statusName = statusName
        self.content = content
        self.nextAt = nextAt
        self.callId = callId
        self.createdAt = createdAt
    }
}

/// 预约登记: a callback promised to a customer at a time.
public struct Appointment: Sendable, Equatable {
    public var id: Int64
    public var customerId: Int64
    public var customerName: String?
    public var userId: Int64?
    public var userName: String?
    public var at: Date
    public var note: String
    public var done: Bool
    public var createdAt: Date

    public init(
        id: Int64, customerId: Int64, customerName: String? = nil, userId: Int64?, userName: String? = nil, at: Date, note: String,
        done: Bool, createdAt: Date
    ) {
        self.id = id
        self.customerId = customerId
        self.customerName = customerName
        self.userId = userId
        self.userName = userName
        self.at = at
        self.note = note
        self.done = done
        self.createdAt = createdAt
    }

    public func isOverdue(now: Date) -> Bool { !done && at < now }
}

/// 标记客户: a number an agent marked with `*83` during a call.
public struct MarkedNumber: Sendable, Equatable {
    public var id: Int64
    public var number: String
    public var name: String
    public var userId: Int64?
    public var userName: String?
    public var callId: Int64?
    public var note: String
    public var markedAt: Date

    public init(
        id: Int64, number: String, name: String, userId: Int64?, userName: String? = nil, callId: Int64?, note: String, markedAt: Date
    ) {
        self.id = id
        self.number = number
        self.name = name
        self.userId = userId
        self.userName = userName
        self.callId = callId
        self.note = note
        self.markedAt = markedAt
    }
}

/// 黑名单: a number, or a prefix ending in `*`, that may not call or be called.
public struct BlacklistEntry: Sendable, Equatable {
    public var id: Int64
    public var pattern: String
    public var note: String
    public var createdAt: Date

    public init(id: Int64, pattern: String, note: String, createdAt: Date) {
        self.id = id
        self.pattern = pattern
        self.note = note
        self.createdAt = createdAt
    }

    /// Whether a normalized number falls under this entry.
    public func matches(normalized number: String) -> Bool {
        if pattern.hasSuffix("*") {
            return number.hasPrefix(PhoneNumber.normalize(String(pattern.dropLast())))
        }
        return number == PhoneNumber.normalize(pattern)
    }
}

/// 资料包: one import, with its counts; its rows say what became of each line.
public struct DataPackage: Sendable, Equatable {
    public enum Status: String, Sendable, Codable { case running, done, failed }

    public var id: Int64
    public var name: String
    public var fileName: String
    public var createdBy: Int64?
    public var createdByName: String?
    public var createdAt: Date
    public var status: Status
    public var total: Int
    public var imported: Int
    public var duplicates: Int
    public var blacklisted: Int
    public var invalid: Int
    public var message: String

    public init(
        id: Int64, name: String, fileName: String, createdBy: Int64?, createdByName: String? = nil, createdAt: Date, status: Status,
        total: Int = 0, imported: Int = 0, duplicates: Int = 0, blacklisted: Int = 0, invalid: Int = 0, message: String = ""
    ) {
        self.id = id
        self.name = name
        self.fileName = fileName
        self.createdBy = createdBy
        self.createdByName = createdByName
        self.createdAt = createdAt
        self.status = status
        self.total = total
        self.imported = imported
        self.duplicates = duplicates
        self.blacklisted = blacklisted
        self.invalid = invalid
        self.message = message
    }
}

public struct PackageRow: Sendable, Equatable {
    public enum Result: String, Sendable, Codable, CaseIterable { case imported, duplicate, blacklisted, invalid }

    public var row: Int
    public var result: Result
    /// Why, in English (API clients, logs); `reasonCode` says it for the catalogues.
    public var reason: String
    public var reasonCode: MessageCode?
    public var customerId: Int64?
    public var values: [String: String]

    public init(row: Int, result: Result, reason: String, reasonCode: MessageCode? = nil, customerId: Int64?, values: [String: String]) {
        self.row = row
        self.result = result
        self.reason = reason
        self.reasonCode = reasonCode
        self.customerId = customerId
        self.values = values
    }
}
