import CallCenter
import Foundation
import Logging
import SIP
import SIPStack
import Synchronization

/// The registrar and location service (RFC 3261 §10.3): digest
/// authentication with MD5 and SHA-256, nonce expiry and replay protection,
/// contact limits, NAT-aware bindings, brute-force blocking, and OPTIONS
/// answered. It is the transaction user of the SIP stack until calls come.
public final class Registrar: SIPRequestHandler, SIPSecurityMonitor, Sendable {
    let repos: Repositories
    let location: LocationTable
    let policy: RegistrarPolicy
    let logger: Logger
    let audit: AuditTrail
    let now: @Sendable () -> Date
    private let state: Mutex<State>
    /// Signs and verifies nonces outside the lock; `State` tracks their counts.
    private let nonceSigner: NonceIssuer

    struct State {
        var nonceCounts: NonceCounts
        var limiter: AuthFailureLimiter
        var extensions: [String: CachedExtension] = [:]
    }

    struct CachedExtension {
        let password: String?
        let maxContacts: Int
        let fetched: Date
        /// nil for a number that is not an extension.
        var profile: ExtensionProfile? = nil
    }

    public init(
        repos: Repositories, location: LocationTable, policy: RegistrarPolicy, logger: Logger,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.repos = repos
        self.location = location
        self.policy = policy
        self.logger = logger
        self.now = now
        self.audit = AuditTrail(repository: repos.audit, now: now)
        nonceSigner = NonceIssuer(lifetime: 300)
        state = Mutex(State(
            nonceCounts: NonceCounts(lifetime: 300),
            limiter: AuthFailureLimiter(limit: policy.failuresBeforeBlock, window: policy.failureWindow, blockFor: policy.blockSeconds)
        ))
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
            try await loadExtension(number, at: at)
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
        switch authenticate(request, from: peer, number: number, at: at, toTag: toTag, proxy: false) {
        case .answer(let response): return .answer(response)
        case .lookUp(let number): return .lookUp(number: number)
        case .authenticated(let ext):
            return .answer(updateBindings(request, number: number, maxContacts: ext.maxContacts, peer: peer, toTag: toTag, at: at))
        }
    }

    enum AuthStep {
        case answer(SIPMessage)
        case lookUp(String)
        case authenticated(CachedExtension)
    }

    /// Digest authentication (RFC 3261 §22, RFC 7616/8760) of `number`, from
    /// memory: 401/WWW-Authenticate for REGISTER, 407/Proxy-Authenticate for
    /// calls. Failures count towards blocking the address.
    func authenticate(_ request: SIPMessage, from peer: SIPPeer, number: String?, at: Date, toTag: String, proxy: Bool) -> AuthStep {
        if state.withLock({ $0.limiter.isBlocked(peer.host, now: at) }) {
            return .answer(request.makeResponse(status: 403, reason: "Forbidden (address blocked)", toTag: toTag))
        }
        let offered = proxy ? try? request.proxyAuthorization() : try? request.authorization()
        let credentials = offered?.first { $0.isDigest && $0.realm == policy.realm }
        guard let credentials else { return .answer(challenge(request, stale: false, toTag: toTag, proxy: proxy)) }

        // Check the credentials before telling anything about the extension.
        guard let username = credentials.username, let nonce = credentials.nonce, let response = credentials.response,
            let digestURI = credentials.uri, let algorithm = DigestAlgorithm(parameter: credentials.algorithm),
            policy.algorithms.contains(where: { $0.rawValue == algorithm.rawValue })
        else {
            return .answer(request.makeResponse(status: 400, reason: "Malformed Authorization", toTag: toTag))
        }
        let number = number ?? username
        let qop = credentials.parameter("qop")
        if let qop, qop.lowercased() != "auth" {
            return .answer(request.makeResponse(status: 400, reason: "Unsupported qop", toTag: toTag))
        }
        let nc = credentials.parameter("nc")
        let cnonce = credentials.parameter("cnonce")
        if qop != nil && (nc == nil || cnonce == nil) {
            return .answer(request.makeResponse(status: 400, reason: "qop needs nc and cnonce", toTag: toTag))
        }
        switch nonceSigner.authenticate(nonce, now: at) {
        case .ours: break
        case .stale: return .answer(challenge(request, stale: true, toTag: toTag, proxy: proxy))
        case .invalid: return .answer(challenge(request, stale: false, toTag: toTag, proxy: proxy))
        }
        guard let ext = cachedExtension(number, at: at) else { return .lookUp(number) }
        guard state.withLock({ $0.nonceCounts.accept(nonce, nc: nc, now: at) }) == .valid else {
            return .answer(challenge(request, stale: false, toTag: toTag, proxy: proxy))
        }
        let digest = DigestCredentials(
            username: username, realm: policy.realm, nonce: nonce, uri: digestURI, response: response, algorithm: algorithm,
            qop: qop, nc: nc, cnonce: cnonce
        )
        let method = request.method?.name ?? "REGISTER"
        guard username == number, let password = ext.password, digest.matches(password: password, method: method) else {
            return .answer(authenticationFailed(request, peer: peer, number: number, toTag: toTag, at: at))
        }
        state.withLock { $0.limiter.recordSuccess(peer.host) }
        return .authenticated(ext)
    }

    // MARK: calls

    /// Authenticates a call's INVITE: the caller proves it is the extension
    /// it claims (digest username), and the From must name that extension.
    public func authenticateCall(_ request: SIPMessage, from peer: SIPPeer, toTag: String) -> CallAuthentication {
        switch authenticate(request, from: peer, number: nil, at: now(), toTag: toTag, proxy: true) {
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
        guard let cached = cachedExtension(number, at: now()) else { return nil }
        return .some(cached.profile)
    }

    /// Reads an extension into the cache (its secret and call settings).
    public func loadExtension(_ number: String) async throws {
        try await loadExtension(number, at: now())
    }

    private func challenge(_ request: SIPMessage, stale: Bool, toTag: String, proxy: Bool = false) -> SIPMessage {
        let nonce = nonceSigner.issue(now: now())
        let headers = policy.challengeAlgorithms(userAgent: request.userAgent).map { algorithm in
            var value = "Digest realm=\"\(policy.realm)\", nonce=\"\(nonce)\", algorithm=\(algorithm.rawValue), qop=\"auth\""
            if stale { value += ", stale=true" }
            return SIPHeaderLine(proxy ? "Proxy-Authenticate" : "WWW-Authenticate", value)
        }
        return request.makeResponse(status: proxy ? 407 : 401, toTag: toTag, extraHeaders: headers)
    }

    private func authenticationFailed(_ request: SIPMessage, peer: SIPPeer, number: String, toTag: String, at: Date) -> SIPMessage {
        let block = state.withLock { $0.limiter.recordFailure(peer.host, now: at) }
        if let block {
            logger.warning(
                "blocking SIP address after repeated failed authentications",
                metadata: ["sip.address": "\(block.address)", "sip.failures": "\(block.failures)", "sip.until": "\(block.until)"]
            )
            // The audit entry is written behind the answer: an attacker's 403 never waits for the disk.
            let audit = self.audit
            let logger = self.logger
            Task {
                do {
                    try await audit.record(
                        "sip.block", target: "address:\(block.address)",
                        detail: "\(block.failures) failed authentications, last for \(number)",
                        actor: nil, address: block.address, actorName: "registrar"
                    )
                } catch {
                    logger.error("could not write the audit entry for a SIP block", metadata: ["error": "\(error)"])
                }
            }
        }
        return request.makeResponse(status: 403, reason: "Forbidden", toTag: toTag)
    }

    /// The extension's secret and limits when cached and fresh; an unknown
    /// extension is cached too (with no password), so guessing numbers
    /// does not reach the database on every attempt.
    func cachedExtension(_ number: String, at: Date) -> CachedExtension? {
        guard let cached = state.withLock({ $0.extensions[number] }),
            at.timeIntervalSince(cached.fetched) < policy.extensionCacheSeconds
        else { return nil }
        return cached
    }

    func loadExtension(_ number: String, at: Date) async throws {
        let ext = try await repos.extensions.find(number: number)
        let password = ext == nil ? nil : try await repos.extensions.password(number: number)
        let profile = ext.map { ExtensionProfile(number: $0.number, name: $0.name, callerId: $0.callerId, recording: $0.recording) }
        let entry = CachedExtension(password: password, maxContacts: ext?.maxContacts ?? 0, fetched: at, profile: profile)
        state.withLock { state in
            if state.extensions.count > 50_000 { state.extensions.removeAll() }
            state.extensions[number] = entry
        }
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
        let at = now()
        return state.withLock { $0.limiter.activeBlocks(now: at) }.map {
            BlockedAddress(address: $0.address, failures: $0.failures, blockedAt: $0.blockedAt, until: $0.until)
        }
    }

    public func unblock(_ address: String) async -> Bool {
        state.withLock { $0.limiter.unblock(address) }
    }

    public func extensionChanged(_ number: String) async {
        _ = state.withLock { $0.extensions.removeValue(forKey: number) }
    }
}
