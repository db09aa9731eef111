import CallCenter
import Foundation
import Media
import MediaEngine
import SIP
import SIPStack

/// One interaction while it lasts: its plan, its legs' SIP side, its
/// media. Lives on the SIP event loop, like the engine that owns it (hence
/// unchecked: it is only touched there).
final class Call: @unchecked Sendable {
    let id: UInt64
    var plan: CallPlan
    var legs: [CallPlan.LegID: SIPLeg] = [:]
    let media: MediaCall
    let startedAt: Date
    let direction: CallDirection
    /// The caller's Call-ID (the call record's `sipCallId`).
    let sipCallId: String
    let from: String
    let dialed: String
    var answeredAt: Date?
    var recording: String?
    var transferredTo: String?
    var timers: [SIPTimer] = []
    var ended = false
    /// Every leg that took part, for the call record.
    var summaries: [CallPlan.LegID: CallLegSummary] = [:]
    /// Leg ids in the order they joined.
    var order: [CallPlan.LegID] = []

    init(id: UInt64, plan: CallPlan, media: MediaCall, startedAt: Date, direction: CallDirection, sipCallId: String, from: String, dialed: String) {
        self.id = id
        self.plan = plan
        self.media = media
        self.startedAt = startedAt
        self.direction = direction
        self.sipCallId = sipCallId
        self.from = from
        self.dialed = dialed
    }

    func add(_ leg: SIPLeg) {
        legs[leg.id] = leg
        if summaries[leg.id] == nil {
            order.append(leg.id)
            let role: CallLegSummary.Role = leg.role == .caller ? .caller : leg.role == .callee && order.count <= 2 ? .callee : .transfer
            summaries[leg.id] = CallLegSummary(number: leg.number, role: role, answeredAt: nil, endedAt: nil)
        }
    }

    /// The users of the extensions on the call (whom its events concern).
    var userIds: [Int64] { legs.values.compactMap { $0.profile?.userId } }
}

/// The SIP side of one leg: an INVITE we answer (the caller, or a phone
/// that replaces a leg) or one we send (to every phone of an extension at
/// once). Its media endpoint has the same id in the call's `MediaCall`.
final class SIPLeg: @unchecked Sendable {
    let id: CallPlan.LegID
    let role: CallPlan.Role
    var number: String
    var profile: ExtensionProfile?
    /// The phone's current description of its audio (offer or answer).
    var remote: RemoteAudio?
    /// What we settled on for this leg.
    var format: LegFormat?
    /// Our `o=` line for this leg.
    var session = SessionVersion(id: String(UInt32.random(in: 1...UInt32.max)))
    /// Our answer to an inbound leg's offer, once made (the 18x and the 200 carry the same).
    var answer: SDPSession?
    /// The server port of this leg's media endpoint.
    var port: Int?
    /// RFC 4028: the interval the phone asked for, if any.
    var sessionInterval: Int?
    var sessionTimer: SIPTimer?
    var ringTimer: SIPTimer?
    /// A REFER from this leg's phone whose progress we report (NOTIFY).
    var referNotifications = false
    var answered = false
    /// Its extension's busy count was given back.
    var countedOut = false
    /// It has left the call (media closed, timers stopped).
    var left = false

    // Inbound (we are the UAS).
    var transaction: SIPServerTransaction?
    var invite: SIPMessage?
    var inboundPeer: SIPPeer?

    // Outbound (we are the UAC): one fork per phone.
    var forks: [Fork] = []
    var forkSet: ForkSet?

    /// The dialog once established (the inbound one, or the winning fork's).
    var dialog: Dialog?
    var peer: SIPPeer?

    struct Fork {
        let peer: SIPPeer
        var dialog: Dialog
        var transaction: SIPClientTransaction?
        var answer: RemoteAudio?
    }

    init(id: CallPlan.LegID, role: CallPlan.Role, number: String, profile: ExtensionProfile?) {
        self.id = id
        self.role = role
        self.number = number
        self.profile = profile
    }

    var isInbound: Bool { transaction != nil }
}
