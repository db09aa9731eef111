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

    @Test func fiveFailuresInFiveMinutesMakeTheSixthWait() {
        var throttle = LoginThrottle(limit: 5, window: 300)
        for second in 0..<4 {
            throttle.recordFailure(for: "user:bob", now: start.addingTimeInterval(Double(second)))
        }
        #expect(throttle.waitTime(for: "user:bob", now: start.addingTimeInterval(5)) == nil)
        throttle.recordFailure(for: "user:bob", now: start.addingTimeInterval(10))
        #expect(throttle.waitTime(for: "user:bob", now: start.addingTimeInterval(11)) == 289)
        #expect(throttle.waitTime(for: "user:alice", now: start.addingTimeInterval(11)) == nil)
    }

    @Test func theWaitEndsWhenTheOldestFailureLeavesTheWindow() {
        var throttle = LoginThrottle(limit: 5, window: 300)
        for second in 0..<5 { throttle.recordFailure(for: "k", now: start.addingTimeInterval(Double(second))) }
        #expect(throttle.waitTime(for: "k", now: start.addingTimeInterval(299)) == 1)
        #expect(throttle.waitTime(for: "k", now: start.addingTimeInterval(300)) == nil)
    }

    @Test func successClearsTheCountForThatKey() {
        var throttle = LoginThrottle(limit: 2, window: 300)
        throttle.recordFailure(for: "k", now: start)
        throttle.recordSuccess(for: "k")
        throttle.recordFailure(for: "k", now: start)
        #expect(throttle.waitTime(for: "k", now: start) == nil)
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
}
