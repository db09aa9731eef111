import Foundation

public struct FollowUpInput: Sendable {
    public var customerId: Int64?
    public var statusId: Int64??
    public var content: String?
    public var nextAt: Date??
    public var callId: Int64??

    public init(customerId: Int64? = nil, statusId: Int64?? = nil, content: String? = nil, nextAt: Date?? = nil, callId: Int64?? = nil) {
        self.customerId = customerId
        self.statusId = statusId
        self.content = content
        self.nextAt = nextAt
        self.callId = callId
    }
}

public struct AppointmentInput: Sendable {
    public var customerId: Int64?
    public var at: Date?
    public var note: String?
    public var done: Bool?

    public init(customerId: Int64? = nil, at: Date? = nil, note: String? = nil, done: Bool? = nil) {
        self.customerId = customerId
        self.at = at
        self.note = note
        self.done = done
    }
}

/// 跟进记录, 预约登记, 标记客户 and 黑名单: records that hang off customers
/// (and follow their visibility) or guard numbers.
public struct CRMRecordService: Sendable {
    public static let maxContent = 5000

    let repos: Repositories
    let customers: CustomerService
    let audit: AuditTrail
    let now: @Sendable () -> Date

    public init(repos: Repositories, audit: AuditTrail, now: @escaping @Sendable () -> Date = Date.init) {
        self.repos = repos
        self.customers = CustomerService(repos: repos, audit: audit, now: now)
        self.audit = audit
        self.now = now
    }

    // MARK: 跟进记录

    public func followUps(_ query: ListQuery, customerId: Int64?, by actor: Actor) async throws -> Page<FollowUp> {
        try await repos.crm.followUps.list(query, customerId: customerId, visibility: try await customers.visibility(for: actor))
    }

    public func followUp(_ id: Int64, by actor: Actor) async throws -> FollowUp {
        guard let followUp = try await repos.crm.followUps.get(id) else { throw DomainError.notFound("follow-up") }
        _ = try await changeableCustomer(followUp.customerId, by: actor, readOnly: true)
        return followUp
    }

    public func createFollowUp(_ input: FollowUpInput, by actor: Actor) async throws -> FollowUp {
        guard let customerId = input.customerId else { throw DomainError(.missing, "customerId is required", field: "customerId") }
        _ = try await changeableCustomer(customerId, by: actor)
        let statusId = try await checkedStatus(input.statusId ?? nil)
        let created = try await repos.crm.followUps.create(FollowUp(
            id: 0, customerId: customerId, userId: actor.principal.userId, statusId: statusId,
            content: try Self.text(input.content ?? "", field: "content", required: true), nextAt: input.nextAt ?? nil,
            callId: input.callId ?? nil, createdAt: now()
        ))
        try await audit.record("follow_up.create", target: "customer:\(customerId)", actor: actor)
        return created
    }

    public func updateFollowUp(_ id: Int64, _ input: FollowUpInput, by actor: Actor) async throws -> FollowUp {
        var followUp = try await followUp(id, by: actor)
        try requireAuthor(followUp.userId, by: actor)
        if let statusId = input.statusId { followUp.statusId = try await checkedStatus(statusId) }
        if let content = input.content { followUp.content = try Self.text(content, field: "content", required: true) }
        if let nextAt = input.nextAt { followUp.nextAt = nextAt }
        if let callId = input.callId { followUp.callId = callId }
        try await repos.crm.followUps.update(followUp)
        return try await self.followUp(id, by: actor)
    }

    public func deleteFollowUp(_ id: Int64, by actor: Actor) async throws {
        let followUp = try await followUp(id, by: actor)
        try requireAuthor(followUp.userId, by: actor)
        try await repos.crm.followUps.delete(id)
        try await audit.record("follow_up.delete", target: "customer:\(followUp.customerId)", actor: actor)
    }

    // MARK: 预约登记

    public func appointments(_ query: ListQuery, customerId: Int64?, dueOnly: Bool, by actor: Actor) async throws -> Page<Appointment> {
        try await repos.crm.appointments.list(
            query, customerId: customerId, dueBefore: dueOnly ? now() : nil, visibility: try await customers.visibility(for: actor))
    }

    public func appointment(_ id: Int64, by actor: Actor) async throws -> Appointment {
        guard let appointment = try await repos.crm.appointments.get(id) else { throw DomainError.notFound("appointment") }
        _ = try await changeableCustomer(appointment.customerId, by: actor, readOnly: true)
        return appointment
    }

    public func createAppointment(_ input: AppointmentInput, by actor: Actor) async throws -> Appointment {
        guard let customerId = input.customerId else { throw DomainError(.missing, "customerId is required", field: "customerId") }
        guard let at = input.at else { throw DomainError(.missing, "at is required", field: "at") }
        _ = try await changeableCustomer(customerId, by: actor)
        let created = try await repos.crm.appointments.create(Appointment(
            id: 0, customerId: customerId, userId: actor.principal.userId, at: at,
            note: try Self.text(input.note ?? "", field: "note", required: false), done: input.done ?? false, createdAt: now()
        ))
        try await audit.record("appointment.create", target: "customer:\(customerId)", actor: actor)
        return created
    }

    public func updateAppointment(_ id: Int64, _ input: AppointmentInput, by actor: Actor) async throws -> Appointment {
        var appointment = try await appointment(id, by: actor)
        try requireAuthor(appointment.userId, by: actor)
        if let at = input.at { appointment.at = at }
        if let note = input.note { appointment.note = try Self.text(note, field: "note", required: false) }
        if let done = input.done { appointment.done = done }
        try await repos.crm.appointments.update(appointment)
        return try await self.appointment(id, by: actor)
    }

    public func deleteAppointment(_ id: Int64, by actor: Actor) async throws {
        let appointment = try await appointment(id, by: actor)
        try requireAuthor(appointment.userId, by: actor)
        try await repos.crm.appointments.delete(id)
    }

    // MARK: 标记客户

    public func markedNumbers(_ query: ListQuery, by actor: Actor) async throws -> Page<MarkedNumber> {
        try await repos.crm.marked.list(query, visibility: try await customers.visibility(for: actor))
    }

    public func deleteMarked(_ id: Int64, by actor: Actor) async throws {
        let visibility = try await customers.visibility(for: actor)
        guard let marked = try await repos.crm.marked.get(id) else { throw DomainError.notFound("marked number") }
        switch visibility {
        case .all: break
        case .own(let me):
            guard marked.userId == me else { throw DomainError.notFound("marked number") }
        case .departments:
            let visible = try await repos.crm.marked.list(ListQuery(q: marked.number, pageSize: ListQuery.maxPageSize), visibility: visibility)
            guard visible.items.contains(where: { $0.id == id }) else { throw DomainError.notFound("marked number") }
        }
        try await repos.crm.marked.delete(id)
        try await audit.record("marked.delete", target: "number:\(marked.number)", actor: actor)
    }

    /// Records a `*83` mark (the feature code comes with the contact-center release).
    public func mark(number: String, name: String, callId: Int64?, by userId: Int64?) async throws -> MarkedNumber {
        guard PhoneNumber.isPlausible(number) else { throw DomainError.invalid("number", "“\(number)” is not a phone number") }
        return try await repos.crm.marked.create(MarkedNumber(
            id: 0, number: number, name: String(name.prefix(200)), userId: userId, callId: callId, note: "", markedAt: now()))
    }

    // MARK: 黑名单

    public func blacklist(_ query: ListQuery) async throws -> Page<BlacklistEntry> { try await repos.crm.blacklist.list(query) }

    public func blacklistEntry(_ id: Int64) async throws -> BlacklistEntry {
        guard let entry = try await repos.crm.blacklist.get(id) else { throw DomainError.notFound("blacklist entry") }
        return entry
    }

    public func addToBlacklist(pattern: String?, note: String?, by actor: Actor) async throws -> BlacklistEntry {
        guard let pattern else { throw DomainError(.missing, "pattern is required", field: "pattern") }
        let entry = try await repos.crm.blacklist.create(BlacklistEntry(
            id: 0, pattern: try Self.pattern(pattern), note: try Self.text(note ?? "", field: "note", required: false), createdAt: now()))
        try await audit.record("blacklist.create", target: "pattern:\(entry.pattern)", actor: actor)
        return entry
    }

    public func updateBlacklist(_ id: Int64, pattern: String?, note: String?, by actor: Actor) async throws -> BlacklistEntry {
        var entry = try await blacklistEntry(id)
        if let pattern { entry.pattern = try Self.pattern(pattern) }
        if let note { entry.note = try Self.text(note, field: "note", required: false) }
        try await repos.crm.blacklist.update(entry)
        try await audit.record("blacklist.update", target: "pattern:\(entry.pattern)", actor: actor)
        return entry
    }

    public func removeFromBlacklist(_ ids: [Int64], by actor: Actor) async throws -> Int {
        let removed = try await repos.crm.blacklist.delete(ids)
        try await audit.record("blacklist.delete", target: "blacklist", detail: ids.map(String.init).joined(separator: ","), actor: actor)
        return removed
    }

    // MARK: rules

    private func changeableCustomer(_ id: Int64, by actor: Actor, readOnly: Bool = false) async throws -> Customer {
        let customer = try await customers.get(id, by: actor)
        if !readOnly && !actor.principal.mayChange(customer) {
            throw DomainError(.forbidden, "Only the owner adds records to this customer; claim it from the pool first")
        }
        return customer
    }

    /// Agents change their own records; supervisors (wider scopes) any they see.
    private func requireAuthor(_ userId: Int64?, by actor: Actor) throws {
        guard userId == actor.principal.userId || actor.principal.dataScope != .self else {
            throw DomainError(.forbidden, "Only its author changes this record")
        }
    }

    private func checkedStatus(_ id: Int64?) async throws -> Int64? {
        guard let id else { return nil }
        guard try await repos.followUpStatuses.all().contains(where: { $0.id == id }) else {
            throw DomainError.invalid("statusId", "no such follow-up status")
        }
        return id
    }

    static func text(_ raw: String, field: String, required: Bool) throws -> String {
        let text = raw.trimmedWhitespace()
        if required && text.isEmpty { throw DomainError(.missing, "\(field) must not be empty", field: field) }
        guard text.count <= maxContent else { throw DomainError.invalid(field, "\(field) is longer than \(maxContent) characters") }
        return text
    }

    /// A number or a prefix ending in `*`, digits and `+` only.
    static func pattern(_ raw: String) throws -> String {
        let text = raw.trimmedWhitespace()
        let body = text.hasSuffix("*") ? String(text.dropLast()) : text
        guard !body.isEmpty, body.count <= 20, body.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "+") }),
            !PhoneNumber.normalize(body).isEmpty
        else { throw DomainError.invalid("pattern", "a number, or a prefix ending in *, like 400* or 13800138000") }
        return text
    }
}
