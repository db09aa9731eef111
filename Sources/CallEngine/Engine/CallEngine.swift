import CallCenter
import Foundation
import Logging
import Media
import MediaEngine
import NIOCore
import SIP
import SIPStack

/// Makes calls happen: a back-to-back user agent whose calls hold any
/// number of legs (SIP dialogs in and out) and whose media is anchored at
/// the server. Each call's decisions are a `CallPlan` (a plain value); the
/// engine admits INVITEs, performs the plan's actions on SIP and media, and
/// feeds back what happens. Everything here runs on the SIP event loop —
/// the transaction layer calls in on it and the engine's timers fire on it
/// — so the tables need no locks; a database read hops off and back once.
public final class CallEngine: @unchecked Sendable {
    let authenticator: DigestAuthenticator
    let directory: ExtensionDirectory
    let location: LocationTable
    let media: MediaService
    let cdr: CDRWriter
    let events: any CallEventSink
    let policy: CallPolicy
    let logger: Logger
    let now: @Sendable () -> Date
    private(set) var endpoint: SIPEndpoint!

    var calls: [UInt64: Call] = [:]
    /// "Call-ID|our tag" of each leg's dialog (and each fork's) → the call and the leg.
    var dialogs: [String: (call: UInt64, leg: CallPlan.LegID)] = [:]
    /// Inbound INVITE transactions → their call and leg (CANCEL, no ACK).
    var byTransaction: [SIPServerTransaction: (call: UInt64, leg: CallPlan.LegID)] = [:]
    /// Extension number → calls it takes part in (busy detection).
    var activeByExtension: [String: Int] = [:]
    /// INVITEs being admitted or ringing (load shedding).
    var settingUp = 0
    var nextID: UInt64 = 0

    public init(
        registrar: Registrar, location: LocationTable, media: MediaService, cdr: CDRWriter, events: any CallEventSink = NoCallEvents(),
        policy: CallPolicy, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.authenticator = registrar.authenticator
        self.directory = registrar.directory
        self.location = location
        self.media = media
        self.cdr = cdr
        self.events = events
        self.policy = policy
        self.logger = logger
        self.now = now
    }

    /// Connects the engine to the transaction layer (once, before traffic).
    public func attach(_ endpoint: SIPEndpoint) {
        self.endpoint = endpoint
    }

    var eventLoop: any EventLoop { endpoint.eventLoop }
    public var activeCalls: Int { calls.count }
    var ourContact: String { "<sip:hotline@\(endpoint.localAddress)>" }

    static func dialogKey(_ callID: String, _ tag: String) -> String { "\(callID)|\(tag)" }

    static let allow = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER, NOTIFY"

    // MARK: admission

    /// A new INVITE, admitted in one direction: shed when overloaded, load
    /// the extensions it names (one hop off the loop, only on a cache miss),
    /// authenticate once, then look up the destination.
    func admit(_ request: SIPMessage, from peer: SIPPeer, transaction: SIPServerTransaction) {
        if settingUp >= policy.maxCallsSettingUp {
            endpoint.respond(request.makeResponse(status: 503, reason: "Service Unavailable", toTag: SIPEndpoint.newTag(), extraHeaders: [
                SIPHeaderLine("Retry-After", "5"),
            ]), on: transaction)
            return
        }
        settingUp += 1
        let dialed: String? = {
            guard case .sip(let uri)? = try? request.requestURI() else { return nil }
            return uri.user
        }()
        var needed = [String]()
        if let claimed = authenticator.claimedNumber(request, proxy: true) { needed.append(claimed) }
        if let dialed, !dialed.isEmpty { needed.append(dialed) }
        let missing = directory.missing(needed, at: now())
        guard !missing.isEmpty else {
            authorize(request, from: peer, transaction: transaction, dialed: dialed)
            return
        }
        let directory = self.directory
        let loop = eventLoop
        let at = now()
        Task {
            do {
                try await directory.load(missing, at: at)
            } catch {
                self.logger.error("could not read extensions for a call", metadata: ["numbers": "\(missing)", "error": "\(error)"])
            }
            loop.execute { self.authorize(request, from: peer, transaction: transaction, dialed: dialed) }
        }
    }

    /// Authentication (from memory now) and the destination.
    private func authorize(_ request: SIPMessage, from peer: SIPPeer, transaction: SIPServerTransaction, dialed: String?) {
        guard endpoint.isPending(transaction) else {
            settingUp -= 1
            return
        }
        let toTag = SIPEndpoint.newTag()
        func refuse(_ response: SIPMessage) {
            settingUp -= 1
            endpoint.respond(response, on: transaction)
        }
        let caller: ExtensionProfile
        switch authenticator.authenticate(request, from: peer, number: nil, at: now(), toTag: toTag, proxy: true) {
        case .answer(let response):
            return refuse(response)
        case .lookUp:
            // The directory could not be read: answered, not retried in a loop.
            return refuse(request.makeResponse(status: 500, reason: "Server Internal Error", toTag: toTag))
        case .authenticated(let entry):
            guard let profile = entry.profile else { return refuse(request.makeResponse(status: 403, reason: "Forbidden", toTag: toTag)) }
            if case .sip(let uri)? = (try? request.from())?.uri, let user = uri.user, user != profile.number {
                return refuse(request.makeResponse(status: 403, reason: "From does not match the authenticated extension", toTag: toTag))
            }
            caller = profile
        }
        if let replaces = request.headers.first(SIPHeaderName("Replaces")) {
            settingUp -= 1
            return replaceLeg(request, from: peer, transaction: transaction, caller: caller, replaces: replaces, toTag: toTag)
        }
        guard let dialed, !dialed.isEmpty else { return refuse(request.makeResponse(status: 404, reason: "Not Found", toTag: toTag)) }
        guard let sdp = try? SDPSession(parsing: request.body), let offer = RemoteAudio(sdp) else {
            let reason = request.body.readableBytes == 0 ? "An SDP offer is required" : "Not Acceptable Here"
            return refuse(request.makeResponse(status: 488, reason: reason, toTag: toTag, extraHeaders: [
                SIPHeaderLine("Warning", "304 hotline \"PCMU or PCMA audio required\""),
            ]))
        }
        guard let dialog = Dialog.asServer(invite: request, localTag: toTag) else {
            return refuse(request.makeResponse(status: 400, reason: "Bad Request", toTag: toTag))
        }
        let at = now()
        let sipCallId = dialog.callID
        let record = NewCallRecord(
            sipCallId: sipCallId, direction: .internal, from: caller.number, to: dialed, fromExtension: caller.number,
            toExtension: directory.cached(dialed, at: at)?.profile?.number, startedAt: at)

        nextID += 1
        let (plan, actions) = CallPlan.start(caller: caller.number, dialing: dialed)
        let call = Call(
            id: nextID, plan: plan, media: media.openCall(), startedAt: at, direction: .internal, sipCallId: sipCallId, from: caller.number,
            dialed: dialed)
        let leg = SIPLeg(id: CallPlan.callerLeg, role: .caller, number: caller.number, profile: caller)
        leg.transaction = transaction
        leg.invite = request
        leg.inboundPeer = peer
        leg.peer = peer
        leg.dialog = dialog
        leg.remote = offer
        leg.sessionInterval = Self.requestedSessionInterval(request)
        call.add(leg)
        calls[call.id] = call
        byTransaction[transaction] = (call.id, leg.id)
        dialogs[Self.dialogKey(dialog.callID, dialog.localTag)] = (call.id, leg.id)
        activeByExtension[caller.number, default: 0] += 1
        cdr.open(call.id, record)
        call.media.reportDigits { [weak self] leg, key in
            guard let self else { return }
            self.eventLoop.execute { self.digit(key, leg: leg, call: call.id) }
        }
        logger.info("call", metadata: ["call": "\(call.id)", "from": "\(caller.number)", "to": "\(dialed)"])

        call.media.addLeg(leg.id).hop(to: eventLoop).whenComplete { result in
            switch result {
            case .failure(let error):
                self.logger.error("no media for a call", metadata: ["call": "\(call.id)", "error": "\(error)"])
                self.handle(call, .serverEnded(reason: "no media ports"))
            case .success(let port):
                leg.port = port
                call.media.configure(leg.id, remoteHost: offer.host, remotePort: offer.port, format: Self.format(offer), quiet: offer.direction != .sendrecv)
                self.perform(actions, call)
            }
        }
    }

    /// The format a phone's offer or answer starts with (its first codec we know).
    static func format(_ audio: RemoteAudio) -> LegFormat {
        LegFormat(codec: audio.codecs[0].codec, audioPayloadType: audio.codecs[0].payloadType, telephoneEventPayloadType: audio.telephoneEvent)
    }

    // MARK: the plan

    /// Feeds an event to a call's plan and performs what it decides.
    func handle(_ call: Call, _ event: CallPlan.Event) {
        guard !call.ended else { return }
        let actions = call.plan.handle(event)
        perform(actions, call)
        // A leg the plan has ended without an action of ours (its phone hung
        // up, it was cancelled) leaves now: its extension is free, its end time kept.
        guard !call.ended else { return }
        for sip in call.legs.values where call.plan.legs[sip.id]?.isLive == false && !sip.left { leftCall(sip, call) }
    }

    /// A call refused before it rang (busy, not registered): one closed row.
    func record(_ record: NewCallRecord, ending disposition: CallDisposition, reason: String) {
        nextID += 1
        cdr.open(nextID, record)
        cdr.close(nextID, CallEnding(endedAt: record.startedAt, disposition: disposition, hangupBy: nil, reason: reason))
    }

    /// Ends every call (graceful shutdown): BYE or 503, CDRs and recordings completed.
    public func endAll(reason: String) {
        eventLoop.assertInEventLoop()
        for call in Array(calls.values) { handle(call, .serverEnded(reason: reason)) }
    }

    // MARK: RFC 4028 session timers

    static func requestedSessionInterval(_ request: SIPMessage) -> Int? {
        guard let value = request.headers.first(.sessionExpires) else { return nil }
        guard let seconds = Int(value.split(separator: ";").first?.trimmingCharacters(in: .whitespaces) ?? "") else { return nil }
        return max(seconds, 90)
    }

    /// The phone refreshes (refresher=uac); without a refresh by the end of
    /// the interval the session is over (RFC 4028 §10).
    func armSessionTimer(_ leg: SIPLeg, in call: Call) {
        guard let interval = leg.sessionInterval else { return }
        if let timer = leg.sessionTimer { endpoint.cancel(timer) }
        leg.sessionTimer = endpoint.schedule(in: .seconds(Int64(interval))) { [weak call] in
            guard let call else { return }
            self.handle(call, .serverEnded(reason: "session timer expired"))
        }
    }
}
