import Media
import CallCenter
import Foundation
import MediaEngine
import NIOCore
import SIP
import SIPStack

/// Everything the engine holds for one call while it lasts. Lives on the
/// SIP event loop, like the B2BUA that owns it (hence unchecked: it is
/// only touched there, which closures scheduled on that loop respect).
final class ActiveCall: @unchecked Sendable {
    let id: UInt64
    let caller: ExtensionProfile
    let callee: ExtensionProfile
    let startedAt: Date
    var flow: CallFlow?

    // A: the caller's side, where we are the UAS.
    let transaction: SIPServerTransaction
    let invite: SIPMessage
    let callerPeer: SIPPeer
    var callerDialog: Dialog
    var callerOffer: RemoteAudio
    var callerAnswer: SDPSession?
    var callerSession: SessionVersion
    var callerFormat: LegFormat?
    var calleeFormat: LegFormat?
    /// RFC 4028: the interval the caller asked for, if any.
    var sessionInterval: Int?

    // B: one fork per contact of the callee.
    var forks: [Fork] = []
    var calleeSession: SessionVersion

    var media: MediaSession?
    var answeredAt: Date?
    var timers: [SIPTimer] = []
    var sessionTimer: SIPTimer?
    /// A re-INVITE we relay and are waiting on (one at a time, else 491).
    var pendingReInvite: PendingReInvite?
    var recording: String?
    var ended = false

    struct Fork {
        let peer: SIPPeer
        var dialog: Dialog
        var transaction: SIPClientTransaction?
        var answer: RemoteAudio?
    }

    struct PendingReInvite {
        /// Who asked: the caller, or the winning fork.
        let fromCaller: Bool
        let transaction: SIPServerTransaction
        let offer: RemoteAudio?
    }

    init(
        id: UInt64, caller: ExtensionProfile, callee: ExtensionProfile, startedAt: Date, transaction: SIPServerTransaction,
        invite: SIPMessage, callerPeer: SIPPeer, callerDialog: Dialog, callerOffer: RemoteAudio
    ) {
        self.id = id
        self.caller = caller
        self.callee = callee
        self.startedAt = startedAt
        self.transaction = transaction
        self.invite = invite
        self.callerPeer = callerPeer
        self.callerDialog = callerDialog
        self.callerOffer = callerOffer
        callerSession = SessionVersion(id: String(UInt32.random(in: 1...UInt32.max)))
        calleeSession = SessionVersion(id: String(UInt32.random(in: 1...UInt32.max)))
    }

    var winner: Int? { flow?.winner }
}
