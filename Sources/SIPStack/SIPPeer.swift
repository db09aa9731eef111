import NIOCore

/// Where a message came from, or goes to: the transport and the remote
/// socket address (RFC 3581: the real source, not what Via claims).
public struct SIPPeer: Sendable, Hashable, CustomStringConvertible {
    public enum Transport: String, Sendable, Hashable {
        case udp = "UDP"
        case tcp = "TCP"

        public var isReliable: Bool { self != .udp }
    }

    public var transport: Transport
    public var address: SocketAddress

    public init(transport: Transport, address: SocketAddress) {
        self.transport = transport
        self.address = address
    }

    public var host: String { address.ipAddress ?? "?" }
    public var port: Int { address.port ?? 0 }

    /// `IP:port` (IPv6 in brackets), as stored for a registered contact.
    public var hostPort: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    public var description: String { "\(transport.rawValue.lowercased()):\(hostPort)" }
}

/// The transaction user: the registrar now, the B2BUA later. It sees each
/// request once (retransmissions are absorbed by the transaction layer)
/// and returns the final response.
public protocol SIPRequestHandler: Sendable {
    func handle(_ request: SIPMessage, from peer: SIPPeer) async -> SIPMessage
    /// The final response when it can be decided at once from memory, on
    /// the SIP event loop (no task, no thread hop); nil sends the request
    /// to `handle`. Must not block.
    func respondImmediately(to request: SIPMessage, from peer: SIPPeer) -> SIPMessage?
}

extension SIPRequestHandler {
    public func respondImmediately(to request: SIPMessage, from peer: SIPPeer) -> SIPMessage? { nil }
}

import SIP
