import SIP
import SIPStack

/// The transaction user behind the SIP port: registrations and OPTIONS go
/// to the registrar, INVITEs and requests inside calls to the B2BUA.
public final class PBXRequestHandler: SIPRequestHandler, Sendable {
    let registrar: Registrar
    let calls: CallEngine

    public init(registrar: Registrar, calls: CallEngine) {
        self.registrar = registrar
        self.calls = calls
    }

    public func handle(_ request: SIPMessage, from peer: SIPPeer) async -> SIPMessage {
        await registrar.handle(request, from: peer)
    }

    public func respondImmediately(to request: SIPMessage, from peer: SIPPeer) -> SIPMessage? {
        switch request.method {
        case .register?:
            return registrar.respondImmediately(to: request, from: peer)
        case .bye?, .info?, .update?, .notify?, .refer?, .message?, .prack?:
            return calls.respondInDialog(request, from: peer)
        case .options? where (try? request.to())?.tag != nil:
            return calls.respondInDialog(request, from: peer)
        default:
            return registrar.respondImmediately(to: request, from: peer)
        }
    }

    public func takeInvite(_ request: SIPMessage, from peer: SIPPeer, transaction: SIPServerTransaction) -> Bool {
        calls.takeInvite(request, from: peer, transaction: transaction)
    }

    public func receiveAck(_ request: SIPMessage, from peer: SIPPeer) {}

    public func inviteCancelled(_ transaction: SIPServerTransaction) {
        calls.inviteCancelled(transaction)
    }

    public func ackNeverArrived(callID: String, response: SIPMessage) {
        calls.ackNeverArrived(callID: callID, response: response)
    }
}
