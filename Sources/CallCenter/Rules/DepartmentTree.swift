/// The department hierarchy (部门管理) as a value: subtree and cycle rules
/// without a database.
public struct DepartmentTree: Sendable {
    private var parentOf: [Int64: Int64?] = [:]
    private var childrenOf: [Int64: [Int64]] = [:]

    public init(_ departments: [Department]) {
        for department in departments {
            parentOf[department.id] = department.parentId
            if let parent = department.parentId {
                childrenOf[parent, default: []].append(department.id)
            }
        }
    }

    public func contains(_ id: Int64) -> Bool { parentOf[id] != nil }

    public func children(of id: Int64) -> [Int64] { childrenOf[id] ?? [] }

    /// `id` and every department below it.
    public func subtree(of id: Int64) -> Set<Int64> {
        guard contains(id) else { return [] }
        var result: Set<Int64> = [id]
        var stack = [id]
        while let next = stack.popLast() {
            for child in children(of: next) where result.insert(child).inserted {
                stack.append(child)
            }
        }
        return result
    }

    /// Whether making `newParent` the parent of `id` would put `id` under itself.
    public func wouldCreateCycle(moving id: Int64, under newParent: Int64?) -> Bool {
        guard let newParent else { return false }
        return subtree(of: id).contains(newParent)
    }

    /// Ancestors from the root down to `id`'s parent (for breadcrumbs and scope).
    public func ancestors(of id: Int64) -> [Int64] {
        var chain: [Int64] = []
        var current = parentOf[id] ?? nil
        while let node = current, !chain.contains(node) {
            chain.insert(node, at: 0)
            current = parentOf[node] ?? nil
        }
        return chain
    }
}
