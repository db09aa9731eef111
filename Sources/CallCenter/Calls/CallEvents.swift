import Foundation

/// What happens to a call, for whoever follows calls live: the web
/// application's event stream now; wallboards and the agent workspace next.
/// The call engine sends these through a `CallEventSink` it is given; it
/// never knows who listens.
public enum CallEvent: Sendable, Equatable {
    case ringing(CallEventInfo)
    case answered(CallEventInfo)
    /// The call now connects to `to` (a blind or attended transfer).
    case transferred(CallEventInfo, to: String)
    case ended(CallEventInfo, disposition: CallDisposition, hangupBy: HangupSide?)

    public var info: CallEventInfo {
        switch self {
        case .ringing(let info), .answered(let info), .transferred(let info, _), .ended(let info, _, _): info
        }
    }
}

/// The call an event is about, and who should hear of it.
public struct CallEventInfo: Sendable, Equatable {
    /// The interaction's id in the call engine (stable across its legs and transfers).
    public var callId: String
    /// The caller's Call-ID, as the call record keeps it.
    public var sipCallId: String
    public var from: String
    public var to: String
    public var direction: CallDirection
    public var at: Date
    /// The users of the extensions on the call (the agents whose screens it concerns).
    public var userIds: [Int64]

    public init(callId: String, sipCallId: String, from: String, to: String, direction: CallDirection, at: Date, userIds: [Int64]) {
        self.callId = callId
        self.sipCallId = sipCallId
        self.from = from
        self.to = to
        self.direction = direction
        self.at = at
        self.userIds = userIds
    }
}

/// Where the call engine sends its events (CallCenter's port; WebAPI's
/// event hub implements it). Must not block: called on the SIP event loop.
public protocol CallEventSink: Sendable {
    func send(_ event: CallEvent)
}

/// No one listening (tests, tools).
public struct NoCallEvents: CallEventSink {
    public init() {}
    public func send(_ event: CallEvent) {}
}
