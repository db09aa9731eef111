import Foundation

public struct CustomerInput: Sendable {
    public var name: String?
    public var phone: String?
    public var phones: [String]?
    public var fields: [String: FieldValue]?
    /// Only on create: nil leaves the customer with its creator; `.some(nil)` puts it in the pool.
    public var ownerId: Int64??

    public init(name: String? = nil, phone: String? = nil, phones: [String]? = nil, fields: [String: FieldValue]? = nil, ownerId: Int64?? = nil) {
        self.name = name
        self.phone = phone
        self.phones = phones
        self.fields = fields
        self.ownerId = ownerId
    }
}

extension Principal {
    /// Which customers this principal sees: the pool, plus its own
    /// (`self`), its department subtree's (`department`) or all.
    public func customerVisibility(in tree: DepartmentTree) -> CustomerVisibility {
        switch dataScope {
        case .all: .all
        case .department: .departments(visibleDepartments(in: tree) ?? [], me: userId)
        case .self: .own(userId)
        }
    }

    /// Agents (`self` scope) change only their own customers; wider scopes
    /// also manage the pool.
    public func mayChange(_ customer: Customer) -> Bool {
        customer.ownerId == userId || dataScope != .self
    }
}

/// 客户列表, 资料转移, 公共池: customers under the caller's data scope, their
/// fields checked against the configuration on every write.
public struct CustomerService: Sendable {
    public static let maxExtraPhones = 9

    let repos: Repositories
    let audit: AuditTrail
    let now: @Sendable () -> Date

    public init(repos: Repositories, audit: AuditTrail, now: @escaping @Sendable () -> Date = Date.init) {
        self.repos = repos
        self.audit = audit
        self.now = now
    }

    var customers: any CustomerRepository { repos.crm.customers }

    public func visibility(for actor: Actor) async throws -> CustomerVisibility {
        let tree = try await repos.authorization.tree { try await repos.departments.all() }
        return actor.principal.customerVisibility(in: tree)
    }

    public func list(_ query: ListQuery, filter build: (inout CustomerFilter) throws -> Void, by actor: Actor) async throws -> Page<Customer> {
        var filter = CustomerFilter(visibility: try await visibility(for: actor))
        try build(&filter)
        return try await customers.list(query, filter: filter)
    }

    /// The search filters of the list, checked against the configuration.
    public func searchFilters(_ raw: [String: String]) async throws -> [String: String] {
        let config = try await repos.customerFields.all()
        var result: [String: String] = [:]
        for (key, value) in raw {
            guard let field = config.first(where: { $0.key == key }) else {
                throw DomainError(.invalidQuery, "there is no customer field “\(key)”", field: "f.\(key)")
            }
            guard field.searchable else { throw DomainError(.invalidQuery, "\(field.label) is not searchable", field: "f.\(key)") }
            let text = Self.searchValue(.text(value), type: field.type)
            if !text.isEmpty { result[key] = text }
        }
        return result
    }

    public func get(_ id: Int64, by actor: Actor) async throws -> Customer {
        guard let customer = try await customers.get(id, visibility: try await visibility(for: actor)) else { throw DomainError.notFound("customer") }
        return customer
    }

    public func create(_ input: CustomerInput, by actor: Actor) async throws -> Customer {
        guard let name = input.name else { throw DomainError(.missing, "name is required", field: "name") }
        guard let phone = input.phone else { throw DomainError(.missing, "phone is required", field: "phone") }
        var owner: Int64? = actor.principal.userId
        if case .some(let chosen) = input.ownerId {
            owner = chosen
            if let chosen, chosen != actor.principal.userId { try await requireAssignable(chosen, by: actor) }
        }
        let config = try await repos.customerFields.all()
        let record = try Self.record(
            name: name, phone: phone, phones: input.phones ?? [], owner: owner,
            fields: try CustomerFieldRules.apply(input.fields ?? [:], config: config), config: config
        )
        try await refuseBlacklisted(record.numbers)
        try await refuseDuplicates(record.numbers)
        let customer = try await customers.create(record, at: now())
        try await audit.record("customer.create", target: "customer:\(customer.id)", detail: customer.name, actor: actor)
        return try await get(customer.id, by: actor)
    }

    public func update(_ id: Int64, _ input: CustomerInput, by actor: Actor) async throws -> Customer {
        let current = try await get(id, by: actor)
        guard actor.principal.mayChange(current) else { throw DomainError(.forbidden, "Only the owner changes this customer; claim it from the pool first") }
        let config = try await repos.customerFields.all()
        let fields = try CustomerFieldRules.apply(input.fields ?? [:], to: current.fields, config: config)
        let record = try Self.record(
            name: input.name ?? current.name, phone: input.phone ?? current.phone, phones: input.phones ?? current.phones,
            owner: current.ownerId, fields: fields, config: config
        )
        let added = Set(record.numbers).subtracting(current.normalizedNumbers)
        try await refuseBlacklisted(Array(added))
        try await refuseDuplicates(added.sorted())
        try await customers.update(id, record, at: now())
        try await audit.record("customer.update", target: "customer:\(id)", actor: actor)
        return try await get(id, by: actor)
    }

    /// Deletes those of `ids` the caller may change (with their follow-ups
    /// and appointments); an id outside the scope is not found.
    public func delete(_ ids: [Int64], by actor: Actor) async throws -> Int {
        let visibility = try await visibility(for: actor)
        var allowed: [Int64] = []
        for id in Set(ids).sorted() {
            guard let customer = try await customers.get(id, visibility: visibility) else { throw DomainError.notFound("customer \(id)") }
            guard actor.principal.mayChange(customer) else { throw DomainError(.forbidden, "Only the owner deletes customer \(id)") }
            allowed.append(id)
        }
        let deleted = try await customers.delete(allowed)
        try await audit.record("customer.delete", target: "customers", detail: allowed.map(String.init).joined(separator: ","), actor: actor)
        return deleted
    }

    /// 资料转移: moves customers to `toUserId` (nil: the pool), logging each move.
    public func transfer(_ ids: [Int64], to toUserId: Int64?, by actor: Actor) async throws -> Int {
        guard !ids.isEmpty else { throw DomainError(.missing, "choose at least one customer", field: "ids") }
        guard ids.count <= 10_000 else { throw DomainError.invalid("ids", "at most 10,000 customers at a time") }
        if let toUserId { try await requireAssignable(toUserId, by: actor) }
        let visibility = try await visibility(for: actor)
        for id in Set(ids).sorted() {
            guard let customer = try await customers.get(id, visibility: visibility) else { throw DomainError.notFound("customer \(id)") }
            guard actor.principal.mayChange(customer) else { throw DomainError(.forbidden, "Only the owner transfers customer \(id)") }
        }
        let moved = try await customers.transfer(Array(Set(ids)).sorted(), to: toUserId, by: actor.principal.userId, visibility: visibility, at: now())
        try await audit.record(
            "customer.transfer", target: toUserId.map { "user:\($0)" } ?? "pool",
            detail: moved.map(String.init).joined(separator: ","), actor: actor
        )
        return moved.count
    }

    /// 公共池: takes a pool customer; of two agents claiming at once exactly one wins.
    public func claim(_ id: Int64, by actor: Actor) async throws -> Customer {
        // A customer the caller may not see (neither in the pool nor in
        // scope) is answered exactly like one that does not exist.
        guard try await customers.get(id, visibility: try await visibility(for: actor)) != nil else { throw DomainError.notFound("customer") }
        guard try await customers.claim(id, for: actor.principal.userId, at: now()) else {
            // It was in sight a moment ago: someone claimed it first.
            throw DomainError(.conflict, "Someone else owns this customer now")
        }
        try await audit.record("customer.claim", target: "customer:\(id)", actor: actor)
        return try await get(id, by: actor)
    }

    public func transfers(of id: Int64, by actor: Actor) async throws -> [CustomerTransfer] {
        _ = try await get(id, by: actor)
        return try await customers.transfers(of: id)
    }

    // MARK: rules

    private func requireAssignable(_ userId: Int64, by actor: Actor) async throws {
        guard let user = try await repos.users.get(userId) else { throw DomainError.invalid("toUserId", "no such user") }
        let tree = try await repos.authorization.tree { try await repos.departments.all() }
        guard actor.principal.canSee(user: user, in: tree) else {
            throw DomainError.invalid("toUserId", "that user is outside your data scope")
        }
    }

    /// One customer per number, as the import's duplicate check has it. The
    /// refusal reads the same whoever owns the other customer, so it tells
    /// nobody about customers outside their scope.
    func refuseDuplicates(_ numbers: [String]) async throws {
        guard !numbers.isEmpty else { return }
        let existing = try await customers.existingNumbers(numbers)
        if let number = numbers.first(where: existing.contains) {
            throw DomainError(.conflict, "\(number) belongs to an existing customer", field: "phone", code: MessageCode("existingCustomer", ["number": number]))
        }
    }

    func refuseBlacklisted(_ numbers: [String]) async throws {
        guard !numbers.isEmpty else { return }
        let blacklist = try await repos.crm.blacklist.all()
        if let number = numbers.first(where: { number in blacklist.contains { $0.matches(normalized: number) } }) {
            throw DomainError.invalid("phone", "\(number) is blacklisted")
        }
    }

    /// A customer as stored, with its indexes; checks name and numbers.
    static func record(
        name rawName: String, phone rawPhone: String, phones rawPhones: [String], owner: Int64?, fields: [String: FieldValue],
        config: [CustomerField], packageId: Int64? = nil
    ) throws -> CustomerRecord {
        let name = try Validate.name(rawName, max: 200)
        let phone = rawPhone.trimmedWhitespace()
        guard PhoneNumber.isPlausible(phone) else {
            throw DomainError.invalid("phone", "“\(phone)” is not a phone number", code: MessageCode("notPhoneNumber", ["value": phone]))
        }
        let phones = rawPhones.map { $0.trimmedWhitespace() }.filter { !$0.isEmpty }
        guard phones.count <= maxExtraPhones else {
            throw DomainError.invalid("phones", "at most \(maxExtraPhones) more numbers", code: MessageCode("tooManyPhones", ["max": String(maxExtraPhones)]))
        }
        if let bad = phones.first(where: { !PhoneNumber.isPlausible($0) }) {
            throw DomainError.invalid("phones", "“\(bad)” is not a phone number", code: MessageCode("notPhoneNumber", ["value": bad]))
        }
        var seen = Set<String>()
        let numbers = ([phone] + phones).map(PhoneNumber.normalize).filter { seen.insert($0).inserted }
        var searchValues: [String: String] = [:]
        for field in config where field.searchable {
            if let value = fields[field.key] { searchValues[field.key] = searchValue(value, type: field.type) }
        }
        return CustomerRecord(
            name: name, phone: phone, phones: phones, ownerId: owner, fields: fields, numbers: numbers, searchValues: searchValues,
            searchText: CustomerFieldRules.searchText(name: name, numbers: numbers, fields: fields, config: config), packageId: packageId
        )
    }

    /// How a searchable value is indexed: phones by digits, the rest lower-cased.
    static func searchValue(_ value: FieldValue, type: CustomerFieldType) -> String {
        let text = value.display.trimmedWhitespace()
        return type == .phone ? PhoneNumber.normalize(text) : String(text.lowercased().prefix(200))
    }
}
