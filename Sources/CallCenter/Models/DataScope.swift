/// How much of the organization's data a role lets its holder see.
///
/// `department` reaches the holder's own department and every department
/// below it; `self` only the holder's own records.
public enum DataScope: String, Codable, Sendable, CaseIterable, Comparable, ClosedSetValue {
    case `self` = "self"
    case department
    case all

    private var breadth: Int {
        switch self {
        case .self: 0
        case .department: 1
        case .all: 2
        }
    }

    public static func < (lhs: DataScope, rhs: DataScope) -> Bool { lhs.breadth < rhs.breadth }
}
