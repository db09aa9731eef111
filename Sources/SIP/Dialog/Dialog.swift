import NIOCore

/// One side of a B2BUA call as a SIP dialog (RFC 3261 §12): enough to
/// build the requests we send inside it (ACK, BYE, re-INVITE).
public struct Dialog: Sendable, Equatable {
    public var callID: String
    /// Our From (as UAC) or To (as UAS) header value, with our tag.
    public var local: String
    /// The peer's header value, with its tag once known.
    public var remote: String
    public var localTag: String
    public var remoteTag: String?
    /// Where requests go: the peer's Contact URI.
    public var remoteTarget: String
    /// Route headers for requests we send (RFC 3261 §12.1).
    public var routeSet: [String]
    public var localSequence: UInt32
    /// The CSeq number of the INVITE that set the dialog up (its ACK carries it).
    public var inviteSequence: UInt32

    public init(
        callID: String, local: String, remote: String, localTag: String, remoteTag: String?, remoteTarget: String,
        routeSet: [String], localSequence: UInt32, inviteSequence: UInt32
    ) {
        self.callID = callID
        self.local = local
        self.remote = remote
        self.localTag = localTag
        self.remoteTag = remoteTag
        self.remoteTarget = remoteTarget
        self.routeSet = routeSet
        self.localSequence = localSequence
        self.inviteSequence = inviteSequence
    }

    /// The caller's side, from its INVITE: we are the UAS (§12.1.1).
    public static func asServer(invite: SIPMessage, localTag: String) -> Dialog? {
        guard let callID = try? invite.callID(), let from = try? invite.from(), let to = try? invite.to(),
            let cseq = try? invite.cseq()
        else { return nil }
        var local = to
        local.tag = localTag
        let target = invite.firstContact?.uri.description ?? from.uri.description
        return Dialog(
            callID: callID, local: local.description, remote: from.description, localTag: localTag, remoteTag: from.tag,
            remoteTarget: target, routeSet: invite.headers.values(.recordRoute), localSequence: UInt32.random(in: 1...10_000),
            inviteSequence: cseq.sequence
        )
    }

    /// A new dialog we open towards a callee (§12.1.2 once the 2xx arrives).
    public static func asClient(callID: String, from: String, localTag: String, to: String, target: String) -> Dialog {
        Dialog(
            callID: callID, local: from, remote: to, localTag: localTag, remoteTag: nil, remoteTarget: target, routeSet: [],
            localSequence: 1, inviteSequence: 1
        )
    }

    /// Takes the callee's tag, Contact and Record-Route from its answer.
    public mutating func confirm(with response: SIPMessage) {
        if let to = try? response.to() {
            remote = to.description
            remoteTag = to.tag
        }
        if let contact = response.firstContact { remoteTarget = contact.uri.description }
        let recordRoute = response.headers.values(.recordRoute)
        if !recordRoute.isEmpty { routeSet = recordRoute.reversed() }
    }

    /// A new request inside the dialog, with the next CSeq.
    public mutating func request(_ method: SIPMethod, contact: String? = nil, sdp: SDPSession? = nil) -> SIPMessage {
        localSequence += 1
        if method == .invite { inviteSequence = localSequence }
        return message(method, sequence: localSequence, contact: contact, sdp: sdp)
    }

    /// The ACK for the 2xx of the INVITE with `inviteSequence` (§13.2.2.4).
    public func ack() -> SIPMessage {
        message(.ack, sequence: inviteSequence, contact: nil, sdp: nil)
    }

    private func message(_ method: SIPMethod, sequence: UInt32, contact: String?, sdp: SDPSession?) -> SIPMessage {
        var headers = SIPHeaders()
        for route in routeSet { headers.add(.route, route) }
        headers.add(.maxForwards, "70")
        headers.add(.from, local)
        headers.add(.to, remote)
        headers.add(.callID, callID)
        headers.add(.cseq, "\(sequence) \(method.name)")
        if let contact { headers.add(.contact, contact) }
        var body = ByteBuffer()
        if let sdp {
            headers.add(.contentType, "application/sdp")
            body = ByteBuffer(string: sdp.text)
        }
        return SIPMessage(method: method, uri: remoteTarget, headers: headers, body: body)
    }
}

extension SIPMessage {
    /// The first Contact address (the remote target), if any.
    public var firstContact: SIPNameAddress? {
        guard case .addresses(let list)? = try? contacts() else { return nil }
        return list.first
    }
}
