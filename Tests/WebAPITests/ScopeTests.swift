import Foundation
import Hummingbird
import HotlineTestSupport
import Testing

/// Department tree rules and data scope, through the API.
@Suite struct DepartmentRuleTests {
    @Test func aDepartmentWithChildrenOrUsersCannotBeDeleted() async throws {
        try await TestApp.with { client in
            let admin = try await client.token()
            let hq = try await client.createDepartment("HQ", parent: nil, token: admin)
            let sales = try await client.createDepartment("Sales", parent: hq, token: admin)
            let notEmpty = try await client.call(.delete, "/api/v1/departments/\(hq)", token: admin)
            #expect(notEmpty.status == .conflict)
            #expect(notEmpty.errorCode == "department_not_empty")

            _ = try await client.settledUser(admin: admin, username: "seller", departmentId: sales, roleIds: [])
            let withUser = try await client.call(.delete, "/api/v1/departments/\(sales)", token: admin)
            #expect(withUser.errorCode == "department_not_empty")

            let empty = try await client.createDepartment("Empty", parent: hq, token: admin)
            #expect(try await client.call(.delete, "/api/v1/departments/\(empty)", token: admin).status == .noContent)
            #expect(try await client.call(.get, "/api/v1/departments/\(empty)", token: admin).status == .notFound)
        }
    }

    @Test func renameAndMoveKeepTheTreeFreeOfCycles() async throws {
        try await TestApp.with { client in
            let admin = try await client.token()
            let hq = try await client.createDepartment("HQ", parent: nil, token: admin)
            let sales = try await client.createDepartment("Sales", parent: hq, token: admin)
            let team = try await client.createDepartment("Team 1", parent: sales, token: admin)
            let support = try await client.createDepartment("Support", parent: hq, token: admin)

            let cycle = try await client.call(.put, "/api/v1/departments/\(hq)", token: admin, json: ["parentId": team])
            #expect(cycle.status == .conflict)
            #expect(cycle.errorCode == "department_cycle")
            let selfParent = try await client.call(.patch, "/api/v1/departments/\(sales)", token: admin, json: ["parentId": sales])
            #expect(selfParent.errorCode == "department_cycle")

            let moved = try await client.call(.put, "/api/v1/departments/\(team)", token: admin, json: ["parentId": support, "name": "Team A"])
            #expect(moved.status == .ok)
            #expect((moved.json["parentId"] as? NSNumber)?.int64Value == support)
            #expect(moved.json["name"] as? String == "Team A")

            let toRoot = try await client.call(.patch, "/api/v1/departments/\(team)", token: admin, json: ["parentId": NSNull()])
            #expect(toRoot.status == .ok)
            #expect(toRoot.json["parentId"] is NSNull)

            let missingParent = try await client.call(.post, "/api/v1/departments", token: admin, json: ["name": "X", "parentId": 999])
            #expect(missingParent.status == .badRequest)
            #expect(missingParent.errorField == "parentId")
            let blank = try await client.call(.post, "/api/v1/departments", token: admin, json: ["name": "   "])
            #expect(blank.status == .badRequest)
            #expect(blank.errorField == "name")
        }
    }
}

@Suite struct DataScopeTests {
    /// HQ ─ Sales ─ Team1 (lead + agent1) ; HQ ─ Support (agent2)
    struct World {
        let admin: String
        let hq: Int64, sales: Int64, team1: Int64, support: Int64
        let leadRole: Int64
        let lead: String
        let agent1: Int64, agent2: Int64
    }

    func world(_ client: Client) async throws -> World {
        let admin = try await client.token()
        let hq = try await client.createDepartment("总部", parent: nil, token: admin)
        let sales = try await client.createDepartment("销售部", parent: hq, token: admin)
        let team1 = try await client.createDepartment("一组", parent: sales, token: admin)
        let support = try await client.createDepartment("客服部", parent: hq, token: admin)
        let leadRole = try await client.createRole(
            "组长", permissions: ["org.users.view", "org.users.create", "org.users.update", "org.users.delete", "org.departments.view", "org.departments.create"],
            scope: "department", token: admin
        )
        let (_, lead) = try await client.settledUser(admin: admin, username: "lead", departmentId: sales, roleIds: [leadRole])
        let (agent1, _) = try await client.settledUser(admin: admin, username: "agent1", departmentId: team1, roleIds: [])
        let (agent2, _) = try await client.settledUser(admin: admin, username: "agent2", departmentId: support, roleIds: [])
        return World(admin: admin, hq: hq, sales: sales, team1: team1, support: support, leadRole: leadRole, lead: lead, agent1: agent1, agent2: agent2)
    }

    @Test func listsAreFilteredToTheDepartmentSubtree() async throws {
        try await TestApp.with { client in
            let w = try await world(client)
            let users = try await client.call(.get, "/api/v1/users?pageSize=100", token: w.lead)
            let names = Set(users.items.compactMap { $0["username"] as? String })
            #expect(names == ["lead", "agent1"])
            #expect(users.json["total"] as? Int == 2)

            let departments = try await client.call(.get, "/api/v1/departments", token: w.lead)
            let ids = Set(departments.items.compactMap { ($0["id"] as? NSNumber)?.int64Value })
            #expect(ids == [w.sales, w.team1])

            let all = try await client.call(.get, "/api/v1/users?pageSize=100", token: w.admin)
            #expect(all.json["total"] as? Int == 4)

            // A department filter covers the departments below it.
            let sales = try await client.call(.get, "/api/v1/users?departmentId=\(w.sales)&sort=-username", token: w.admin)
            #expect(sales.items.compactMap { $0["username"] as? String } == ["lead", "agent1"])
            let pageTwo = try await client.call(.get, "/api/v1/departments?pageSize=2&page=2&sort=name", token: w.admin)
            #expect(pageTwo.json["total"] as? Int == 4)
            #expect(pageTwo.items.count == 2)
        }
    }

    @Test func objectsOutsideTheScopeCannotBeReadOrChanged() async throws {
        try await TestApp.with { client in
            let w = try await world(client)
            #expect(try await client.call(.get, "/api/v1/users/\(w.agent1)", token: w.lead).status == .ok)
            for (method, body) in [(HTTPRequest.Method.get, [String: Any]()), (.put, ["name": "hijacked"]), (.patch, ["name": "hijacked"]), (.delete, [:])] {
                let reply = try await client.call(method, "/api/v1/users/\(w.agent2)", token: w.lead, json: body)
                #expect(reply.status == .forbidden, "\(method) on another department's user")
                #expect(reply.errorCode == "out_of_scope")
            }
            let reset = try await client.call(.post, "/api/v1/users/\(w.agent2)/reset-password", token: w.lead)
            #expect(reset.errorCode == "out_of_scope")
            #expect(try await client.call(.get, "/api/v1/departments/\(w.support)", token: w.lead).errorCode == "out_of_scope")

            // Creating a user or a department outside the subtree, or moving one out of it.
            let foreign = try await client.call(.post, "/api/v1/users", token: w.lead, json: ["username": "x1", "departmentId": w.support])
            #expect(foreign.errorCode == "out_of_scope")
            let homeless = try await client.call(.post, "/api/v1/users", token: w.lead, json: ["username": "x2"])
            #expect(homeless.errorCode == "out_of_scope")
            let moveOut = try await client.call(.patch, "/api/v1/users/\(w.agent1)", token: w.lead, json: ["departmentId": w.support])
            #expect(moveOut.errorCode == "out_of_scope")
            let foreignDept = try await client.call(.post, "/api/v1/departments", token: w.lead, json: ["name": "Rogue", "parentId": w.support])
            #expect(foreignDept.errorCode == "out_of_scope")
            let inside = try await client.call(.post, "/api/v1/departments", token: w.lead, json: ["name": "二组", "parentId": w.sales])
            #expect(inside.status == .created)

            // Nothing outside changed.
            let agent2 = try await client.call(.get, "/api/v1/users/\(w.agent2)", token: w.admin)
            #expect(agent2.json["name"] as? String == "agent2")
        }
    }

    @Test func nobodyGrantsMoreThanTheyHold() async throws {
        try await TestApp.with { client in
            let w = try await world(client)
            let adminRole = try await client.call(.get, "/api/v1/users/1", token: w.admin)
            let adminRoleId = try #require((adminRole.json["roleIds"] as? [NSNumber])?.first?.int64Value)
            let escalate = try await client.call(.post, "/api/v1/users", token: w.lead, json: ["username": "mole", "departmentId": w.team1, "roleIds": [adminRoleId]])
            #expect(escalate.status == .forbidden)
            let wider = try await client.createRole("wide", permissions: ["org.users.view"], scope: "all", token: w.admin)
            let widen = try await client.call(.post, "/api/v1/users", token: w.lead, json: ["username": "mole", "departmentId": w.team1, "roleIds": [wider]])
            #expect(widen.status == .forbidden)
            let ownRole = try await client.call(.post, "/api/v1/users", token: w.lead, json: ["username": "helper", "departmentId": w.team1, "roleIds": [w.leadRole]])
            #expect(ownRole.status == .created)

            // The built-in admin role and user are protected.
            #expect(try await client.call(.delete, "/api/v1/roles/\(adminRoleId)", token: w.admin).errorCode == "protected")
            #expect(try await client.call(.delete, "/api/v1/users/1", token: w.admin).errorCode == "protected")
            #expect(try await client.call(.delete, "/api/v1/roles/\(w.leadRole)", token: w.admin).errorCode == "in_use")
        }
    }

    @Test func aRoleHeldOutsideTheManagersDepartmentsCannotBeChangedByThem() async throws {
        try await TestApp.with { client in
            let w = try await world(client)
            let manager = try await client.createRole(
                "部门经理", permissions: ["org.roles.view", "org.roles.create", "org.roles.update", "org.roles.delete", "org.users.view"],
                scope: "department", token: w.admin)
            let (_, boss) = try await client.settledUser(admin: w.admin, username: "boss", departmentId: w.sales, roleIds: [manager])
            // The shared agent role: held in Sales (team 1) and in Support.
            let agent = try await client.createRole("坐席", permissions: ["org.users.view"], scope: "self", token: w.admin)
            for id in [w.agent1, w.agent2] {
                #expect(try await client.call(.patch, "/api/v1/users/\(id)", token: w.admin, json: ["roleIds": [agent]]).status == .ok)
            }
            let widen = try await client.call(.patch, "/api/v1/roles/\(agent)", token: boss, json: ["permissions": ["org.users.view", "org.roles.view"]])
            #expect(widen.status == .forbidden)
            #expect(widen.text.contains("outside your departments"))
            let delete = try await client.call(.delete, "/api/v1/roles/\(agent)", token: boss)
            #expect(delete.status == .forbidden)
            // Unchanged for the Support agent.
            #expect(try await client.call(.get, "/api/v1/roles/\(agent)", token: w.admin).json["permissions"] as? [String] == ["org.users.view"])

            // Once only Sales holds it, the Sales manager may change it.
            #expect(try await client.call(.patch, "/api/v1/users/\(w.agent2)", token: w.admin, json: ["roleIds": []]).status == .ok)
            let allowed = try await client.call(.patch, "/api/v1/roles/\(agent)", token: boss, json: ["permissions": ["org.users.view", "org.roles.view"]])
            #expect(allowed.status == .ok, "\(allowed.text)")
        }
    }

    @Test func selfScopeSeesOnlyItself() async throws {
        try await TestApp.with { client in
            let w = try await world(client)
            let role = try await client.createRole("坐席", permissions: ["org.users.view", "org.departments.view"], scope: "self", token: w.admin)
            let (id, token) = try await client.settledUser(admin: w.admin, username: "solo", departmentId: w.team1, roleIds: [role])
            let users = try await client.call(.get, "/api/v1/users", token: token)
            #expect(users.items.compactMap { ($0["id"] as? NSNumber)?.int64Value } == [id])
            let departments = try await client.call(.get, "/api/v1/departments", token: token)
            #expect(departments.items.compactMap { ($0["id"] as? NSNumber)?.int64Value } == [w.team1])
        }
    }

    @Test func permissionChangesAreAudited() async throws {
        try await TestApp.with { client in
            let w = try await world(client)
            let changed = try await client.call(.put, "/api/v1/roles/\(w.leadRole)", token: w.admin, json: ["permissions": ["org.users.view"]])
            #expect(changed.status == .ok)
            #expect(changed.json["permissions"] as? [String] == ["org.users.view"])
            let log = try await client.call(.get, "/api/v1/audit-log?q=role.&pageSize=50", token: w.admin)
            let actions = log.items.compactMap { $0["action"] as? String }
            #expect(actions.contains("role.create"))
            #expect(actions.contains("role.update"))
            // The holder's rights shrink at once.
            let denied = try await client.call(.post, "/api/v1/users", token: w.lead, json: ["username": "late", "departmentId": w.team1])
            #expect(denied.status == .forbidden)
        }
    }
}
