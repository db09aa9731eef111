import CallCenter
import Foundation
import Logging
import NIOCore
import SIP
import SIPStack
import ServiceLifecycle

/// Probes every registered contact with OPTIONS (qualify): measures the
/// round-trip time and marks contacts that stop answering unreachable, so
/// calls are not sent into the void. Also drops expired registrations.
public struct ContactQualifier: Service {
    let repos: Repositories
    let endpoint: SIPEndpoint
    let policy: RegistrarPolicy
    let logger: Logger

    public init(repos: Repositories, endpoint: SIPEndpoint, policy: RegistrarPolicy, logger: Logger) {
        self.repos = repos
        self.endpoint = endpoint
        self.policy = policy
        self.logger = logger
    }

    /// Short timers: a phone that does not answer an OPTIONS within a few
    /// seconds is not going to answer an INVITE either.
    static let probeTimers = TransactionTimers(t1: .milliseconds(250), t2: .seconds(2), t4: .seconds(2))

    public func run() async throws {
        guard policy.qualifyInterval > 0 else {
            try? await gracefulShutdown()
            return
        }
        while !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(policy.qualifyInterval)) }
            } catch {
                return
            }
            if Task.isShuttingDownGracefully { return }
            await qualifyAll()
        }
    }

    public func qualifyAll() async {
        let at = Date()
        do {
            try await repos.registrations.removeExpired(now: at)
            let bindings = try await repos.registrations.all(now: at)
            await withTaskGroup(of: Void.self) { group in
                for binding in bindings {
                    group.addTask { await qualify(binding) }
                }
            }
        } catch {
            logger.warning("qualify round failed", metadata: ["error": "\(error)"])
        }
    }

    func qualify(_ binding: Registration) async {
        guard let peer = Self.peer(for: binding) else { return }
        var headers = SIPHeaders()
        headers.add(.maxForwards, "70")
        headers.add(.from, "<sip:hotline@\(endpoint.localAddress)>;tag=\(SIPEndpoint.newTag())")
        headers.add(.to, "<\(binding.uri)>")
        headers.add(.callID, SIPEndpoint.newTag() + "@hotline")
        headers.add(.cseq, "1 OPTIONS")
        headers.add(.contentLength, "0")
        let options = SIPMessage(method: .options, uri: binding.uri, headers: headers)
        let started = ContinuousClock.now
        var updated = binding
        do {
            _ = try await endpoint.request(options, to: peer, timers: Self.probeTimers)
            let elapsed = ContinuousClock.now - started
            updated.rttMs = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
            updated.reachable = true
        } catch {
            updated.reachable = false
            updated.rttMs = nil
        }
        guard updated != binding else { return }
        // The phone may have re-registered or left meanwhile: only touch a binding that is still there.
        if let current = try? await repos.registrations.contacts(of: binding.extensionNumber, now: Date()).first(where: { $0.uri == binding.uri }),
            current.callId == binding.callId, current.cseq == binding.cseq
        {
            try? await repos.registrations.save(updated)
        }
    }

    static func peer(for binding: Registration) -> SIPPeer? {
        let source = binding.source
        guard let colon = source.lastIndex(of: ":"), let port = Int(source[source.index(after: colon)...]) else { return nil }
        var host = String(source[..<colon])
        if host.hasPrefix("[") { host = String(host.dropFirst().dropLast()) }
        guard let address = try? SocketAddress(ipAddress: host, port: port) else { return nil }
        return SIPPeer(transport: binding.transport == "tcp" ? .tcp : .udp, address: address)
    }
}
