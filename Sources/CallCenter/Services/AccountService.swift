import Foundation

/// Makes and digests session tokens; the digest is what storage keeps.
public protocol SessionTokens: Sendable {
    func newToken() -> String
    func digest(_ token: String) -> String
}

public struct SessionPolicy: Sendable {
    /// A session ends this long after login, whatever happens.
    public var lifetime: TimeInterval = 12 * 3600
    /// …and sooner when unused this long.
    public var idleTimeout: TimeInterval = 2 * 3600

    public init(lifetime: TimeInterval = 12 * 3600, idleTimeout: TimeInterval = 2 * 3600) {
        self.lifetime = lifetime
        self.idleTimeout = idleTimeout
    }
}

/// Sign-in, sessions and password changes (用户登陆, 密码修改).
public actor AccountService {
    let repos: Repositories
    let audit: AuditTrail
    let hasher: any PasswordHasher
    let tokens: any SessionTokens
    let policy: SessionPolicy
    let now: @Sendable () -> Date
    private var throttle: LoginThrottle
    /// A hash to verify against for unknown usernames, so that timing does
    /// not tell which usernames exist.
    private var decoyHash: String?

    public init(
        repos: Repositories, audit: AuditTrail, hasher: any PasswordHasher, tokens: any SessionTokens,
        policy: SessionPolicy = SessionPolicy(), throttle: LoginThrottle = LoginThrottle(),
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.repos = repos
        self.audit = audit
        self.hasher = hasher
        self.tokens = tokens
        self.policy = policy
        self.throttle = throttle
        self.now = now
    }

    public struct SignedIn: Sendable {
        public var token: String
        public var expiresAt: Date
        public var user: User
    }

    public func login(username: String, password: String, address: String) async throws -> SignedIn {
        let at = now()
        // Reserved before anything is awaited: parallel guesses see each other.
        let ticket = try await reserveAttempt(kind: "login", account: username, address: address, at: at, target: "user:\(username)")
        let user = try await repos.users.findByUsername(username)
        let hash: String?
        if let user { hash = try await repos.users.passwordHash(userId: user.id) } else { hash = nil }
        let against: String
        if let hash { against = hash } else { against = try await decoy() }
        let ok = try await hasher.verify(password, hash: against)
        guard ok, let user, hash != nil else {
            try await audit.record("auth.login_failed", target: "user:\(username)", actor: nil, address: address, actorName: username)
            throw DomainError(.invalidCredentials, "Wrong username or password.")
        }
        throttle.succeeded(ticket)
        let token = tokens.newToken()
        let session = Session(
            tokenHash: tokens.digest(token), userId: user.id, createdAt: at,
            expiresAt: at.addingTimeInterval(policy.lifetime), lastSeenAt: at, address: address
        )
        try await repos.sessions.create(session)
        try await repos.sessions.deleteExpired(now: at, idle: .seconds(policy.idleTimeout))
        try await audit.record("auth.login", target: "user:\(user.id)", actor: nil, address: address, actorName: user.username)
        return SignedIn(token: token, expiresAt: session.expiresAt, user: user)
    }

    /// Sign-ins and password changes refused by the throttle since the start.
    public private(set) var throttledCount = 0

    /// Reserves an attempt or refuses it (429). An account-wide lock is
    /// checked against the console's unlock first; the first refusal of a
    /// lockout is audited, the ones after it only counted.
    private func reserveAttempt(kind: String, account: String, address: String, at: Date, target: String) async throws -> LoginThrottle.Ticket {
        var verdict = throttle.reserve(kind: kind, account: account, address: address, now: at)
        if case .wait(_, .account, _) = verdict, let user = try await repos.users.findByUsername(account),
            let unlocked = try await repos.users.signInUnlockedAt(userId: user.id)
        {
            throttle.unlock(kind: kind, account: account, before: unlocked)
            verdict = throttle.reserve(kind: kind, account: account, address: address, now: at)
        }
        switch verdict {
        case .proceed(let ticket):
            return ticket
        case .wait(let seconds, let scope, let lockedNow):
            throttledCount += 1
            if lockedNow {
                try await audit.record(
                    "auth.lockout", target: target, detail: "\(kind) locked (\(scope.rawValue)) for \(seconds)s", actor: nil, address: address,
                    actorName: account)
            }
            let hint = scope == .account ? " An administrator can lift it from the server console: hotline admin unlock \(account)." : ""
            throw DomainError(.tooManyAttempts(retryAfterSeconds: seconds), "Too many failed attempts. Try again in \(seconds) seconds.\(hint)")
        }
    }

    /// The principal behind a token, or `unauthenticated`.
    public func authenticate(token: String) async throws -> Principal {
        let digest = tokens.digest(token)
        let at = now()
        let cache = repos.authorization
        if let cached = cache.principal(tokenDigest: digest, now: at) { return cached }
        let generation = cache.generation
        guard let session = try await repos.sessions.get(tokenHash: digest),
            session.expiresAt > at,
            at.timeIntervalSince(session.lastSeenAt) < policy.idleTimeout
        else {
            throw DomainError(.unauthenticated, "Your session has ended. Please sign in again.")
        }
        guard let user = try await repos.users.get(session.userId) else {
            throw DomainError(.unauthenticated, "Your session has ended. Please sign in again.")
        }
        // Refresh the idle clock at most once a minute: most requests stay read-only.
        if at.timeIntervalSince(session.lastSeenAt) > 60 {
            try await repos.sessions.touch(tokenHash: digest, at: at)
        }
        let principal = Principal(user: user, roles: try await repos.roles.get(ids: user.roleIds))
        cache.store(principal, tokenDigest: digest, now: at, generation: generation)
        return principal
    }

    public func logout(token: String, actor: Actor) async throws {
        let digest = tokens.digest(token)
        try await repos.sessions.delete(tokenHash: digest)
        repos.authorization.forget(tokenDigest: digest)
        try await audit.record("auth.logout", target: "user:\(actor.principal.userId)", actor: actor)
    }

    /// Changes the caller's password (wrong current passwords are throttled
    /// like sign-ins) and ends their other sessions: whoever else held one
    /// is out.
    public func changePassword(current: String, new: String, actor: Actor, token: String) async throws {
        let user = actor.principal.user
        let ticket = try await reserveAttempt(kind: "password", account: user.username, address: actor.address, at: now(), target: "user:\(user.id)")
        guard let hash = try await repos.users.passwordHash(userId: user.id),
            try await hasher.verify(current, hash: hash)
        else {
            try await audit.record("auth.password_change_failed", target: "user:\(user.id)", actor: actor)
            throw DomainError.invalid("currentPassword", "The current password is wrong.")
        }
        throttle.succeeded(ticket)
        try Validate.newPassword(new, username: user.username, current: current)
        try await repos.users.setPassword(userId: user.id, hash: try await hasher.hash(new), mustChange: false)
        try await repos.sessions.deleteAll(userId: user.id, except: tokens.digest(token))
        repos.authorization.invalidate()
        try await audit.record("auth.password_change", target: "user:\(user.id)", actor: actor)
    }

    private func decoy() async throws -> String {
        if let decoyHash { return decoyHash }
        let made = try await hasher.hash(TemporaryPassword.generate())
        decoyHash = made
        return made
    }
}
