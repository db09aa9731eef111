import CallCenter
import Foundation
import Testing

@Suite struct DepartmentTreeTests {
    // HQ(1) ─ Sales(2) ─ Team1(3)
    //       └ Support(4)
    let tree = DepartmentTree([
        Department(id: 1, name: "HQ", parentId: nil, createdAt: Date()),
        Department(id: 2, name: "Sales", parentId: 1, createdAt: Date()),
        Department(id: 3, name: "Team1", parentId: 2, createdAt: Date()),
        Department(id: 4, name: "Support", parentId: 1, createdAt: Date()),
    ])

    @Test func subtreeHoldsTheDepartmentAndEverythingBelowIt() {
        #expect(tree.subtree(of: 1) == [1, 2, 3, 4])
        #expect(tree.subtree(of: 2) == [2, 3])
        #expect(tree.subtree(of: 3) == [3])
        #expect(tree.subtree(of: 99) == [])
    }

    @Test func movingUnderItselfOrADescendantIsACycle() {
        #expect(tree.wouldCreateCycle(moving: 1, under: 3))
        #expect(tree.wouldCreateCycle(moving: 2, under: 2))
        #expect(!tree.wouldCreateCycle(moving: 3, under: 4))
        #expect(!tree.wouldCreateCycle(moving: 2, under: nil))
    }

    @Test func ancestorsRunFromTheRootDown() {
        #expect(tree.ancestors(of: 3) == [1, 2])
        #expect(tree.ancestors(of: 1) == [])
    }

    @Test func departmentScopeSeesTheSubtreeAndSelfScopeOnlyItsDepartment() {
        let user = User(id: 7, username: "lead", name: "Lead", roleIds: [], departmentId: 2, extension: nil, mustChangePassword: false, isAdmin: false, createdAt: Date())
        let lead = Principal(user: user, roles: [Role(id: 1, name: "lead", permissions: [], dataScope: .department, builtin: false)])
        #expect(lead.visibleDepartments(in: tree) == [2, 3])
        let agent = Principal(user: user, roles: [Role(id: 2, name: "agent", permissions: [], dataScope: .self, builtin: false)])
        #expect(agent.visibleDepartments(in: tree) == [2])
        #expect(agent.userVisibility(in: tree) == .only(7))
        let both = Principal(user: user, roles: [
            Role(id: 1, name: "lead", permissions: [], dataScope: .department, builtin: false),
            Role(id: 2, name: "agent", permissions: [], dataScope: .self, builtin: false),
        ])
        #expect(both.dataScope == .department, "the widest scope among the roles wins")
    }

    @Test func aPrincipalCannotGrantMoreThanItHolds() {
        let user = User(id: 7, username: "lead", name: "Lead", roleIds: [], departmentId: 2, extension: nil, mustChangePassword: false, isAdmin: false, createdAt: Date())
        let lead = Principal(user: user, roles: [Role(id: 1, name: "lead", permissions: ["org.users.view", "org.users.create"], dataScope: .department, builtin: false)])
        #expect(lead.canGrant(Role(id: 2, name: "a", permissions: ["org.users.view"], dataScope: .self, builtin: false)))
        #expect(!lead.canGrant(Role(id: 3, name: "b", permissions: ["org.roles.view"], dataScope: .self, builtin: false)))
        #expect(!lead.canGrant(Role(id: 4, name: "c", permissions: ["org.users.view"], dataScope: .all, builtin: false)))
        #expect(!lead.canGrant(Role(id: 5, name: "admin", permissions: [], dataScope: .all, builtin: true)))
    }
}

@Suite struct LoginThrottleTests {
    let start = Date(timeIntervalSince1970: 1_000_000)

    func at(_ seconds: Double) -> Date { start.addingTimeInterval(seconds) }

    /// Reserves and fails one attempt (the reservation stands as the failure).
    @discardableResult
    func fail(_ throttle: inout LoginThrottle, _ account: String, from address: String, at seconds: Double) -> LoginThrottle.Verdict {
        throttle.reserve(kind: "login", account: account, address: address, now: at(seconds))
    }

    @Test func fiveFailuresForAnAccountFromOneAddressMakeTheSixthWait() {
        var throttle = LoginThrottle()
        for second in 0..<5 {
            guard case .proceed = fail(&throttle, "bob", from: "10.0.0.1", at: Double(second)) else { Issue.record("refused early"); return }
        }
        #expect(fail(&throttle, "bob", from: "10.0.0.1", at: 10) == .wait(seconds: 290, scope: .pair, lockedNow: true))
        // Audited once: the next refusal is not a new lockout.
        #expect(fail(&throttle, "bob", from: "10.0.0.1", at: 11) == .wait(seconds: 289, scope: .pair, lockedNow: false))
    }

    @Test func aGuesserElsewhereDoesNotLockTheOwnerOut() {
        var throttle = LoginThrottle()
        for second in 0..<10 { fail(&throttle, "admin", from: "203.0.113.9", at: Double(second)) }
        guard case .proceed(let ticket) = throttle.reserve(kind: "login", account: "admin", address: "10.0.0.5", now: at(20)) else {
            Issue.record("the owner's address was refused")
            return
        }
        throttle.succeeded(ticket)
    }

    @Test func parallelGuessesAreCountedBeforeTheyAreChecked() {
        var throttle = LoginThrottle()
        // Thirty requests reserve at the same instant, before any password is checked.
        let verdicts = (0..<30).map { _ in throttle.reserve(kind: "login", account: "admin", address: "198.51.100.7", now: at(0)) }
        let admitted = verdicts.filter { if case .proceed = $0 { true } else { false } }
        #expect(admitted.count == 5)
    }

    @Test func sprayingAcrossAccountsHitsTheAddressCeiling() {
        var throttle = LoginThrottle()
        for index in 0..<20 {
            guard case .proceed = fail(&throttle, "user\(index)", from: "198.51.100.7", at: Double(index)) else { Issue.record("refused early"); return }
        }
        #expect(fail(&throttle, "user99", from: "198.51.100.7", at: 30) == .wait(seconds: 270, scope: .address, lockedNow: true))
        guard case .proceed = fail(&throttle, "user99", from: "198.51.100.8", at: 30) else { Issue.record("another address was refused"); return }
    }

    @Test func guessingFromManyAddressesLocksTheAccountUntilItIsUnlocked() {
        var throttle = LoginThrottle()
        for index in 0..<20 { fail(&throttle, "admin", from: "192.0.2.\(index)", at: Double(index)) }
        guard case .wait(_, .account, true) = fail(&throttle, "admin", from: "10.0.0.5", at: 30) else {
            Issue.record("the account was not locked")
            return
        }
        throttle.unlock(kind: "login", account: "admin", before: at(40))
        guard case .proceed = throttle.reserve(kind: "login", account: "admin", address: "10.0.0.5", now: at(41)) else {
            Issue.record("the unlock did not lift the account lock")
            return
        }
    }

    @Test func theWaitEndsWhenTheOldestFailureLeavesTheWindow() {
        var throttle = LoginThrottle()
        for second in 0..<5 { fail(&throttle, "k", from: "a", at: Double(second)) }
        #expect(fail(&throttle, "k", from: "a", at: 299) == .wait(seconds: 1, scope: .pair, lockedNow: true))
        guard case .proceed = fail(&throttle, "k", from: "a", at: 300) else { Issue.record("still refused"); return }
    }

    @Test func successForgetsThatAddresssFailuresForTheAccount() {
        var throttle = LoginThrottle(pair: .init(limit: 2, window: 300))
        fail(&throttle, "k", from: "a", at: 0)
        guard case .proceed(let ticket) = throttle.reserve(kind: "login", account: "k", address: "a", now: at(1)) else { return }
        throttle.succeeded(ticket)
        fail(&throttle, "k", from: "a", at: 2)
        guard case .proceed = fail(&throttle, "k", from: "a", at: 3) else { Issue.record("refused after a success"); return }
    }

    @Test func signInAndPasswordChangeAreCountedApart() {
        var throttle = LoginThrottle()
        for second in 0..<5 { fail(&throttle, "bob", from: "a", at: Double(second)) }
        guard case .proceed = throttle.reserve(kind: "password", account: "bob", address: "a", now: at(6)) else {
            Issue.record("password changes share the sign-in count")
            return
        }
    }
}

@Suite struct ValidationTests {
    @Test func usernamesAreShortAndPlain() throws {
        #expect(try Validate.username("agent.01@cc") == "agent.01@cc")
        #expect(throws: DomainError.self) { try Validate.username("bad name") }
        #expect(throws: DomainError.self) { try Validate.username(String(repeating: "a", count: 65)) }
        #expect(throws: DomainError.self) { try Validate.username("") }
    }

    @Test func passwordsNeedEightCharactersAndMustDifferFromTheUsername() throws {
        #expect(throws: DomainError.self) { try Validate.newPassword("short", username: "bob") }
        #expect(throws: DomainError.self) { try Validate.newPassword("Bob12345", username: "bob12345") }
        #expect(throws: DomainError.self) { try Validate.newPassword("Same-Pass-1", username: "bob", current: "Same-Pass-1") }
        #expect(throws: DomainError.self) { try Validate.newPassword(String(repeating: "x", count: 73), username: "bob") }
        try Validate.newPassword("Good-Pass-1", username: "bob", current: "Old-Pass-1")
    }

    @Test func fieldKeysAreLowerSnakeCase() throws {
        #expect(try Validate.fieldKey("company_name") == "company_name")
        for bad in ["", "Company", "1abc", "a-b", String(repeating: "a", count: 33)] {
            #expect(throws: DomainError.self, "\(bad)") { try Validate.fieldKey(bad) }
        }
    }
}

@Suite struct RFC3339Tests {
    @Test func formatsFixedWidthUTCWithMilliseconds() {
        #expect(RFC3339.string(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(RFC3339.string(Date(timeIntervalSince1970: 1_795_755_139.123_9)) == "2026-11-27T04:52:19.123Z")
        #expect(RFC3339.string(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500Z")
    }

    @Test func parsesWhatItWritesAndCommonVariants() throws {
        let date = Date(timeIntervalSince1970: 1_795_755_139.123)
        let back = try #require(RFC3339.date(RFC3339.string(date)))
        #expect(abs(back.timeIntervalSince(date)) < 0.001)
        #expect(RFC3339.date("2026-11-27T04:52:19Z") == Date(timeIntervalSince1970: 1_795_755_139))
        #expect(RFC3339.date("2026-11-27T12:52:19+08:00") == Date(timeIntervalSince1970: 1_795_755_139))
        for bad in ["", "2026-11-27", "2026-13-01T00:00:00Z", "2026-11-27T04:52:19", "2026-11-27T04:52:19Zjunk", "２０２６-11-27T04:52:19Z"] {
            #expect(RFC3339.date(bad) == nil, "\(bad)")
        }
    }

    @Test func impossibleDatesAndTimesAreRefusedNotRolledOver() {
        for bad in [
            "2026-02-30T10:00:00Z", "2026-02-29T10:00:00Z", "2026-04-31T00:00:00Z", "2026-11-27T24:00:00Z", "2026-11-27T23:60:00Z",
            "2026-11-27T23:59:60Z", "2026-11-27T04:52:19.Z", "2026-11-27T04:52:19+24:00", "2026-11-27T04:52:19+08:60", "0000-01-01T00:00:00Z",
        ] {
            #expect(RFC3339.date(bad) == nil, "\(bad)")
        }
        #expect(RFC3339.date("2028-02-29T10:00:00Z") != nil)
        #expect(RFC3339.date("2000-02-29T10:00:00Z") != nil)
        #expect(RFC3339.date("1900-02-29T10:00:00Z") == nil)
    }
}
