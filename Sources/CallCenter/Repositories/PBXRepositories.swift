import Foundation

public struct NewExtension: Sendable, Equatable {
    public var number: String
    public var password: String
    public var name: String
    public var callerId: String
    public var maxContacts: Int
    public var recording: Bool
    public var forwarding: Forwarding

    public init(number: String, password: String, name: String, callerId: String, maxContacts: Int, recording: Bool, forwarding: Forwarding) {
        self.number = number
        self.password = password
        self.name = name
        self.callerId = callerId
        self.maxContacts = maxContacts
        self.recording = recording
        self.forwarding = forwarding
    }
}

public protocol ExtensionRepository: Sendable {
    func list(_ query: ListQuery) async throws -> Page<PhoneExtension>
    func get(_ id: Int64) async throws -> PhoneExtension?
    func find(number: String) async throws -> PhoneExtension?
    /// The SIP secret: the registrar needs it to check digest responses.
    func password(number: String) async throws -> String?
    func create(_ new: NewExtension, at: Date) async throws -> PhoneExtension
    func update(_ ext: PhoneExtension) async throws
    func setPassword(id: Int64, password: String) async throws
    func delete(_ id: Int64) async throws
}

/// Where registered contacts are kept so they survive a restart until they expire.
public protocol RegistrationRepository: Sendable {
    func all(now: Date) async throws -> [Registration]
    func contacts(of number: String, now: Date) async throws -> [Registration]
    func contacts(ofNumbers numbers: [String], now: Date) async throws -> [Registration]
    func save(_ registration: Registration) async throws
    func remove(number: String, uri: String) async throws
    func removeAll(number: String) async throws
    func removeExpired(now: Date) async throws
    /// Makes the stored bindings of each listed extension exactly the given
    /// ones (an empty list removes them), all at once.
    func replace(_ bindings: [String: [Registration]]) async throws
}
