import Foundation

/// Which way a call went, seen from the call center.
public enum CallDirection: String, Codable, Sendable, CaseIterable, ClosedSetValue {
    /// Extension to extension.
    case `internal`
    case inbound
    case outbound
}

/// How a call ended (the CDR's `disposition`).
public enum CallDisposition: String, Codable, Sendable, CaseIterable {
    case answered
    /// 486: the callee was busy.
    case busy
    /// Rang until the caller gave up or a timer ran out.
    case noAnswer = "no_answer"
    /// The caller cancelled while it rang (487 to the caller).
    case cancelled
    /// 480: the callee had no reachable phone.
    case unavailable
    /// 404: no such number.
    case notFound = "not_found"
    /// Refused or failed for another reason (authentication, codecs, errors).
    case failed
    /// Still open when the server stopped without ending it (closed at the next start).
    case interrupted
}

/// Who ended an answered call (挂机方).
public enum HangupSide: String, Codable, Sendable, CaseIterable {
    case caller
    case callee
    /// The server: maximum call length, media timeout, shutdown.
    case system
}

/// What the call engine knows when a call starts.
public struct NewCallRecord: Sendable, Equatable {
    public var sipCallId: String
    public var direction: CallDirection
    public var from: String
    public var to: String
    /// The extension numbers on either side, when they are extensions.
    public var fromExtension: String?
    public var toExtension: String?
    public var startedAt: Date

    public init(sipCallId: String, direction: CallDirection, from: String, to: String, fromExtension: String?, toExtension: String?, startedAt: Date) {
        self.sipCallId = sipCallId
        self.direction = direction
        self.from = from
        self.to = to
        self.fromExtension = fromExtension
        self.toExtension = toExtension
        self.startedAt = startedAt
    }
}

/// How a call ended, written once when it does.
public struct CallEnding: Sendable, Equatable {
    public var endedAt: Date
    public var disposition: CallDisposition
    public var hangupBy: HangupSide?
    /// A short, human-readable cause (e.g. "media timeout", "486 Busy Here").
    public var reason: String?
    /// The number the call was last transferred to, if it was.
    public var transferredTo: String?
    /// Every leg the interaction had, in the order they joined.
    public var legs: [CallLegSummary]

    public init(
        endedAt: Date, disposition: CallDisposition, hangupBy: HangupSide?, reason: String? = nil, transferredTo: String? = nil,
        legs: [CallLegSummary] = []
    ) {
        self.endedAt = endedAt
        self.disposition = disposition
        self.hangupBy = hangupBy
        self.reason = reason
        self.transferredTo = transferredTo
        self.legs = legs
    }
}

/// One leg of an interaction in its call record: who, in which role, and
/// when it answered and ended.
public struct CallLegSummary: Sendable, Equatable, Codable {
    public enum Role: String, Sendable, Codable {
        case caller, callee
        /// Joined by a transfer (blind, or attended with Replaces).
        case transfer
    }

    public var number: String
    public var role: Role
    public var answeredAt: Date?
    public var endedAt: Date?

    public init(number: String, role: Role, answeredAt: Date?, endedAt: Date?) {
        self.number = number
        self.role = role
        self.answeredAt = answeredAt
        self.endedAt = endedAt
    }

    enum CodingKeys: String, CodingKey { case number, role, answeredAt, endedAt }

    /// Every key present, a time not (yet) known as null.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(number, forKey: .number)
        try container.encode(role, forKey: .role)
        try container.encode(answeredAt, forKey: .answeredAt)
        try container.encode(endedAt, forKey: .endedAt)
    }
}

/// One row of the call detail records (通话记录).
public struct CallRecord: Sendable, Equatable {
    public var id: Int64
    public var sipCallId: String
    public var direction: CallDirection
    public var from: String
    public var to: String
    public var fromExtension: String?
    public var toExtension: String?
    /// The user whose extension took part (callee first, else caller): the row's owner for data scope.
    public var agentId: Int64?
    public var queue: String?
    public var startedAt: Date
    public var answeredAt: Date?
    public var endedAt: Date?
    public var ringSeconds: Int
    public var talkSeconds: Int
    /// nil while the call is in progress.
    public var disposition: CallDisposition?
    public var hangupBy: HangupSide?
    public var reason: String?
    /// The recording's path relative to `DATA/recordings/`, when recorded.
    public var recording: String?
    public var transferredTo: String? = nil
    public var legs: [CallLegSummary] = []

    public init(
        id: Int64, sipCallId: String, direction: CallDirection, from: String, to: String, fromExtension: String?, toExtension: String?,
        agentId: Int64?, queue: String?, startedAt: Date, answeredAt: Date?, endedAt: Date?, ringSeconds: Int, talkSeconds: Int,
        disposition: CallDisposition?, hangupBy: HangupSide?, reason: String?, recording: String?
    ) {
        self.id = id
        self.sipCallId = sipCallId
        self.direction = direction
        self.from = from
        self.to = to
        self.fromExtension = fromExtension
        self.toExtension = toExtension
        self.agentId = agentId
        self.queue = queue
        self.startedAt = startedAt
        self.answeredAt = answeredAt
        self.endedAt = endedAt
        self.ringSeconds = ringSeconds
        self.talkSeconds = talkSeconds
        self.disposition = disposition
        self.hangupBy = hangupBy
        self.reason = reason
        self.recording = recording
    }
}
