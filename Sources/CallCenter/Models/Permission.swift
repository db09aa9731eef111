/// One grantable right: a menu (`.view`) or an action on it.
///
/// The catalogue is data: roles store the keys as strings, the web
/// navigation is built from them, and every API route names one.
public struct Permission: Hashable, Sendable, Codable, CustomStringConvertible {
    public let key: String
    /// Menu group as in the product manual (组织机构 = `org`, 数据配置 = `settings`, …).
    public let group: String
    /// `true` for the permission that shows a menu entry.
    public let menu: Bool

    public init(_ key: String, group: String, menu: Bool = false) {
        self.key = key
        self.group = group
        self.menu = menu
    }

    public var description: String { key }
}

extension Permission {
    private static func crud(_ base: String, group: String) -> [Permission] {
        [
            Permission("\(base).view", group: group, menu: true),
            Permission("\(base).create", group: group),
            Permission("\(base).update", group: group),
            Permission("\(base).delete", group: group),
        ]
    }

    public static let departments = crud("org.departments", group: "org")
    public static let roles = crud("org.roles", group: "org")
    public static let users = crud("org.users", group: "org")
    public static let logoUpdate = Permission("org.logo.update", group: "org", menu: true)
    public static let customerFields = crud("settings.customerFields", group: "settings")
    public static let followUpStatuses = crud("settings.followUpStatuses", group: "settings")
    public static let auditView = Permission("system.audit.view", group: "system", menu: true)
    public static let extensions = crud("pbx.extensions", group: "pbx")
    /// See and lift SIP brute-force blocks.
    public static let sipBlocksView = Permission("pbx.sipBlocks.view", group: "pbx", menu: true)
    public static let sipBlocksDelete = Permission("pbx.sipBlocks.delete", group: "pbx")

    // 客户管理 (CRM)
    public static let customers = crud("crm.customers", group: "crm")
    public static let customersImport = Permission("crm.customers.import", group: "crm", menu: true)
    public static let customersExport = Permission("crm.customers.export", group: "crm")
    public static let customersTransfer = Permission("crm.customers.transfer", group: "crm")
    public static let poolClaim = Permission("crm.pool.claim", group: "crm", menu: true)
    public static let followUps = crud("crm.followUps", group: "crm")
    public static let appointments = crud("crm.appointments", group: "crm")
    public static let markedView = Permission("crm.marked.view", group: "crm", menu: true)
    public static let markedDelete = Permission("crm.marked.delete", group: "crm")
    public static let blacklist = crud("crm.blacklist", group: "crm")

    // 话务管理 (calls): the call detail records under the role's data scope
    public static let callsView = Permission("calls.view", group: "calls", menu: true)
    public static let callsExport = Permission("calls.export", group: "calls")
    /// Listen to and download recordings.
    public static let callsRecording = Permission("calls.recording", group: "calls")

    /// Every permission the product knows, in menu order.
    public static let catalogue: [Permission] =
        departments + roles + users + [logoUpdate] + customerFields + followUpStatuses + [auditView]
        + extensions + [sipBlocksView, sipBlocksDelete]
        + customers + [customersImport, customersExport, customersTransfer, poolClaim] + followUps + appointments
        + [markedView, markedDelete] + blacklist
        + [callsView, callsExport, callsRecording]

    public static let allKeys: Set<String> = Set(catalogue.map(\.key))

    public static func named(_ key: String) -> Permission? { catalogue.first { $0.key == key } }
}

/// The four actions of a CRUD resource, for routes that name their permission.
public enum CRUDAction: String, Sendable { case view, create, update, delete }

extension Array where Element == Permission {
    /// The permission of `action` among a resource's CRUD set.
    public func permission(_ action: CRUDAction) -> Permission {
        first { $0.key.hasSuffix(".\(action.rawValue)") }!
    }
}
