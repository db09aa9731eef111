import Foundation

/// A customer as written: the repository keeps the phone and search indexes.
public struct CustomerRecord: Sendable, Equatable {
    public var name: String
    public var phone: String
    public var phones: [String]
    public var ownerId: Int64?
    public var fields: [String: FieldValue]
    /// Normalized numbers (matching, de-duplication).
    public var numbers: [String]
    /// Lower-cased searchable field values by key (prefix search).
    public var searchValues: [String: String]
    public var searchText: String
    public var packageId: Int64?

    public init(
        name: String, phone: String, phones: [String], ownerId: Int64?, fields: [String: FieldValue], numbers: [String],
        searchValues: [String: String], searchText: String, packageId: Int64? = nil
    ) {
        self.name = name
        self.phone = phone
        self.phones = phones
        self.ownerId = ownerId
        self.fields = fields
        self.numbers = numbers
        self.searchValues = searchValues
        self.searchText = searchText
        self.packageId = packageId
    }
}

public protocol CustomerRepository: Sendable {
    func list(_ query: ListQuery, filter: CustomerFilter) async throws -> Page<Customer>
    /// The customer when `visibility` lets the caller see it.
    func get(_ id: Int64, visibility: CustomerVisibility) async throws -> Customer?
    func create(_ record: CustomerRecord, at: Date) async throws -> Customer
    /// Many at once, in one transaction (imports); returns the new ids in order.
    func createMany(_ records: [CustomerRecord], at: Date) async throws -> [Int64]
    func update(_ id: Int64, _ record: CustomerRecord, at: Date) async throws
    func delete(_ ids: [Int64]) async throws -> Int
    /// Sets the owner of those of `ids` that are visible; logs each move. Returns the moved ids.
    func transfer(_ ids: [Int64], to owner: Int64?, by: Int64?, visibility: CustomerVisibility, at: Date) async throws -> [Int64]
    /// Takes a pool customer for `userId` if nobody owns it yet (one winner under concurrency).
    func claim(_ id: Int64, for userId: Int64, at: Date) async throws -> Bool
    func transfers(of customerId: Int64) async throws -> [CustomerTransfer]
    /// The transfer histories of many customers at once (backup), by customer then time.
    func transfers(ofCustomers ids: [Int64]) async throws -> [CustomerTransfer]
    /// Which of `numbers` (normalized) already belong to a customer.
    func existingNumbers(_ numbers: [String]) async throws -> Set<String>
    /// Visits every customer matching `filter` (and the free-text search `q`) in id order, a batch at a time (export).
    func forEach(filter: CustomerFilter, q: String?, batch: Int, _ body: ([Customer]) async throws -> Void) async throws
}

public protocol FollowUpRepository: Sendable {
    func list(_ query: ListQuery, customerId: Int64?, visibility: CustomerVisibility) async throws -> Page<FollowUp>
    func get(_ id: Int64) async throws -> FollowUp?
    func create(_ followUp: FollowUp) async throws -> FollowUp
    func update(_ followUp: FollowUp) async throws
    func delete(_ id: Int64) async throws
}

public protocol AppointmentRepository: Sendable {
    func list(_ query: ListQuery, customerId: Int64?, dueBefore: Date?, visibility: CustomerVisibility) async throws -> Page<Appointment>
    func get(_ id: Int64) async throws -> Appointment?
    func create(_ appointment: Appointment) async throws -> Appointment
    func update(_ appointment: Appointment) async throws
    func delete(_ id: Int64) async throws
    /// Not done, due by `now`, and not yet announced to their owner.
    func dueForReminder(now: Date, limit: Int) async throws -> [Appointment]
    func markReminded(_ ids: [Int64], at: Date) async throws
}

public protocol MarkedNumberRepository: Sendable {
    func list(_ query: ListQuery, visibility: CustomerVisibility) async throws -> Page<MarkedNumber>
    func get(_ id: Int64) async throws -> MarkedNumber?
    func create(_ marked: MarkedNumber) async throws -> MarkedNumber
    func delete(_ id: Int64) async throws
}

public protocol BlacklistRepository: Sendable {
    func list(_ query: ListQuery) async throws -> Page<BlacklistEntry>
    func all() async throws -> [BlacklistEntry]
    func get(_ id: Int64) async throws -> BlacklistEntry?
    func find(pattern: String) async throws -> BlacklistEntry?
    func create(_ entry: BlacklistEntry) async throws -> BlacklistEntry
    func update(_ entry: BlacklistEntry) async throws
    func delete(_ ids: [Int64]) async throws -> Int
}

public protocol DataPackageRepository: Sendable {
    func list(_ query: ListQuery, createdBy: Int64?) async throws -> Page<DataPackage>
    func get(_ id: Int64) async throws -> DataPackage?
    func create(_ package: DataPackage) async throws -> DataPackage
    func update(_ package: DataPackage) async throws
    func appendRows(_ rows: [PackageRow], to packageId: Int64) async throws
    func rows(of packageId: Int64, result: PackageRow.Result?, query: ListQuery) async throws -> Page<PackageRow>
}

/// The CRM's storage, grouped so `Repositories` grows by one field.
public struct CRMRepositories: Sendable {
    public var customers: any CustomerRepository
    public var followUps: any FollowUpRepository
    public var appointments: any AppointmentRepository
    public var marked: any MarkedNumberRepository
    public var blacklist: any BlacklistRepository
    public var packages: any DataPackageRepository

    public init(
        customers: any CustomerRepository, followUps: any FollowUpRepository, appointments: any AppointmentRepository,
        marked: any MarkedNumberRepository, blacklist: any BlacklistRepository, packages: any DataPackageRepository
    ) {
        self.customers = customers
        self.followUps = followUps
        self.appointments = appointments
        self.marked = marked
        self.blacklist = blacklist
        self.packages = packages
    }
}
