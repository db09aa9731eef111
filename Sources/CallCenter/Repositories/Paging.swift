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

    /// The column behind `sort` among `sortable` (API name → column), or
    /// `nil` for the default order. An unknown name is the caller's mistake.
    public func sortColumn(in sortable: [String: String]) throws -> String? {
        guard let sort else { return nil }
        guard let column = sortable[sort] else {
            throw DomainError(.invalidQuery, "cannot sort by “\(sort)”; use one of \(sortable.keys.sorted().joined(separator: ", "))", field: "sort")
        }
        return column
    }

    /// One page of an in-memory list (departments, field configuration),
    /// sorted by a key the caller names.
    public func page<Item>(_ items: [Item], sortable: [String: (Item, Item) -> Bool]) throws -> Page<Item> {
        var sorted = items
        if let sort {
            guard let less = sortable[sort] else {
                throw DomainError(.invalidQuery, "cannot sort by “\(sort)”; use one of \(sortable.keys.sorted().joined(separator: ", "))", field: "sort")
            }
            sorted.sort { descending ? less($1, $0) : less($0, $1) }
        }
        let start = min(offset, sorted.count)
        return Page(items: Array(sorted[start..<min(start + pageSize, sorted.count)]), total: sorted.count)
    }
}

public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var total: Int

    public init(items: [Item], total: Int) {
        self.items = items
        self.total = total
    }
}
