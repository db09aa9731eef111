/// The type of a configurable customer field (客户字段配置).
public enum CustomerFieldType: String, Codable, Sendable, CaseIterable, ClosedSetValue {
    case text, number, phone, date, single, multi

    public var hasOptions: Bool { self == .single || self == .multi }
}

public struct CustomerField: Sendable, Equatable, Codable {
    public var id: Int64
    /// Stable machine name; customer values are stored under it, so it never changes.
    public var key: String
    public var label: String
    public var type: CustomerFieldType
    public var required: Bool
    public var searchable: Bool
    public var listed: Bool
    public var options: [String]
    public var order: Int

    public init(
        id: Int64, key: String, label: String, type: CustomerFieldType, required: Bool,
        searchable: Bool, listed: Bool, options: [String], order: Int
    ) {
        self.id = id
        self.key = key
        self.label = label
        self.type = type
        self.required = required
        self.searchable = searchable
        self.listed = listed
        self.options = options
        self.order = order
    }
}

/// A follow-up status (跟进状态配置), e.g. 意向客户, 已成交.
public struct FollowUpStatus: Sendable, Equatable, Codable {
    public var id: Int64
    public var name: String
    public var color: String
    public var order: Int

    public init(id: Int64, name: String, color: String, order: Int) {
        self.id = id
        self.name = name
        self.color = color
        self.order = order
    }
}
