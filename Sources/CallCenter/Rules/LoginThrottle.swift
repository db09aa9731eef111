import Foundation

/// Brute-force defence for sign-in and password changes, keyed three ways:
///
/// - an account from one address (`pair`): the usual guesser, stopped after
///   a handful of tries without locking anyone else out;
/// - an address across accounts (`address`): password spraying, with a
///   higher ceiling so one office behind NAT is not blocked by a typo;
/// - an account from anywhere (`account`): guessing spread over many
///   addresses. It can be lifted from the server console
///   (`hotline admin unlock USER`), so nobody can keep an administrator out.
///
/// An attempt is reserved before the password is checked and counts as a
/// failure until it succeeds: parallel guesses see each other, so thirty at
/// once are not all checked. Time is passed in; the rules are tested
/// without a clock.
public struct LoginThrottle: Sendable {
    public struct Rule: Sendable, Equatable {
        public var limit: Int
        public var window: TimeInterval

        public init(limit: Int, window: TimeInterval) {
            self.limit = limit
            self.window = window
        }
    }

    public enum Scope: String, Sendable, Equatable {
        case pair, address, account
    }

    /// What `reserve` decided.
    public enum Verdict: Sendable, Equatable {
        /// Go ahead and check the password; report the outcome with the ticket.
        case proceed(Ticket)
        /// Refused for `seconds`; `lockedNow` is true the first time a key is refused in its window (for the audit log).
        case wait(seconds: Int, scope: Scope, lockedNow: Bool)
    }

    /// One reserved attempt.
    public struct Ticket: Sendable, Equatable {
        let keys: [String]
        let pairKey: String
        let at: Date
    }

    public var pair: Rule
    public var address: Rule
    public var account: Rule
    private var attempts: [String: [Date]] = [:]
    /// Keys refused in their current window (so a lockout is audited once).
    private var locked: Set<String> = []

    public init(
        pair: Rule = Rule(limit: 5, window: 300), address: Rule = Rule(limit: 20, window: 300), account: Rule = Rule(limit: 20, window: 900)
    ) {
        self.pair = pair
        self.address = address
        self.account = account
    }

    /// Reserves an attempt of `kind` (sign-in, password change) on `account` from `address`.
    public mutating func reserve(kind: String, account name: String, address from: String, now: Date) -> Verdict {
        let keys: [(String, Rule, Scope)] = [
            ("\(kind)|pair|\(name.lowercased())|\(from)", pair, .pair),
            ("\(kind)|address|\(from)", address, .address),
            ("\(kind)|account|\(name.lowercased())", account, .account),
        ]
        var refusals: [(seconds: Int, scope: Scope)] = []
        var lockedNow = false
        for (key, rule, scope) in keys {
            prune(key, rule: rule, now: now)
            guard let recent = attempts[key], recent.count >= rule.limit, let oldest = recent.first else { continue }
            refusals.append((max(1, Int(oldest.addingTimeInterval(rule.window).timeIntervalSince(now).rounded(.up))), scope))
            if locked.insert(key).inserted { lockedNow = true }
        }
        if let worst = refusals.max(by: { $0.seconds < $1.seconds }) {
            return .wait(seconds: worst.seconds, scope: worst.scope, lockedNow: lockedNow)
        }
        for (key, _, _) in keys { attempts[key, default: []].append(now) }
        forgetIdleKeys(now: now)
        return .proceed(Ticket(keys: keys.map(\.0), pairKey: keys[0].0, at: now))
    }

    /// The password was right: the attempt was not a failure, and this
    /// account's failures from this address are forgotten.
    public mutating func succeeded(_ ticket: Ticket) {
        for key in ticket.keys {
            guard var recent = attempts[key], let index = recent.firstIndex(of: ticket.at) else { continue }
            recent.remove(at: index)
            attempts[key] = recent.isEmpty ? nil : recent
        }
        attempts[ticket.pairKey] = nil
        locked.remove(ticket.pairKey)
    }

    /// Forgets the account-wide failures before `moment` (an unlock from
    /// the console, or a password reset).
    public mutating func unlock(kind: String, account name: String, before moment: Date) {
        let key = "\(kind)|account|\(name.lowercased())"
        guard let recent = attempts[key] else { return }
        let kept = recent.filter { $0 >= moment }
        attempts[key] = kept.isEmpty ? nil : kept
        if kept.count < account.limit { locked.remove(key) }
    }

    private mutating func prune(_ key: String, rule: Rule, now: Date) {
        guard var recent = attempts[key] else { return }
        recent.removeAll { now.timeIntervalSince($0) >= rule.window }
        attempts[key] = recent.isEmpty ? nil : recent
        if recent.count < rule.limit { locked.remove(key) }
    }

    /// Bounds memory under a spray of usernames: keys nobody hit lately go.
    private mutating func forgetIdleKeys(now: Date) {
        guard attempts.count > 100_000 else { return }
        let longest = max(pair.window, address.window, account.window)
        attempts = attempts.filter { $0.value.contains { now.timeIntervalSince($0) < longest } }
        locked = locked.filter { attempts[$0] != nil }
    }
}
