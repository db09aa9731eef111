import Foundation

public struct ExtensionInput: Sendable {
    public var number: String?
    public var password: String?
    public var name: String?
    public var callerId: String?
    public var maxContacts: Int?
    public var recording: Bool?
    public var forwarding: Forwarding?

    public init(
        number: String? = nil, password: String? = nil, name: String? = nil, callerId: String? = nil,
        maxContacts: Int? = nil, recording: Bool? = nil, forwarding: Forwarding? = nil
    ) {
        self.number = number
        self.password = password
        self.name = name
        self.callerId = callerId
        self.maxContacts = maxContacts
        self.recording = recording
        self.forwarding = forwarding
    }
}

/// 分机设置: extensions and their SIP secrets. A secret left empty is
/// generated (strong, shown once); a chosen one must be hard to guess.
public struct ExtensionService: Sendable {
    public static let maxContactsLimit = 10

    let repos: Repositories
    let audit: AuditTrail
    let now: @Sendable () -> Date

    public init(repos: Repositories, audit: AuditTrail, now: @escaping @Sendable () -> Date = Date.init) {
        self.repos = repos
        self.audit = audit
        self.now = now
    }

    public func list(_ query: ListQuery) async throws -> Page<PhoneExtension> { try await repos.extensions.list(query) }

    public func get(_ id: Int64) async throws -> PhoneExtension {
        guard let ext = try await repos.extensions.get(id) else { throw DomainError.notFound("extension") }
        return ext
    }

    public func create(_ input: ExtensionInput, by actor: Actor) async throws -> (PhoneExtension, generatedPassword: String?) {
        guard let rawNumber = input.number else { throw DomainError(.missing, "number is required", field: "number") }
        let number = try Self.number(rawNumber)
        if try await repos.extensions.find(number: number) != nil {
            throw DomainError(.conflict, "extension \(number) already exists", field: "number")
        }
        var generated: String?
        let password: String
        if let chosen = input.password, !chosen.isEmpty {
            password = try Self.password(chosen, number: number)
        } else {
            password = Self.generatePassword()
            generated = password
        }
        let ext = try await repos.extensions.create(
            NewExtension(
                number: number, password: password, name: try Validate.name(input.name ?? number),
                callerId: try Self.callerId(input.callerId ?? number), maxContacts: try Self.maxContacts(input.maxContacts ?? 3),
                recording: input.recording ?? false, forwarding: try Self.forwarding(input.forwarding ?? Forwarding(), of: number)
            ),
            at: now()
        )
        try await audit.record("extension.create", target: "extension:\(number)", actor: actor)
        return (ext, generated)
    }

    public func update(_ id: Int64, _ input: ExtensionInput, by actor: Actor) async throws -> PhoneExtension {
        var ext = try await get(id)
        if let number = input.number, number != ext.number {
            throw DomainError.invalid("number", "an extension's number cannot change; create a new one")
        }
        if let name = input.name { ext.name = try Validate.name(name) }
        if let callerId = input.callerId { ext.callerId = try Self.callerId(callerId) }
        if let maxContacts = input.maxContacts { ext.maxContacts = try Self.maxContacts(maxContacts) }
        if let recording = input.recording { ext.recording = recording }
        if let forwarding = input.forwarding { ext.forwarding = try Self.forwarding(forwarding, of: ext.number) }
        try await repos.extensions.update(ext)
        var detail = ""
        if let password = input.password, !password.isEmpty {
            try await repos.extensions.setPassword(id: id, password: try Self.password(password, number: ext.number))
            detail = "password changed"
        }
        try await audit.record("extension.update", target: "extension:\(ext.number)", detail: detail, actor: actor)
        return ext
    }

    @discardableResult
    public func delete(_ id: Int64, by actor: Actor) async throws -> PhoneExtension {
        let ext = try await get(id)
        if let holder = try await repos.users.findByExtension(ext.number) {
            throw DomainError(
                .inUse, "extension \(ext.number) is bound to user \(holder.username); bind them to another extension first",
                code: MessageCode("extensionBound", ["number": ext.number, "user": holder.username]))
        }
        try await repos.registrations.removeAll(number: ext.number)
        try await repos.extensions.delete(id)
        try await audit.record("extension.delete", target: "extension:\(ext.number)", actor: actor)
        return ext
    }

    // MARK: rules

    static func number(_ value: String) throws -> String {
        guard (2...10).contains(value.count), value.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw DomainError.invalid("number", "an extension number is 2–10 digits")
        }
        return value
    }

    static func callerId(_ value: String) throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        guard (1...32).contains(trimmed.count), trimmed.enumerated().allSatisfy({ index, c in
            (c.isASCII && c.isNumber) || (index == 0 && c == "+")
        }) else {
            throw DomainError.invalid("callerId", "caller ID is a number of up to 32 digits, optionally starting with +")
        }
        return trimmed
    }

    static func maxContacts(_ value: Int) throws -> Int {
        guard (1...maxContactsLimit).contains(value) else {
            throw DomainError.invalid("maxContacts", "max contacts is between 1 and \(maxContactsLimit)")
        }
        return value
    }

    /// Chosen secrets: long enough, not the number, not one repeated character.
    static func password(_ value: String, number: String) throws -> String {
        guard value.count >= 10, value.count <= 64 else {
            throw DomainError.invalid("password", "a SIP password has 10–64 characters")
        }
        guard !value.contains(number), Set(value).count >= 4 else {
            throw DomainError.invalid("password", "the SIP password is too easy to guess")
        }
        guard value.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "\"" && $0 != "\\" }) else {
            throw DomainError.invalid("password", "use printable ASCII without spaces, quotes or backslashes")
        }
        return value
    }

    static func forwarding(_ value: Forwarding, of number: String) throws -> Forwarding {
        var result = value
        for (field, target) in [("forwarding.unconditional", value.unconditional), ("forwarding.noAnswer", value.noAnswer), ("forwarding.busy", value.busy)] {
            guard let target, !target.isEmpty else { continue }
            guard target.count <= 32, target.enumerated().allSatisfy({ i, c in (c.isASCII && c.isNumber) || (i == 0 && c == "+") }) else {
                throw DomainError.invalid(field, "a forwarding target is a number")
            }
            // Forwarding to itself would ring the same phones again forever.
            guard target != number else {
                throw DomainError.invalid(field, "extension \(number) cannot forward to itself", code: MessageCode("forwardToSelf", ["number": number]))
            }
        }
        guard (5...300).contains(value.noAnswerSeconds) else {
            throw DomainError.invalid("forwarding.noAnswerSeconds", "no-answer time is 5–300 seconds")
        }
        result.unconditional = value.unconditional.flatMap { $0.isEmpty ? nil : $0 }
        result.noAnswer = value.noAnswer.flatMap { $0.isEmpty ? nil : $0 }
        result.busy = value.busy.flatMap { $0.isEmpty ? nil : $0 }
        return result
    }

    /// 20 characters from letters and digits (~119 bits).
    public static func generatePassword() -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet.randomElement(using: &generator)! })
    }
}
