import Foundation

/// Call forwarding of one extension (转移设置). Stored now; applied by the
/// routing that comes with the contact-center features.
public struct Forwarding: Sendable, Equatable, Codable {
    public var unconditional: String?
    public var noAnswer: String?
    public var noAnswerSeconds: Int
    public var busy: String?
    public var timeGroupId: Int64?

    public init(unconditional: String? = nil, noAnswer: String? = nil, noAnswerSeconds: Int = 20, busy: String? = nil, timeGroupId: Int64? = nil) {
        self.unconditional = unconditional
        self.noAnswer = noAnswer
        self.noAnswerSeconds = noAnswerSeconds
        self.busy = busy
        self.timeGroupId = timeGroupId
    }
}

/// A SIP extension (分机): what a phone registers as.
public struct PhoneExtension: Sendable, Equatable {
    public var id: Int64
    public var number: String
    public var name: String
    public var callerId: String
    public var maxContacts: Int
    public var recording: Bool
    public var forwarding: Forwarding
    public var createdAt: Date

    public init(
        id: Int64, number: String, name: String, callerId: String, maxContacts: Int, recording: Bool,
        forwarding: Forwarding, createdAt: Date
    ) {
        self.id = id
        self.number = number
        self.name = name
        self.callerId = callerId
        self.maxContacts = maxContacts
        self.recording = recording
        self.forwarding = forwarding
        self.createdAt = createdAt
    }
}

/// One registered contact of an extension (a phone reachable at an address).
public struct Registration: Sendable, Equatable {
    public var extensionNumber: String
    public var uri: String
    /// The Contact's header parameters as the phone sent them (without
    /// `expires`), e.g. `+sip.instance="<urn:…>";reg-id=1` (RFC 5626): given
    /// back in the 200 OK so the phone recognises its binding.
    public var parameters: String
    /// Where the REGISTER came from (`IP:port`): NAT-aware phones are reached there.
    public var source: String
    public var transport: String
    public var userAgent: String
    public var callId: String
    public var cseq: Int
    public var expiresAt: Date
    public var rttMs: Double?
    public var reachable: Bool

    public init(
        extensionNumber: String, uri: String, parameters: String = "", source: String, transport: String, userAgent: String,
        callId: String, cseq: Int, expiresAt: Date, rttMs: Double? = nil, reachable: Bool = true
    ) {
        self.extensionNumber = extensionNumber
        self.uri = uri
        self.parameters = parameters
        self.source = source
        self.transport = transport
        self.userAgent = userAgent
        self.callId = callId
        self.cseq = cseq
        self.expiresAt = expiresAt
        self.rttMs = rttMs
        self.reachable = reachable
    }
}
