import NIOCore
import SIP

/// Where a message came from, or goes to: the transport and the remote
/// socket address (RFC 3581: the real source, not what Via claims).
public struct SIPPeer: Sendable, Hashable, CustomStringConvertible {
    public enum Transport: String, Sendable, Hashable {
        case udp = "UDP"
        case tcp = "TCP"

        public var isReliable: Bool { self != .udp }
    }

    public let transport: Transport
    public let address: SocketAddress
    /// The address as text, formatted once: the Via stamp, the brute-force
    /// limiter and the binding all ask for it.
    public let host: String

    public init(transport: Transport, address: SocketAddress) {
        self.transport = transport
        self.address = address
        self.host = address.ipAddress ?? "?"
    }

    public var port: Int { address.port ?? 0 }

    /// `IP:port` (IPv6 in brackets), as stored for a registered contact.
    public var hostPort: String {
        host.utf8.contains(UInt8(ascii: ":")) ? "[" + host + "]:" + String(port) : host + ":" + String(port)
    }

    public var description: String { "\(transport.rawValue.lowercased()):\(hostPort)" }
}

/// The transaction user: the registrar and the B2BUA. It sees each request
/// once (retransmissions are absorbed by the transaction layer) and returns
/// the final response.
public protocol SIPRequestHandler: Sendable {
    func handle(_ request: SIPMessage, from peer: SIPPeer) async -> SIPMessage
    /// The final response when it can be decided at once from memory, on
    /// the SIP event loop (no task, no thread hop); nil sends the request
    /// to `handle`. Must not block.
    func respondImmediately(to request: SIPMessage, from peer: SIPPeer) -> SIPMessage?
    /// A new INVITE server transaction, on the SIP event loop. Returning
    /// true takes it over: the handler answers (provisional and final)
    /// through `SIPEndpoint.respond(_:on:)`. False sends it to `handle`.
    func takeInvite(_ request: SIPMessage, from peer: SIPPeer, transaction: SIPServerTransaction) -> Bool
    /// An ACK that belongs to no INVITE transaction (the ACK for a 2xx,
    /// RFC 3261 §13.2.2.4), on the SIP event loop.
    func receiveAck(_ request: SIPMessage, from peer: SIPPeer)
    /// A CANCEL matched an INVITE still ringing; the endpoint has answered
    /// the CANCEL with 200. The handler answers the INVITE (487).
    func inviteCancelled(_ transaction: SIPServerTransaction)
    /// A 2xx to an INVITE was retransmitted for 64·T1 without an ACK
    /// (RFC 3261 §13.3.1.4): the dialog should be ended with BYE.
    func ackNeverArrived(callID: String, response: SIPMessage)
}

extension SIPRequestHandler {
    public func respondImmediately(to request: SIPMessage, from peer: SIPPeer) -> SIPMessage? { nil }
    public func takeInvite(_ request: SIPMessage, from peer: SIPPeer, transaction: SIPServerTransaction) -> Bool { false }
    public func receiveAck(_ request: SIPMessage, from peer: SIPPeer) {}
    public func inviteCancelled(_ transaction: SIPServerTransaction) {}
    public func ackNeverArrived(callID: String, response: SIPMessage) {}
}

/// A server transaction a handler answers on (opaque outside SIPStack).
public struct SIPServerTransaction: Hashable, Sendable, CustomStringConvertible {
    let key: String
    public var description: String { key }
}

/// An outgoing INVITE's client transaction, for CANCEL.
public struct SIPClientTransaction: Hashable, Sendable {
    let key: String
    public let branch: String
}
