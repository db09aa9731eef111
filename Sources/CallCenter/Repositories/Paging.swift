/// A page request as the list endpoints take it (`?q=&page=&pageSize=&sort=`).
public struct ListQuery: Sendable, Equatable {
    public static let maxPageSize = 500

    public var q: String?
    public var page: Int
    public var pageSize: Int
    /// Column name as the API spells it; `descending` for a leading `-`.
    public var sort: String?
    public var descending: Bool

    public init(q: String? = nil, page: Int = 1, pageSize: Int = 20, sort: String? = nil, descending: Bool = false) {
        self.q = q
        self.page = page
        self.pageSize = pageSize
        self.sort = sort
        self.descending = descending
    }

    public var offset: Int { (page - 1) * pageSize }
}

public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var total: Int

    public init(items: [Item], total: Int) {
        self.items = items
        self.total = total
    }
}
