import CallCenter
import Foundation
import Logging
import SIP
import SIPStack
import Synchronization

/// Digest authentication of phones (RFC 3261 §22, RFC 7616/8760) with MD5
/// and SHA-256: nonces signed by us with expiry and nonce-count replay
/// protection, and an address blocked after repeated failures. Decides from
/// memory, on the SIP event loop; the extensions' secrets come from the
/// `ExtensionDirectory`, which must hold the number first.
public final class DigestAuthenticator: Sendable {
    let directory: ExtensionDirectory
    let policy: RegistrarPolicy
    let logger: Logger
    let audit: AuditTrail
    let now: @Sendable () -> Date
    /// Signs and verifies nonces outside the lock; `State` tracks their counts.
    private let nonceSigner: NonceIssuer
    private let state: Mutex<State>

    struct State {
        var nonceCounts: NonceCounts
        var limiter: AuthFailureLimiter
    }

    public enum Outcome {
        /// Answer with this: a challenge, 400 or 403.
        case answer(SIPMessage)
        /// The directory does not hold this number yet: load it, then
        /// authenticate (nothing has been recorded: nonce-counts, failures).
        case lookUp(String)
        case authenticated(ExtensionDirectory.Entry)
    }

    init(directory: ExtensionDirectory, policy: RegistrarPolicy, audit: AuditTrail, logger: Logger, now: @escaping @Sendable () -> Date) {
        self.directory = directory
        self.policy = policy
        self.audit = audit
        self.logger = logger
        self.now = now
        nonceSigner = NonceIssuer(lifetime: 300)
        state = Mutex(State(
            nonceCounts: NonceCounts(lifetime: 300),
            limiter: AuthFailureLimiter(limit: policy.failuresBeforeBlock, window: policy.failureWindow, blockFor: policy.blockSeconds)
        ))
    }

    /// The extension a request's credentials name, if any (read only: for
    /// loading the directory before `authenticate` runs once).
    public func claimedNumber(_ request: SIPMessage, proxy: Bool) -> String? {
        let offered = proxy ? try? request.proxyAuthorization() : try? request.authorization()
        return offered?.first { $0.isDigest && $0.realm == policy.realm }?.username
    }

    /// Authenticates `number` (the digest username when nil): 401 and
    /// WWW-Authenticate for REGISTER, 407 and Proxy-Authenticate (`proxy`)
    /// for calls. Failures count towards blocking the address.
    public func authenticate(_ request: SIPMessage, from peer: SIPPeer, number: String?, at: Date, toTag: String, proxy: Bool) -> Outcome {
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
        guard let ext = directory.cached(number, at: at) else { return .lookUp(number) }
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

    func challenge(_ request: SIPMessage, stale: Bool, toTag: String, proxy: Bool = false) -> SIPMessage {
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

    // MARK: the block list

    public func blockedAddresses() async -> [BlockedAddress] {
        let at = now()
        return state.withLock { $0.limiter.activeBlocks(now: at) }.map {
            BlockedAddress(address: $0.address, failures: $0.failures, blockedAt: $0.blockedAt, until: $0.until)
        }
    }

    public func unblock(_ address: String) async -> Bool {
        state.withLock { $0.limiter.unblock(address) }
    }
}
