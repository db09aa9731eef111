import Foundation

public struct CustomerFieldInput: Sendable {
    public var key: String?
    public var label: String?
    public var type: CustomerFieldType?
    public var required: Bool?
    public var searchable: Bool?
    public var listed: Bool?
    public var options: [String]?
    public var order: Int?

    public init(
        key: String? = nil, label: String? = nil, type: CustomerFieldType? = nil, required: Bool? = nil,
        searchable: Bool? = nil, listed: Bool? = nil, options: [String]? = nil, order: Int? = nil
    ) {
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

/// 数据配置: customer field configuration and follow-up statuses, as data.
public struct SettingsService: Sendable {
    let repos: Repositories
    let audit: AuditTrail

    public init(repos: Repositories, audit: AuditTrail) {
        self.repos = repos
        self.audit = audit
    }

    // MARK: 客户字段配置

    public func fields() async throws -> [CustomerField] { try await repos.customerFields.all() }

    public func field(_ id: Int64) async throws -> CustomerField {
        guard let field = try await repos.customerFields.get(id) else { throw DomainError.notFound("customer field") }
        return field
    }

    public func createField(_ input: CustomerFieldInput, by actor: Actor) async throws -> CustomerField {
        guard let key = input.key else { throw DomainError(.missing, "key is required", field: "key") }
        guard let label = input.label else { throw DomainError(.missing, "label is required", field: "label") }
        guard let type = input.type else { throw DomainError(.missing, "type is required", field: "type") }
        let checkedKey = try Validate.fieldKey(key)
        if try await repos.customerFields.findByKey(checkedKey) != nil {
            throw DomainError(.conflict, "a field with key “\(checkedKey)” already exists", field: "key")
        }
        let existing = try await repos.customerFields.all()
        var field = CustomerField(
            id: 0, key: checkedKey, label: try Validate.name(label, field: "label"), type: type,
            required: input.required ?? false, searchable: input.searchable ?? false, listed: input.listed ?? true,
            options: [], order: input.order ?? ((existing.map(\.order).max() ?? 0) + 10)
        )
        field.options = try checkedOptions(input.options ?? [], type: type)
        let created = try await repos.customerFields.create(field)
        try await audit.record("customer_field.create", target: "customer_field:\(created.id)", detail: checkedKey, actor: actor)
        return created
    }

    /// The key never changes: stored customer values live under it. Changing
    /// the type or options keeps stored values; the CRM validates on write.
    public func updateField(_ id: Int64, _ input: CustomerFieldInput, by actor: Actor) async throws -> CustomerField {
        var field = try await field(id)
        if let key = input.key, key != field.key {
            throw DomainError.invalid("key", "the key of a field cannot change once created")
        }
        if let label = input.label { field.label = try Validate.name(label, field: "label") }
        if let type = input.type { field.type = type }
        if let required = input.required { field.required = required }
        if let searchable = input.searchable { field.searchable = searchable }
        if let listed = input.listed { field.listed = listed }
        if let order = input.order { field.order = order }
        field.options = try checkedOptions(input.options ?? field.options, type: field.type)
        try await repos.customerFields.update(field)
        try await audit.record("customer_field.update", target: "customer_field:\(id)", detail: field.key, actor: actor)
        return field
    }

    public func deleteField(_ id: Int64, by actor: Actor) async throws {
        let field = try await field(id)
        try await repos.customerFields.delete(id)
        try await audit.record("customer_field.delete", target: "customer_field:\(id)", detail: field.key, actor: actor)
    }

    private func checkedOptions(_ options: [String], type: CustomerFieldType) throws -> [String] {
        guard type.hasOptions else { return [] }
        var seen = Set<String>()
        var result: [String] = []
        for option in options {
            let value = try Validate.name(option, field: "options")
            if seen.insert(value).inserted { result.append(value) }
        }
        guard !result.isEmpty else {
            throw DomainError.invalid("options", "a \(type.rawValue) field needs at least one option")
        }
        return result
    }

    // MARK: 跟进状态配置

    public func statuses() async throws -> [FollowUpStatus] { try await repos.followUpStatuses.all() }

    public func status(_ id: Int64) async throws -> FollowUpStatus {
        guard let status = try await repos.followUpStatuses.get(id) else { throw DomainError.notFound("follow-up status") }
        return status
    }

    public func createStatus(name: String?, color: String?, order: Int?, by actor: Actor) async throws -> FollowUpStatus {
        guard let name else { throw DomainError(.missing, "name is required", field: "name") }
        let checked = try Validate.name(name, max: 50)
        if try await repos.followUpStatuses.findByName(checked) != nil {
            throw DomainError(.conflict, "status “\(checked)” already exists", field: "name")
        }
        let existing = try await repos.followUpStatuses.all()
        let status = try await repos.followUpStatuses.create(
            FollowUpStatus(
                id: 0, name: checked, color: try Validate.color(color ?? "#1677ff"),
                order: order ?? ((existing.map(\.order).max() ?? 0) + 10)
            )
        )
        try await audit.record("follow_up_status.create", target: "follow_up_status:\(status.id)", detail: checked, actor: actor)
        return status
    }

    public func updateStatus(_ id: Int64, name: String?, color: String?, order: Int?, by actor: Actor) async throws -> FollowUpStatus {
        var status = try await status(id)
        if let name {
            let checked = try Validate.name(name, max: 50)
            if let other = try await repos.followUpStatuses.findByName(checked), other.id != id {
                throw DomainError(.conflict, "status “\(checked)” already exists", field: "name")
            }
            status.name = checked
        }
        if let color { status.color = try Validate.color(color) }
        if let order { status.order = order }
        try await repos.followUpStatuses.update(status)
        try await audit.record("follow_up_status.update", target: "follow_up_status:\(id)", detail: status.name, actor: actor)
        return status
    }

    public func deleteStatus(_ id: Int64, by actor: Actor) async throws {
        let status = try await status(id)
        try await repos.followUpStatuses.delete(id)
        try await audit.record("follow_up_status.delete", target: "follow_up_status:\(id)", detail: status.name, actor: actor)
    }
}
