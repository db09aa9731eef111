import CallCenter
import Foundation
import Logging
import SIP
import SIPStack

/// The registrar and location service (RFC 3261 §10.3): contact limits,
/// NAT-aware bindings, REGISTER and OPTIONS answered. Who a phone is comes
/// from the `DigestAuthenticator`, its limits from the `ExtensionDirectory`
/// (both shared with the call engine); the bindings live in the
/// `LocationTable`.
public final class Registrar: SIPRequestHandler, SIPSecurityMonitor, Sendable {
    let repos: Repositories
    let location: LocationTable
    let policy: RegistrarPolicy
    let logger: Logger
    let now: @Sendable () -> Date
    public let directory: ExtensionDirectory
    public let authenticator: DigestAuthenticator

    public init(
        repos: Repositories, location: LocationTable, policy: RegistrarPolicy, logger: Logger,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.repos = repos
        self.location = location
        self.policy = policy
        self.logger = logger
        self.now = now
        directory = ExtensionDirectory(repos: repos, lifetime: policy.extensionCacheSeconds)
        authenticator = DigestAuthenticator(
            directory: directory, policy: policy, audit: AuditTrail(repository: repos.audit, now: now), logger: logger, now: now)
    }

    public func handle(_ request: SIPMessage, from peer: SIPPeer) async -> SIPMessage {
        switch request.method {
        case .register?:
            do {
                return try await register(request, from: peer)
            } catch {
                logger.error("registration failed", metadata: ["sip.peer": "\(peer)", "error": "\(error)"])
                return request.makeResponse(status: 500, reason: "Server Internal Error", toTag: SIPEndpoint.newTag())
            }
        default:
            return respondImmediately(to: request, from: peer)!
        }
    }

    /// Everything but a REGISTER for an extension not in the cache is
    /// decided from memory, on the SIP event loop, without a task.
    public func respondImmediately(to request: SIPMessage, from peer: SIPPeer) -> SIPMessage? {
        switch request.method {
        case .register?:
            let toTag = SIPEndpoint.newTag()
            guard case .answer(let response) = registerStep(request, from: peer, at: now(), toTag: toTag) else { return nil }
            return response
        case .options?:
            return request.makeResponse(status: 200, toTag: SIPEndpoint.newTag(), extraHeaders: Self.capabilities)
        default:
            return request.makeResponse(status: 501, reason: "Not Implemented", toTag: SIPEndpoint.newTag(), extraHeaders: Self.capabilities)
        }
    }

    static let capabilities = [
        SIPHeaderLine("Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, INFO, UPDATE"),
        SIPHeaderLine("Accept", "application/sdp"),
        SIPHeaderLine("Supported", "path, outbound"),
    ]

    // MARK: REGISTER

    enum RegisterStep {
        case answer(SIPMessage)
        /// The extension's secret is not cached: read it, then decide again.
        /// Nothing has been recorded yet (nonce-counts, failures).
        case lookUp(number: String)
    }

    func register(_ request: SIPMessage, from peer: SIPPeer) async throws -> SIPMessage {
        let toTag = SIPEndpoint.newTag()
        let at = now()
        var step = registerStep(request, from: peer, at: at, toTag: toTag)
        if case .lookUp(let number) = step {
            try await directory.load([number], at: at)
            step = registerStep(request, from: peer, at: at, toTag: toTag)
        }
        switch step {
        case .answer(let response): return response
        case .lookUp: return request.makeResponse(status: 500, reason: "Server Internal Error", toTag: toTag)
        }
    }

    /// RFC 3261 §10.3 from memory: blocked addresses, the digest challenge,
    /// nonce checks, the credentials, then the bindings.
    func registerStep(_ request: SIPMessage, from peer: SIPPeer, at: Date, toTag: String) -> RegisterStep {
        guard let to = try? request.to(), case .sip(let aor) = to.uri, let number = aor.user, !number.isEmpty else {
            return .answer(request.makeResponse(status: 400, reason: "To must be a SIP address of record", toTag: toTag))
        }
        switch authenticator.authenticate(request, from: peer, number: number, at: at, toTag: toTag, proxy: false) {
        case .answer(let response): return .answer(response)
        case .lookUp(let number): return .lookUp(number: number)
        case .authenticated(let ext):
            return .answer(updateBindings(request, number: number, maxContacts: ext.maxContacts, peer: peer, toTag: toTag, at: at))
        }
    }

    // MARK: calls

    /// Authenticates a call's INVITE: the caller proves it is the extension
    /// it claims (digest username), and the From must name that extension.
    public func authenticateCall(_ request: SIPMessage, from peer: SIPPeer, toTag: String) -> CallAuthentication {
        switch authenticator.authenticate(request, from: peer, number: nil, at: now(), toTag: toTag, proxy: true) {
        case .answer(let response): return .respond(response)
        case .lookUp(let number): return .lookUp(number)
        case .authenticated(let ext):
            guard let profile = ext.profile else { return .respond(request.makeResponse(status: 403, reason: "Forbidden", toTag: toTag)) }
            if let fromUser = (try? request.from()).flatMap({ from -> String? in
                if case .sip(let uri) = from.uri { return uri.user }
                return nil
            }), fromUser != profile.number {
                return .respond(request.makeResponse(status: 403, reason: "From does not match the authenticated extension", toTag: toTag))
            }
            return .authenticated(profile)
        }
    }

    /// An extension's call settings from the cache; nil when not cached (or
    /// stale): `loadExtension` then decide again. `.some(nil)` = no such extension.
    public func cachedProfile(_ number: String) -> ExtensionProfile?? {
        guard let cached = directory.cached(number, at: now()) else { return nil }
        return .some(cached.profile)
    }

    /// Reads an extension into the cache (its secret and call settings).
    public func loadExtension(_ number: String) async throws {
        try await directory.load([number], at: now())
    }

    // MARK: bindings (RFC 3261 §10.3 steps 6–8)

    private func updateBindings(
        _ request: SIPMessage, number: String, maxContacts: Int, peer: SIPPeer, toTag: String, at: Date
    ) -> SIPMessage {
        let change: BindingChange
        switch try? request.contacts() {
        case nil:
            change = .query
        case .wildcard?:
            guard (try? request.expires()) == 0 else {
                return request.makeResponse(status: 400, reason: "Contact * needs Expires: 0", toTag: toTag)
            }
            change = .removeAll
        case .addresses(let contacts)?:
            let headerExpires = try? request.expires()
            var wanted: [BindingChange.Contact] = []
            for contact in contacts {
                let expires = min(contact.expires ?? headerExpires ?? policy.defaultExpires, policy.maxExpires)
                if expires != 0 && expires < policy.minExpires {
                    return request.makeResponse(
                        status: 423, reason: "Interval Too Brief", toTag: toTag,
                        extraHeaders: [SIPHeaderLine("Min-Expires", String(policy.minExpires))]
                    )
                }
                var parameters = contact.parameters
                parameters.remove(named: "expires")
                wanted.append(.init(uri: contact.uri.description, parameters: parameters.serialized(), expires: expires))
            }
            change = .update(wanted)
        }
        let template = Registration(
            extensionNumber: number, uri: "", source: peer.hostPort, transport: peer.transport.rawValue.lowercased(),
            userAgent: String((request.userAgent ?? "").prefix(200)), callId: (try? request.callID()) ?? "",
            cseq: Int((try? request.cseq().sequence) ?? 0), expiresAt: at
        )
        var outcome = BindingOutcome.accepted
        let current = location.modify(number, now: at) { current in
            let result = change.apply(to: current, template: template, maxContacts: maxContacts, now: at)
            outcome = result.outcome
            return result.bindings
        }
        if case .tooManyContacts = outcome {
            return request.makeResponse(status: 403, reason: "Too Many Contacts (limit \(maxContacts))", toTag: toTag)
        }
        var extra = current.map { binding in
            let remaining = max(0, Int(binding.expiresAt.timeIntervalSince(at).rounded()))
            return SIPHeaderLine("Contact", "<\(binding.uri)>\(binding.parameters);expires=\(remaining)")
        }
        extra.append(SIPHeaderLine("Date", HTTPDate.format(at)))
        return request.makeResponse(status: 200, toTag: toTag, extraHeaders: extra)
    }

    // MARK: SIPSecurityMonitor

    public func blockedAddresses() async -> [BlockedAddress] {
        await authenticator.blockedAddresses()
    }

    public func unblock(_ address: String) async -> Bool {
        await authenticator.unblock(address)
    }

    public func extensionChanged(_ number: String) async {
        directory.forget(number)
    }
}
