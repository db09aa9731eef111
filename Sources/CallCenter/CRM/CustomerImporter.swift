import Foundation

/// One line of an import file: its number in the file and its cells as text.
public struct ImportRow: Sendable {
    public var number: Int
    public var values: [String]

    public init(number: Int, values: [String]) {
        self.number = number
        self.values = values
    }
}

/// The columns of the import template and the export, and how an import
/// file's header maps onto customers.
public struct CustomerColumns: Sendable {
    public enum Target: Sendable, Equatable {
        case name, phone, phones, field(CustomerField), ignored
    }

    static let nameTitles: Set<String> = ["姓名", "名称", "客户名称", "客户姓名", "name"]
    static let phoneTitles: Set<String> = ["电话", "手机", "手机号", "电话号码", "联系电话", "phone"]
    static let phonesTitles: Set<String> = ["其他电话", "其它电话", "phones", "other phones"]

    /// The template's header: name, phone, more phones, then every configured field.
    public static func templateHeader(_ config: [CustomerField]) -> [String] {
        ["姓名", "电话", "其他电话"] + config.sorted { $0.order < $1.order }.map(\.label)
    }

    /// The export's header: the template's, plus owner and times.
    public static func exportHeader(_ config: [CustomerField]) -> [String] {
        templateHeader(config) + ["归属坐席", "创建时间", "更新时间"]
    }

    public static func exportRow(_ customer: Customer, config: [CustomerField]) -> [String] {
        [customer.name, customer.phone, customer.phones.joined(separator: ", ")]
            + config.sorted { $0.order < $1.order }.map { customer.fields[$0.key]?.display ?? "" }
            + [customer.ownerName ?? "", RFC3339.string(customer.createdAt), RFC3339.string(customer.updatedAt)]
    }

    /// What each column of `header` holds; a file without a name and a phone column is refused.
    public static func map(header: [String], config: [CustomerField]) throws -> [Target] {
        var used = Set<String>()
        let targets: [Target] = header.map { raw in
            let title = raw.trimmedWhitespace()
            let lower = title.lowercased()
            let target: Target
            if nameTitles.contains(lower) {
                target = .name
            } else if phoneTitles.contains(lower) {
                target = .phone
            } else if phonesTitles.contains(lower) {
                target = .phones
            } else if let field = config.first(where: { $0.label == title || $0.key == lower }) {
                target = .field(field)
            } else {
                target = .ignored
            }
            let id = "\(target)"
            if target != .ignored && !used.insert(id).inserted { return .ignored }
            return target
        }
        guard targets.contains(.name), targets.contains(.phone) else {
            throw DomainError.invalid(
                "file", "the first row must name the columns, with at least 姓名 (name) and 电话 (phone); download the template")
        }
        return targets
    }
}

/// 资料管理 import: every row ends up imported, duplicate, blacklisted or
/// invalid (with the reason and its row number) in a data package; good
/// rows land even when others are bad. Rows arrive in batches, so a
/// 100,000-row file never sits in memory at once.
public struct CustomerImporter: Sendable {
    public static let batchSize = 4000

    let repos: Repositories
    let audit: AuditTrail
    let now: @Sendable () -> Date

    public init(repos: Repositories, audit: AuditTrail, now: @escaping @Sendable () -> Date = Date.init) {
        self.repos = repos
        self.audit = audit
        self.now = now
    }

    /// The package an upload becomes, before its rows are read.
    public func start(fileName: String, by actor: Actor) async throws -> DataPackage {
        let name = String(fileName.split(separator: "/").last ?? "import").prefix(200)
        return try await repos.crm.packages.create(DataPackage(
            id: 0, name: String(name), fileName: String(name), createdBy: actor.principal.userId, createdAt: now(), status: .running))
    }

    public func package(_ id: Int64, by actor: Actor) async throws -> DataPackage {
        guard let package = try await repos.crm.packages.get(id), visible(package, to: actor) else { throw DomainError.notFound("data package") }
        return package
    }

    public func packages(_ query: ListQuery, by actor: Actor) async throws -> Page<DataPackage> {
        try await repos.crm.packages.list(query, createdBy: actor.principal.dataScope == .all ? nil : actor.principal.userId)
    }

    public func rows(of id: Int64, result: PackageRow.Result?, query: ListQuery, by actor: Actor) async throws -> Page<PackageRow> {
        _ = try await package(id, by: actor)
        return try await repos.crm.packages.rows(of: id, result: result, query: query)
    }

    private func visible(_ package: DataPackage, to actor: Actor) -> Bool {
        actor.principal.dataScope == .all || package.createdBy == actor.principal.userId
    }

    /// Reads `batches` (the first row is the header) into `package`;
    /// imported customers belong to the importer. Never throws: a failure
    /// marks the package failed with its reason.
    public func run(
        _ batches: some AsyncSequence<[ImportRow], any Error>, into package: DataPackage, dedupe: Bool, by actor: Actor
    ) async -> DataPackage {
        var package = package
        var writing: [Task<[PackageRow], any Error>] = []
        var progress: Task<Void, Never>?
        do {
            let config = try await repos.customerFields.all()
            let blacklist = try await repos.crm.blacklist.all()
            var targets: [CustomerColumns.Target]?
            var header: [String] = []
            var seen = Set<String>()
            for try await batch in batches {
                var rows = batch[...]
                if targets == nil {
                    // Blank lines above the header are not the header.
                    rows = rows.drop { $0.values.allSatisfy { $0.trimmedWhitespace().isEmpty } }
                }
                if targets == nil, let first = rows.first {
                    header = first.values.map { $0.trimmedWhitespace() }
                    targets = try CustomerColumns.map(header: header, config: config)
                    rows = rows.dropFirst()
                }
                guard let targets, !rows.isEmpty else { continue }
                let prepared = try await prepare(
                    Array(rows), targets: targets, header: header, config: config, blacklist: blacklist, dedupe: dedupe, seen: &seen,
                    packageId: package.id, by: actor)
                // Writes overlap the next batches' checks and encoding; the storage takes them one at a time.
                let packageId = package.id
                writing.append(Task { [prepared] in try await write(prepared, packageId: packageId) })
                if writing.count > 2 {
                    package.add(try await writing.removeFirst().value)
                    progress = reportProgress(package, after: progress)
                }
            }
            while !writing.isEmpty { package.add(try await writing.removeFirst().value) }
            if targets == nil { throw DomainError.invalid("file", "the file has no rows") }
            package.status = .done
        } catch let error as DomainError {
            for task in writing { if let rows = try? await task.value { package.add(rows) } }
            package.status = .failed
            package.message = error.message
        } catch {
            for task in writing { if let rows = try? await task.value { package.add(rows) } }
            package.status = .failed
            package.message = "\(error)"
        }
        await progress?.value  // the last progress update lands before the final counts
        try? await repos.crm.packages.update(package)
        try? await audit.record(
            "customer.import", target: "package:\(package.id)",
            detail: "\(package.imported) imported, \(package.duplicates) duplicate, \(package.blacklisted) blacklisted, \(package.invalid) invalid",
            actor: actor)
        return package
    }

    /// Stores the package's counts so far behind the reading: the update
    /// queues for the writer like the batches do, and the next batch must not
    /// wait for it. Each update waits for the one before, so the counts never
    /// go back and the final update (after `previous`) is the last.
    private func reportProgress(_ package: DataPackage, after previous: Task<Void, Never>?) -> Task<Void, Never> {
        let packages = repos.crm.packages
        return Task {
            await previous?.value
            // Best effort: a failed progress write only delays the counts; the final one is written after.
            try? await packages.update(package)
        }
    }

    /// A batch checked and ready to store: each row's outcome, and the
    /// customers of the rows that are imported.
    struct PreparedBatch: Sendable {
        var outcomes: [PackageRow]
        var records: [(index: Int, record: CustomerRecord)]
    }

    private func prepare(
        _ rows: [ImportRow], targets: [CustomerColumns.Target], header: [String], config: [CustomerField], blacklist: [BlacklistEntry],
        dedupe: Bool, seen: inout Set<String>, packageId: Int64, by actor: Actor
    ) async throws -> PreparedBatch {
        var batch = PreparedBatch(outcomes: [], records: [])
        batch.outcomes.reserveCapacity(rows.count)
        let existing = dedupe ? try await repos.crm.customers.existingNumbers(Array(Set(rows.flatMap { phones(in: $0, targets) }))) : []
        for row in rows where !row.values.allSatisfy({ $0.trimmedWhitespace().isEmpty }) {
            // A row's cells are kept for the rows that did not import; an imported row links to its customer.
            func outcome(_ result: PackageRow.Result, _ reason: String, _ code: MessageCode? = nil) {
                var values: [String: String] = [:]
                if result != .imported {
                    for (index, title) in header.enumerated() where index < row.values.count && !row.values[index].isEmpty {
                        values[title.isEmpty ? "#\(index + 1)" : title] = String(row.values[index].prefix(500))
                    }
                }
                batch.outcomes.append(PackageRow(row: row.number, result: result, reason: reason, reasonCode: code, customerId: nil, values: values))
            }
            let record: CustomerRecord
            do {
                record = try self.record(row, targets: targets, config: config, owner: actor.principal.userId, packageId: packageId)
            } catch let error as DomainError {
                outcome(.invalid, error.message, error.code)
                continue
            }
            if let number = record.numbers.first(where: { number in blacklist.contains { $0.matches(normalized: number) } }) {
                outcome(.blacklisted, "\(number) is blacklisted", MessageCode("blacklisted", ["number": number]))
                continue
            }
            if dedupe, let number = record.numbers.first(where: { existing.contains($0) || seen.contains($0) }) {
                if existing.contains(number) {
                    outcome(.duplicate, "\(number) belongs to an existing customer", MessageCode("existingCustomer", ["number": number]))
                } else {
                    outcome(.duplicate, "\(number) appears earlier in the file", MessageCode("earlierInFile", ["number": number]))
                }
                continue
            }
            seen.formUnion(record.numbers)
            batch.records.append((batch.outcomes.count, record))
            outcome(.imported, "")
        }
        return batch
    }

    /// Stores a batch; returns its rows' outcomes (for the package's counts).
    private func write(_ prepared: PreparedBatch, packageId: Int64) async throws -> [PackageRow] {
        var outcomes = prepared.outcomes
        let ids = try await repos.crm.customers.createMany(prepared.records.map(\.record), at: now())
        for (position, id) in zip(prepared.records.map(\.index), ids) { outcomes[position].customerId = id }
        try await repos.crm.packages.appendRows(outcomes, to: packageId)
        return outcomes
    }

    private func phones(in row: ImportRow, _ targets: [CustomerColumns.Target]) -> [String] {
        zip(targets, row.values).flatMap { target, value -> [String] in
            switch target {
            case .phone: [PhoneNumber.normalize(value)]
            case .phones: CustomerFieldRules.splitList(value).map(PhoneNumber.normalize)
            default: []
            }
        }.filter { !$0.isEmpty }
    }

    private func record(_ row: ImportRow, targets: [CustomerColumns.Target], config: [CustomerField], owner: Int64, packageId: Int64) throws -> CustomerRecord {
        var name = "", phone = "", phones: [String] = []
        var fields: [String: FieldValue] = [:]
        for (target, value) in zip(targets, row.values) {
            switch target {
            case .name: name = value
            case .phone: phone = value
            case .phones: phones = CustomerFieldRules.splitList(value)
            case .field(let field):
                if let checked = try CustomerFieldRules.fromCell(value, for: field) { fields[field.key] = checked }
            case .ignored: break
            }
        }
        if phone.trimmedWhitespace().isEmpty { throw DomainError(.missing, "电话 (phone) is empty", field: "phone", code: MessageCode("phoneEmpty")) }
        let checked = try CustomerFieldRules.apply([:], to: fields, config: config)
        return try CustomerService.record(name: name, phone: phone, phones: phones, owner: owner, fields: checked, config: config, packageId: packageId)
    }
}

extension DataPackage {
    /// Counts a stored batch's outcomes.
    mutating func add(_ outcomes: [PackageRow]) {
        total += outcomes.count
        for outcome in outcomes {
            switch outcome.result {
            case .imported: imported += 1
            case .duplicate: duplicates += 1
            case .blacklisted: blacklisted += 1
            case .invalid: invalid += 1
            }
        }
    }
}
