import CallCenter
import Foundation
import Logging
import NIOCore
import SIP
import SIPStack
import ServiceKit
import ServiceLifecycle

/// Probes every registered contact with OPTIONS (qualify): measures the
/// round-trip time and marks contacts that stop answering unreachable, so
/// calls are not sent into the void. Also drops expired registrations.
public struct ContactQualifier: Service {
    let location: LocationTable
    let endpoint: SIPEndpoint
    let policy: RegistrarPolicy
    let logger: Logger

    public init(location: LocationTable, endpoint: SIPEndpoint, policy: RegistrarPolicy, logger: Logger) {
        self.location = location
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
        await withDiscardingTaskGroup { group in
            // New contacts get their first probe right away, so the page shows a round-trip time at once.
            group.addTask {
                await cancelWhenGracefulShutdown {
                    await withDiscardingTaskGroup { probes in
                        for await binding in location.newContacts {
                            probes.addTask { await qualify(binding) }
                        }
                    }
                }
            }
            // A stop does not wait for a round's probes to time out.
            let rounds = PeriodicService("qualify", every: .seconds(policy.qualifyInterval), logger: logger) {
                await cancelWhenGracefulShutdown { await qualifyAll() }
            }
            try? await rounds.run()
            group.cancelAll()
        }
    }

    public func qualifyAll() async {
        let at = Date()
        do {
            try await location.removeExpired(now: at)
            let bindings = try await location.all(now: at)
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
            // A probe cut short by a stop says nothing about the phone.
            if Task.isCancelled { return }
            updated.reachable = false
            updated.rttMs = nil
        }
        guard updated != binding else { return }
        // The phone may have re-registered or left meanwhile: only touch a binding that is still there.
        location.modify(binding.extensionNumber, now: Date()) { current in
            guard let index = current.firstIndex(where: { $0.uri == binding.uri && $0.callId == binding.callId && $0.cseq == binding.cseq })
            else { return nil }
            var next = current
            next[index].rttMs = updated.rttMs
            next[index].reachable = updated.reachable
            return next
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
