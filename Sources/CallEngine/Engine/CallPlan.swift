import CallCenter

/// The decisions for one interaction — one call record — as a plain value:
/// an event in, the actions to take out. A call holds any number of legs
/// (the caller, the callee, a transfer target…); legs are dialled,
/// answered, bridged, held, re-bridged and ended while the others go on.
/// Nothing here touches a socket or a clock: `CallEngine` performs the
/// actions and feeds back what happened.
///
/// Media follows from the legs' states: after every event the plan works
/// out what each leg should hear (its partner, music on hold, ringback,
/// silence) and asks for the changes, so no event can leave a phone
/// hearing the wrong thing.
public struct CallPlan: Sendable {
    public typealias LegID = Int

    public enum Role: Sendable, Equatable {
        /// The leg that started the call (the customer, in a call center).
        case caller
        /// The leg the caller dialled.
        case callee
        /// A leg dialled to take over a call (blind transfer).
        case transferTarget
    }

    public enum Phase: Sendable, Equatable {
        case dialing
        case ringing
        /// Ringing with early media (183 with SDP): its audio can be heard.
        case early
        case answered
        case ended
    }

    public struct Leg: Sendable, Equatable {
        public var role: Role
        public var inbound: Bool
        public var phase: Phase
        /// This phone put the call on hold: the other side hears music.
        public var holding = false
        public var number: String

        public var isLive: Bool { phase != .ended }
    }

    /// What a leg hears.
    public enum Hearing: Sendable, Equatable {
        case silence
        /// The other leg's audio, relayed.
        case leg(LegID)
        case musicOnHold
        case ringback
    }

    public enum Event: Sendable, Equatable {
        /// A leg we dialled rings; `earlyMedia` when its 18x carried SDP.
        case ringing(LegID, earlyMedia: Bool)
        case answered(LegID)
        /// A leg we dialled failed with this final status (all its phones).
        case failed(LegID, status: Int)
        /// The phone of a leg ended it (BYE), or its INVITE was cancelled.
        case hungUp(LegID)
        /// The caller cancelled before anyone answered.
        case callerCancelled
        case ringTimeout(LegID)
        /// A phone put the call on hold (re-INVITE sendonly/inactive) or took it off.
        case hold(LegID, Bool)
        /// A phone asked (REFER) to hand its partner over to `target`.
        case blindTransfer(by: LegID, to: String)
        /// A leg of another call that already talks to `transferor`'s other
        /// call joins this one in place of `transferor` (attended transfer:
        /// REFER with Replaces, or an INVITE with Replaces).
        case replace(LegID, with: LegID, number: String, role: Role)
        /// The server ends the call (maximum length, media timeout, no ACK, shutdown).
        case serverEnded(reason: String)
        /// `leg` leaves this call without being hung up: another call took it over.
        case detached(LegID)
    }

    public enum Action: Sendable, Equatable {
        /// Place an outbound leg (the engine answers with its events).
        case dial(LegID, to: String, role: Role)
        /// A provisional answer to an inbound leg (180, or 183 with our SDP).
        case ring(LegID, earlyMedia: Bool)
        /// The 200 to an inbound leg.
        case answer(LegID)
        case reject(LegID, status: Int)
        case cancel(LegID)
        /// BYE to an answered leg.
        case hangUp(LegID)
        /// Media: what a leg hears from now on.
        case hear(LegID, Hearing)
        /// Progress of a transfer to the leg that asked for it (NOTIFY with a sipfrag, RFC 3515 §2.4.5).
        case notifyTransfer(LegID, status: Int, final: Bool)
        /// The recording's channels: the caller's side left, its partner right.
        case record(left: LegID, right: LegID?)
        case publish(CallEventKind)
        case finish(CallDisposition, hangupBy: HangupSide?, reason: String?)
    }

    /// The call events the plan raises; the engine fills in who and when.
    public enum CallEventKind: Sendable, Equatable {
        case ringing, answered
        case transferred(to: String)
    }

    public enum Outcome: Sendable, Equatable {
        case running, ended
    }

    public private(set) var legs: [LegID: Leg] = [:]
    /// Who talks to whom; symmetric.
    public private(set) var partner: [LegID: LegID] = [:]
    public private(set) var hearing: [LegID: Hearing] = [:]
    public private(set) var outcome: Outcome = .running
    public private(set) var answered = false
    public private(set) var transfer: Transfer?
    private var nextLeg: LegID
    private var rang = false
    private var recording: (left: LegID, right: LegID?)?

    /// A blind transfer in progress.
    public struct Transfer: Sendable, Equatable {
        public var transferor: LegID
        public var transferee: LegID
        public var target: LegID
        public var to: String
    }

    /// A call started by an inbound leg (already admitted) to `number`.
    /// Returns the plan and the first actions (dial the callee).
    public static func start(caller number: String, dialing destination: String) -> (CallPlan, [Action]) {
        var plan = CallPlan(nextLeg: 0)
        let caller = plan.add(Leg(role: .caller, inbound: true, phase: .ringing, number: number))
        let callee = plan.add(Leg(role: .callee, inbound: false, phase: .dialing, number: destination))
        plan.partner[caller] = callee
        plan.partner[callee] = caller
        let actions = [.dial(callee, to: destination, role: .callee)] + plan.mediaChanges()
        return (plan, actions)
    }

    private init(nextLeg: LegID) {
        self.nextLeg = nextLeg
    }

    public static let callerLeg: LegID = 0
    public static let calleeLeg: LegID = 1

    private mutating func add(_ leg: Leg) -> LegID {
        let id = nextLeg
        nextLeg += 1
        legs[id] = leg
        return id
    }

    // MARK: events

    public mutating func handle(_ event: Event) -> [Action] {
        guard outcome == .running else {
            // After the end only late answers need handling: hang them up.
            if case .answered(let leg) = event, legs[leg]?.inbound == false { return [.hangUp(leg)] }
            return []
        }
        var actions: [Action]
        switch event {
        case .ringing(let leg, let early): actions = ringing(leg, early: early)
        case .answered(let leg): actions = legAnswered(leg)
        case .failed(let leg, let status): actions = legFailed(leg, status: status)
        case .hungUp(let leg): actions = hungUp(leg)
        case .callerCancelled: actions = callerCancelled()
        case .ringTimeout(let leg): actions = ringTimeout(leg)
        case .hold(let leg, let held):
            guard legs[leg]?.isLive == true else { return [] }
            legs[leg]?.holding = held
            actions = []
        case .blindTransfer(let by, let to): actions = blindTransfer(by: by, to: to)
        case .replace(let old, let new, let number, let role): actions = replace(old, with: new, number: number, role: role)
        case .serverEnded(let reason): actions = endEverything(.system, disposition: answered ? .answered : .failed, reason: reason, rejectWith: 503)
        case .detached(let leg):
            guard legs[leg]?.isLive == true else { return [] }
            legs[leg]?.phase = .ended
            unpair(leg)
            actions = finishIfAlone(hangupBy: nil, reason: "transferred")
        }
        return actions + mediaChanges()
    }

    private mutating func ringing(_ leg: LegID, early: Bool) -> [Action] {
        guard let state = legs[leg], state.phase == .dialing || state.phase == .ringing else { return [] }
        legs[leg]?.phase = early ? .early : (state.phase == .early ? .early : .ringing)
        if let transfer, transfer.target == leg {
            return [.notifyTransfer(transfer.transferor, status: 180, final: false)]
        }
        guard let caller = partner[leg], legs[caller]?.inbound == true, legs[caller]?.phase == .ringing else { return [] }
        var actions: [Action] = []
        if !rang {
            rang = true
            actions.append(.publish(.ringing))
        }
        // The first 180, or the first 183 with media: a later 180 changes nothing.
        if early || actions.count == 1 { actions.append(.ring(caller, earlyMedia: early)) }
        return actions
    }

    private mutating func legAnswered(_ leg: LegID) -> [Action] {
        guard let state = legs[leg], state.isLive else { return [] }
        guard state.phase != .answered else { return [] }
        legs[leg]?.phase = .answered
        if let transfer, transfer.target == leg {
            return transferSucceeded(transfer)
        }
        guard let other = partner[leg] else { return [] }
        var actions: [Action] = []
        if legs[other]?.inbound == true, legs[other]?.phase != .answered {
            legs[other]?.phase = .answered
            actions.append(.answer(other))
        }
        if !answered {
            answered = true
            actions.append(.publish(.answered))
            let left = legs[other]?.role == .caller ? other : leg
            recording = (left, left == other ? leg : other)
            actions.append(.record(left: recording!.left, right: recording!.right))
        }
        return actions
    }

    private mutating func legFailed(_ leg: LegID, status: Int) -> [Action] {
        guard let state = legs[leg], state.isLive, state.phase != .answered else { return [] }
        legs[leg]?.phase = .ended
        if let transfer, transfer.target == leg {
            return transferFailed(transfer, status: status)
        }
        guard let caller = partner[leg], let callerState = legs[caller], callerState.phase != .answered, callerState.inbound else {
            unpair(leg)
            return finishIfAlone(hangupBy: nil, reason: "\(status)")
        }
        unpair(leg)
        legs[caller]?.phase = .ended
        outcome = .ended
        return [.reject(caller, status: status), .finish(CallPlan.disposition(forStatus: status), hangupBy: nil, reason: "\(status)")]
    }

    private mutating func hungUp(_ leg: LegID) -> [Action] {
        guard let state = legs[leg], state.isLive else { return [] }
        legs[leg]?.phase = .ended
        let side: HangupSide = state.role == .caller ? .caller : .callee
        if let transfer {
            if leg == transfer.transferor {
                // The transferor leaves (as it should once it has asked): the transfer goes on.
                unpair(leg)
                return []
            }
            if leg == transfer.transferee {
                self.transfer = nil
                return endEverything(side, disposition: .answered, reason: "hung up during a transfer", rejectWith: nil)
            }
        }
        guard answered else {
            // The caller's INVITE was withdrawn (a CANCEL arrives as callerCancelled).
            return endEverything(side, disposition: .cancelled, reason: nil, rejectWith: nil)
        }
        let other = partner[leg]
        unpair(leg)
        if let other, legs[other]?.isLive == true {
            legs[other]?.phase = .ended
            outcome = .ended
            return [.hangUp(other), .finish(.answered, hangupBy: side, reason: nil)]
        }
        return finishIfAlone(hangupBy: side, reason: nil)
    }

    private mutating func callerCancelled() -> [Action] {
        guard !answered else { return [] }
        return endEverything(.caller, disposition: .cancelled, reason: nil, rejectWith: 487)
    }

    private mutating func ringTimeout(_ leg: LegID) -> [Action] {
        guard let state = legs[leg], state.isLive, !state.inbound, state.phase != .answered else { return [] }
        if let transfer, transfer.target == leg {
            legs[leg]?.phase = .ended
            return [.cancel(leg)] + transferFailed(transfer, status: 480)
        }
        return endEverything(nil, disposition: .noAnswer, reason: "no answer", rejectWith: 480)
    }

    // MARK: transfer

    private mutating func blindTransfer(by transferor: LegID, to target: String) -> [Action] {
        guard transfer == nil, legs[transferor]?.phase == .answered, let transferee = partner[transferor],
            legs[transferee]?.phase == .answered
        else { return [.notifyTransfer(transferor, status: 503, final: true)] }
        let leg = add(Leg(role: .transferTarget, inbound: false, phase: .dialing, number: target))
        transfer = Transfer(transferor: transferor, transferee: transferee, target: leg, to: target)
        return [.notifyTransfer(transferor, status: 100, final: false), .dial(leg, to: target, role: .transferTarget)]
    }

    private mutating func transferSucceeded(_ transfer: Transfer) -> [Action] {
        self.transfer = nil
        let transferorLive = legs[transfer.transferor]?.isLive == true
        unpair(transfer.transferor)
        partner[transfer.transferee] = transfer.target
        partner[transfer.target] = transfer.transferee
        var actions: [Action] = [.notifyTransfer(transfer.transferor, status: 200, final: true)]
        if transferorLive {
            legs[transfer.transferor]?.phase = .ended
            actions.append(.hangUp(transfer.transferor))
        }
        actions.append(.publish(.transferred(to: transfer.to)))
        actions.append(contentsOf: rerecord(replacing: transfer.transferor, with: transfer.target))
        return actions
    }

    private mutating func transferFailed(_ transfer: Transfer, status: Int) -> [Action] {
        self.transfer = nil
        var actions: [Action] = [.notifyTransfer(transfer.transferor, status: status, final: true)]
        if legs[transfer.transferor]?.isLive == true {
            // Back to where it was: the two talk again (or the transferor's hold music goes on).
            partner[transfer.transferor] = transfer.transferee
            partner[transfer.transferee] = transfer.transferor
        } else {
            legs[transfer.transferee]?.phase = .ended
            outcome = .ended
            actions += [.hangUp(transfer.transferee), .finish(.answered, hangupBy: .system, reason: "transfer failed (\(status))")]
        }
        return actions
    }

    private mutating func replace(_ old: LegID, with new: LegID, number: String, role: Role) -> [Action] {
        guard legs[old]?.isLive == true, legs[new] == nil else { return [] }
        nextLeg = max(nextLeg, new + 1)
        legs[new] = Leg(role: role, inbound: false, phase: .answered, number: number)
        let other = partner[old]
        unpair(old)
        legs[old]?.phase = .ended
        if let other {
            partner[other] = new
            partner[new] = other
        }
        var actions: [Action] = [.hangUp(old), .publish(.transferred(to: number))]
        actions.append(contentsOf: rerecord(replacing: old, with: new))
        return actions
    }

    /// A fresh leg id for a leg that joins from elsewhere (`replace`).
    public mutating func reserveLeg() -> LegID {
        defer { nextLeg += 1 }
        return nextLeg
    }

    private mutating func rerecord(replacing old: LegID, with new: LegID) -> [Action] {
        guard var recording else { return [] }
        if recording.left == old { recording.left = new } else if recording.right == old { recording.right = new } else { return [] }
        self.recording = recording
        return [.record(left: recording.left, right: recording.right)]
    }

    // MARK: ending

    /// Ends every live leg: a rejection for an unanswered inbound leg, CANCEL
    /// for a ringing outbound one, BYE for the answered ones.
    private mutating func endEverything(_ side: HangupSide?, disposition: CallDisposition, reason: String?, rejectWith status: Int?) -> [Action] {
        var actions: [Action] = []
        for id in legs.keys.sorted() {
            guard let leg = legs[id], leg.isLive else { continue }
            legs[id]?.phase = .ended
            if leg.inbound && leg.phase != .answered {
                if let status { actions.append(.reject(id, status: status)) }
            } else if !leg.inbound && leg.phase != .answered {
                actions.append(.cancel(id))
            } else if leg.phase == .answered {
                actions.append(.hangUp(id))
            }
        }
        if let transfer, legs[transfer.transferor] != nil {
            actions.append(.notifyTransfer(transfer.transferor, status: 487, final: true))
            self.transfer = nil
        }
        partner = [:]
        outcome = .ended
        return actions + [.finish(disposition, hangupBy: side, reason: reason)]
    }

    private mutating func finishIfAlone(hangupBy side: HangupSide?, reason: String?) -> [Action] {
        let live = legs.filter { $0.value.isLive }
        guard live.count <= 1 else { return [] }
        var actions: [Action] = []
        for (id, leg) in live.sorted(by: { $0.key < $1.key }) {
            legs[id]?.phase = .ended
            if leg.phase == .answered {
                actions.append(.hangUp(id))
            } else if leg.inbound {
                actions.append(.reject(id, status: 480))
            } else {
                actions.append(.cancel(id))
            }
        }
        outcome = .ended
        return actions + [.finish(answered ? .answered : .failed, hangupBy: side, reason: reason)]
    }

    private mutating func unpair(_ leg: LegID) {
        if let other = partner.removeValue(forKey: leg), partner[other] == leg { partner[other] = nil }
    }

    // MARK: media

    /// What `leg` should hear now.
    func wantedHearing(_ leg: LegID) -> Hearing {
        guard let state = legs[leg], state.isLive else { return .silence }
        if state.holding { return .silence }
        if let transfer, transfer.transferee == leg {
            // Waiting for the target: its early media if it sends any, else our ringback.
            return legs[transfer.target]?.phase == .early ? .leg(transfer.target) : .ringback
        }
        if let transfer, transfer.transferor == leg || transfer.target == leg { return .silence }
        guard let other = partner[leg], let otherState = legs[other], otherState.isLive else { return .silence }
        if otherState.holding { return .musicOnHold }
        switch (state.phase, otherState.phase) {
        case (.answered, .answered): return .leg(other)
        case (_, .early): return .leg(other)
        default: return .silence
        }
    }

    private mutating func mediaChanges() -> [Action] {
        guard outcome == .running else { return [] }
        var actions: [Action] = []
        for id in legs.keys.sorted() where legs[id]?.isLive == true {
            let wanted = wantedHearing(id)
            if hearing[id] != wanted {
                hearing[id] = wanted
                actions.append(.hear(id, wanted))
            }
        }
        for id in hearing.keys where legs[id]?.isLive != true { hearing[id] = nil }
        return actions
    }

    // MARK: statuses

    public static func disposition(forStatus status: Int) -> CallDisposition {
        switch status {
        case 486, 600: .busy
        case 487: .cancelled
        case 404, 484, 604: .notFound
        case 408, 480: .unavailable
        default: .failed
        }
    }
}
