import CallCenter
import Foundation
import Hummingbird

/// 分机设置: extensions with their live registration state, and the SIP
/// brute-force block list.
enum ExtensionController {
    static func register(on table: RouteTable, services s: Services, security: any SIPSecurityMonitor) {
        let p = Permission.extensions
        table.add(
            Endpoint(method: .get, path: "/api/v1/extensions", access: .permission(p.permission(.view)), summary: "Extensions with registration state",
                     tag: "pbx", response: .list(of: "Extension"), query: Endpoint.listQuery)
        ) { request, _, _ in
            let page = try await s.extensions.list(try request.listQuery())
            let contacts = try await s.repos.registrations.contacts(ofNumbers: page.items.map(\.number), now: Date())
            let byNumber = Dictionary(grouping: contacts, by: \.extensionNumber)
            return try .json(ListBody(items: page.items.map { ExtensionBody(ext: $0, contacts: byNumber[$0.number] ?? []) }, total: page.total))
        }
        table.add(
            Endpoint(method: .post, path: "/api/v1/extensions", access: .permission(p.permission(.create)),
                     summary: "Create an extension (a generated SIP password is returned once when none is given)", tag: "pbx",
                     request: ExtensionInputBody.schema, response: .ref("Extension"), status: 201)
        ) { request, context, caller in
            let body = try await JSONCoding.decode(ExtensionInputBody.self, from: request, context: context)
            let (ext, generated) = try await s.extensions.create(body.input, by: caller.actor)
            await security.extensionChanged(ext.number)  // it may have been cached as unknown
            return try .json(ExtensionBody(ext: ext, contacts: [], generatedPassword: generated), status: .created)
        }
        table.add(
            Endpoint(method: .get, path: "/api/v1/extensions/{id}", access: .permission(p.permission(.view)), summary: "One extension", tag: "pbx", response: .ref("Extension"))
        ) { _, context, _ in
            let ext = try await s.extensions.get(try context.id())
            return try .json(ExtensionBody(ext: ext, contacts: try await s.repos.registrations.contacts(of: ext.number, now: Date())))
        }
        for method in [HTTPRequest.Method.put, .patch] {
            table.add(
                Endpoint(method: method, path: "/api/v1/extensions/{id}", access: .permission(p.permission(.update)), summary: "Change an extension (the number is fixed)",
                         tag: "pbx", request: ExtensionInputBody.schema, response: .ref("Extension"))
            ) { request, context, caller in
                let id = try context.id()
                let body = try await JSONCoding.decode(ExtensionInputBody.self, from: request, context: context)
                let ext = try await s.extensions.update(id, body.input, by: caller.actor)
                await security.extensionChanged(ext.number)
                return try .json(ExtensionBody(ext: ext, contacts: try await s.repos.registrations.contacts(of: ext.number, now: Date())))
            }
        }
        table.add(
            Endpoint(method: .delete, path: "/api/v1/extensions/{id}", access: .permission(p.permission(.delete)), summary: "Delete an extension and its registrations", tag: "pbx", status: 204)
        ) { _, context, caller in
            let ext = try await s.extensions.delete(try context.id(), by: caller.actor)
            await security.extensionChanged(ext.number)
            return .noContent
        }

        table.add(
            Endpoint(method: .get, path: "/api/v1/sip/blocked", access: .permission(Permission.sipBlocksView),
                     summary: "Addresses blocked after repeated failed SIP authentications", tag: "pbx",
                     response: .object([("items", .array(.ref("BlockedAddress"))), ("total", .integer)], required: ["items", "total"]))
        ) { _, _, _ in
            let blocked = await security.blockedAddresses()
            return try .json(ListBody(items: blocked.map(BlockedBody.init), total: blocked.count))
        }
        table.add(
            Endpoint(method: .delete, path: "/api/v1/sip/blocked/{address}", access: .permission(Permission.sipBlocksDelete),
                     summary: "Lift a block", tag: "pbx", status: 204, pathParameterSchema: .string())
        ) { _, context, caller in
            guard let address = context.parameters.get("address"), address.count <= 64 else {
                throw APIError(.notFound, code: "not_found", message: "No such blocked address")
            }
            guard await security.unblock(address) else {
                throw APIError(.notFound, code: "not_found", message: "\(address) is not blocked")
            }
            try await s.audit.record("sip.unblock", target: "address:\(address)", actor: caller.actor)
            return .noContent
        }
    }
}

struct ExtensionBody: Encodable {
    let ext: PhoneExtension
    let contacts: [Registration]
    var generatedPassword: String? = nil

    enum Keys: String, CodingKey {
        case id, number, name, callerId, maxContacts, recording, forwarding, registered, contacts, createdAt, password
    }
    enum ForwardingKeys: String, CodingKey { case unconditional, noAnswer, noAnswerSeconds, busy, timeGroupId }
    enum ContactKeys: String, CodingKey { case uri, source, transport, userAgent, expiresAt, rttMs, reachable }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(ext.id, forKey: .id)
        try c.encode(ext.number, forKey: .number)
        try c.encode(ext.name, forKey: .name)
        try c.encode(ext.callerId, forKey: .callerId)
        try c.encode(ext.maxContacts, forKey: .maxContacts)
        try c.encode(ext.recording, forKey: .recording)
        var f = c.nestedContainer(keyedBy: ForwardingKeys.self, forKey: .forwarding)
        try f.encode(ext.forwarding.unconditional, forKey: .unconditional)
        try f.encode(ext.forwarding.noAnswer, forKey: .noAnswer)
        try f.encode(ext.forwarding.noAnswerSeconds, forKey: .noAnswerSeconds)
        try f.encode(ext.forwarding.busy, forKey: .busy)
        try f.encode(ext.forwarding.timeGroupId, forKey: .timeGroupId)
        try c.encode(contacts.contains(where: \.reachable), forKey: .registered)
        var list = c.nestedUnkeyedContainer(forKey: .contacts)
        for contact in contacts {
            var item = list.nestedContainer(keyedBy: ContactKeys.self)
            try item.encode(contact.uri, forKey: .uri)
            try item.encode(contact.source, forKey: .source)
            try item.encode(contact.transport, forKey: .transport)
            try item.encode(contact.userAgent, forKey: .userAgent)
            try item.encode(contact.expiresAt, forKey: .expiresAt)
            try item.encode(contact.rttMs, forKey: .rttMs)
            try item.encode(contact.reachable, forKey: .reachable)
        }
        try c.encode(ext.createdAt, forKey: .createdAt)
        if let generatedPassword { try c.encode(generatedPassword, forKey: .password) }
    }

    static let forwardingSchema: Schema = .object([
        ("unconditional", .nullable(.string())), ("noAnswer", .nullable(.string())), ("noAnswerSeconds", .integer),
        ("busy", .nullable(.string())), ("timeGroupId", .nullable(.integer)),
    ])

    static let schema: Schema = .object(
        [
            ("id", .integer), ("number", .string()), ("name", .string()), ("callerId", .string()), ("maxContacts", .integer),
            ("recording", .boolean), ("forwarding", forwardingSchema), ("registered", .boolean),
            ("contacts", .array(.object([
                ("uri", .string()), ("source", .string()), ("transport", .string()), ("userAgent", .string()),
                ("expiresAt", .string(format: "date-time")), ("rttMs", .nullable(.number)), ("reachable", .boolean),
            ]))),
            ("createdAt", .string(format: "date-time")),
            ("password", .string()),
        ],
        required: ["id", "number", "name", "callerId", "maxContacts", "recording", "forwarding", "registered", "contacts", "createdAt"]
    )
}

struct BlockedBody: Encodable {
    let address: String
    let failures: Int
    let blockedAt: Date
    let until: Date

    init(_ blocked: BlockedAddress) {
        address = blocked.address
        failures = blocked.failures
        blockedAt = blocked.blockedAt
        until = blocked.until
    }

    static let schema: Schema = .object(
        [("address", .string()), ("failures", .integer), ("blockedAt", .string(format: "date-time")), ("until", .string(format: "date-time"))],
        required: ["address", "failures", "blockedAt", "until"]
    )
}

struct ExtensionInputBody: Decodable, Sendable {
    let input: ExtensionInput

    enum CodingKeys: String, CodingKey { case number, password, name, callerId, maxContacts, recording, forwarding }

    struct ForwardingInput: Decodable, Sendable {
        let unconditional: String?
        let noAnswer: String?
        let noAnswerSeconds: Int?
        let busy: String?
        let timeGroupId: Int64?
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let forwarding = try c.decodeIfPresent(ForwardingInput.self, forKey: .forwarding).map {
            Forwarding(unconditional: $0.unconditional, noAnswer: $0.noAnswer, noAnswerSeconds: $0.noAnswerSeconds ?? 20, busy: $0.busy, timeGroupId: $0.timeGroupId)
        }
        input = ExtensionInput(
            number: try c.decodeIfPresent(String.self, forKey: .number),
            password: try c.decodeIfPresent(String.self, forKey: .password),
            name: try c.decodeIfPresent(String.self, forKey: .name),
            callerId: try c.decodeIfPresent(String.self, forKey: .callerId),
            maxContacts: try c.decodeIfPresent(Int.self, forKey: .maxContacts),
            recording: try c.decodeIfPresent(Bool.self, forKey: .recording),
            forwarding: forwarding
        )
    }

    static let schema: Schema = .object(
        [
            ("number", .string(maxLength: 10)), ("password", .string(maxLength: 64)), ("name", .string(maxLength: 100)),
            ("callerId", .string(maxLength: 32)), ("maxContacts", .integer), ("recording", .boolean),
            ("forwarding", ExtensionBody.forwardingSchema),
        ],
        required: ["number"]
    )
}
