import Foundation
import Hummingbird
import HotlineTestSupport
import Testing

/// 客户管理 through the API: field rules, numbers, scope, transfers, the
/// pool, follow-ups, appointments and the blacklist.
@Suite struct CustomerTests {
    static let crmPermissions = [
        "crm.customers.view", "crm.customers.create", "crm.customers.update", "crm.customers.delete", "crm.customers.transfer",
        "crm.customers.export", "crm.customers.import", "crm.pool.claim", "crm.followUps.view", "crm.followUps.create",
        "crm.followUps.update", "crm.followUps.delete", "crm.appointments.view", "crm.appointments.create", "crm.appointments.update",
        "crm.appointments.delete", "org.users.view",
    ]

    /// HQ ─ Sales (lead: department scope; agent1) ; HQ ─ Support (agent2, agent3): agents own-scope.
    struct World {
        let admin: String, lead: String, agent1: String, agent2: String, agent3: String
        let agent1Id: Int64, agent2Id: Int64, agent3Id: Int64
    }

    func world(_ client: Client) async throws -> World {
        let admin = try await client.token()
        let hq = try await client.createDepartment("总部", parent: nil, token: admin)
        let sales = try await client.createDepartment("销售部", parent: hq, token: admin)
        let support = try await client.createDepartment("客服部", parent: hq, token: admin)
        let agentRole = try await client.createRole("坐席", permissions: Self.crmPermissions, scope: "self", token: admin)
        let leadRole = try await client.createRole("组长", permissions: Self.crmPermissions, scope: "department", token: admin)
        let (_, lead) = try await client.settledUser(admin: admin, username: "lead", departmentId: sales, roleIds: [leadRole])
        let (agent1Id, agent1) = try await client.settledUser(admin: admin, username: "agent1", departmentId: sales, roleIds: [agentRole])
        let (agent2Id, agent2) = try await client.settledUser(admin: admin, username: "agent2", departmentId: support, roleIds: [agentRole])
        let (agent3Id, agent3) = try await client.settledUser(admin: admin, username: "agent3", departmentId: support, roleIds: [agentRole])
        return World(admin: admin, lead: lead, agent1: agent1, agent2: agent2, agent3: agent3, agent1Id: agent1Id, agent2Id: agent2Id, agent3Id: agent3Id)
    }

    func field(_ client: Client, _ admin: String, _ body: [String: Any]) async throws {
        let reply = try await client.call(.post, "/api/v1/customer-fields", token: admin, json: body)
        #expect(reply.status == .created, "\(reply.text)")
    }

    func customer(_ client: Client, _ token: String, _ name: String, _ phone: String, fields: [String: Any] = [:]) async throws -> Int64 {
        let reply = try await client.call(.post, "/api/v1/customers", token: token, json: ["name": name, "phone": phone, "fields": fields])
        #expect(reply.status == .created, "\(reply.text)")
        return try #require(reply.id)
    }

    @Test func fieldValuesAreCheckedByTypeAndKeptWhenTheConfigurationChanges() async throws {
        try await TestApp.with { client in
            let admin = try await client.token()
            try await field(client, admin, ["key": "company", "label": "公司", "type": "text", "searchable": true, "required": true])
            try await field(client, admin, ["key": "budget", "label": "预算", "type": "number"])
            try await field(client, admin, ["key": "birthday", "label": "生日", "type": "date"])
            try await field(client, admin, ["key": "level", "label": "级别", "type": "single", "options": ["A", "B"]])
            try await field(client, admin, ["key": "tags", "label": "标签", "type": "multi", "options": ["VIP", "老客户", "投诉"]])

            let cases: [([String: Any], String, String)] = [
                (["budget": 1], "fields.company", "missing_field"),
                (["company": "X", "budget": "lots"], "fields.budget", "invalid_field"),
                (["company": "X", "birthday": "2026-02-30"], "fields.birthday", "invalid_field"),
                (["company": "X", "level": "C"], "fields.level", "invalid_field"),
                (["company": "X", "tags": ["VIP", "nope"]], "fields.tags", "invalid_field"),
                (["company": "X", "ghost": "boo"], "fields.ghost", "invalid_field"),
            ]
            for (fields, errorField, code) in cases {
                let reply = try await client.call(.post, "/api/v1/customers", token: admin, json: ["name": "张三", "phone": "13800138000", "fields": fields])
                #expect(reply.status == .badRequest, "\(fields): \(reply.text)")
                #expect(reply.errorField == errorField, "\(fields): \(reply.text)")
                #expect(reply.errorCode == code, "\(fields): \(reply.text)")
            }
            let good = try await client.call(.post, "/api/v1/customers", token: admin, json: [
                "name": "张三", "phone": "13800138000",
                "fields": ["company": " 华为 ", "budget": "1200.5", "birthday": "1990-1-2", "level": "A", "tags": ["投诉", "VIP"]],
            ])
            #expect(good.status == .created, "\(good.text)")
            let fields = try #require(good.json["fields"] as? [String: Any])
            #expect(fields["company"] as? String == "华为")
            #expect((fields["budget"] as? NSNumber)?.doubleValue == 1200.5)
            #expect(fields["birthday"] as? String == "1990-01-02")
            #expect(fields["tags"] as? [String] == ["VIP", "投诉"], "stored in the configured order")
            #expect(good.json["ownerId"] as? NSNumber != nil, "the creator owns it")

            // Removing a field from the configuration keeps the stored value.
            let config = try await client.call(.get, "/api/v1/customer-fields", token: admin)
            let budgetId = try #require(config.items.first { $0["key"] as? String == "budget" }?["id"] as? NSNumber)
            #expect(try await client.call(.delete, "/api/v1/customer-fields/\(budgetId)", token: admin).status == .noContent)
            let id = try #require(good.id)
            let again = try await client.call(.get, "/api/v1/customers/\(id)", token: admin)
            #expect(((again.json["fields"] as? [String: Any])?["budget"] as? NSNumber)?.doubleValue == 1200.5)
            // A partial update keeps the other fields.
            let patched = try await client.call(.patch, "/api/v1/customers/\(id)", token: admin, json: ["fields": ["level": "B"]])
            #expect(patched.status == .ok, "\(patched.text)")
            #expect((patched.json["fields"] as? [String: Any])?["company"] as? String == "华为")
            #expect((patched.json["fields"] as? [String: Any])?["level"] as? String == "B")
        }
    }

    @Test func numbersMatchInAnyFormAndSearchableFieldsAreSearched() async throws {
        try await TestApp.with { client in
            let admin = try await client.token()
            try await field(client, admin, ["key": "company", "label": "公司", "type": "text", "searchable": true])
            try await field(client, admin, ["key": "note", "label": "备注", "type": "text", "searchable": false])
            let zhang = try await customer(client, admin, "张三", "+86 138-0013-8000", fields: ["company": "Huawei Technologies", "note": "secret"])
            _ = try await customer(client, admin, "李四", "010-6552 9988", fields: ["company": "Xiaomi"])

            for phone in ["13800138000", "+8613800138000", "0086 138 0013 8000"] {
                let found = try await client.call(.get, "/api/v1/customers?phone=\(phone.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)", token: admin)
                #expect(found.items.compactMap { ($0["id"] as? NSNumber)?.int64Value } == [zhang], "\(phone)")
            }
            let byQ = try await client.call(.get, "/api/v1/customers?q=138-0013", token: admin)
            #expect(byQ.items.count == 1)
            let byField = try await client.call(.get, "/api/v1/customers?f.company=HUAW", token: admin)
            #expect(byField.items.compactMap { $0["name"] as? String } == ["张三"])
            let notSearchable = try await client.call(.get, "/api/v1/customers?f.note=secret", token: admin)
            #expect(notSearchable.status == .badRequest)
            #expect(notSearchable.errorField == "f.note")
            let hidden = try await client.call(.get, "/api/v1/customers?q=secret", token: admin)
            #expect(hidden.items.isEmpty, "a field that is not searchable is not searched")
            let badPhone = try await client.call(.post, "/api/v1/customers", token: admin, json: ["name": "x", "phone": "call me"])
            #expect(badPhone.errorField == "phone")
        }
    }

    @Test func agentsSeeOnlyTheirOwnCustomersAndThePool() async throws {
        try await TestApp.with { client in
            let w = try await world(client)
            let mine = try await customer(client, w.agent1, "Agent1's", "13900000001")
            let theirs = try await customer(client, w.agent2, "Agent2's", "13900000002")
            let pooled = try await client.call(.post, "/api/v1/customers", token: w.agent2, json: ["name": "Pool", "phone": "13900000003", "ownerId": NSNull()])
            #expect(pooled.json["ownerId"] is NSNull)

            let seen = try await client.call(.get, "/api/v1/customers", token: w.agent1)
            #expect(Set(seen.items.compactMap { $0["name"] as? String }) == ["Agent1's", "Pool"])
            // Guessing ids: nothing of agent2's can be read, changed, transferred or annotated.
            for (method, path, body) in [
                (HTTPRequest.Method.get, "/api/v1/customers/\(theirs)", [String: Any]()),
                (.put, "/api/v1/customers/\(theirs)", ["name": "mine now"]),
                (.patch, "/api/v1/customers/\(theirs)", ["name": "mine now"]),
                (.delete, "/api/v1/customers/\(theirs)", [:]),
                (.get, "/api/v1/customers/\(theirs)/transfers", [:]),
                (.post, "/api/v1/customers/transfer", ["ids": [theirs], "toUserId": w.agent1Id]),
                (.post, "/api/v1/customers/bulk-delete", ["ids": [mine, theirs]]),
                (.post, "/api/v1/follow-ups", ["customerId": theirs, "content": "snoop"]),
                (.post, "/api/v1/appointments", ["customerId": theirs, "at": "2030-01-01T00:00:00Z"]),
            ] {
                let reply = try await client.call(method, path, token: w.agent1, json: body)
                #expect(reply.status == .notFound, "\(method) \(path): \(reply.status) \(reply.text)")
            }
            #expect(try await client.call(.get, "/api/v1/customers/\(mine)", token: w.agent1).status == .ok, "bulk delete changed nothing")
            let export = try await client.call(.get, "/api/v1/customers?owner=\(w.agent2Id)", token: w.agent1)
            #expect(export.items.isEmpty, "an owner filter does not widen the scope")

            // The department lead sees Sales' customers and the pool, not Support's.
            let lead = try await client.call(.get, "/api/v1/customers", token: w.lead)
            #expect(Set(lead.items.compactMap { $0["name"] as? String }) == ["Agent1's", "Pool"])
            #expect(try await client.call(.get, "/api/v1/customers/\(theirs)", token: w.lead).status == .notFound)
            // An agent may not change a pool customer without claiming it.
            let poolId = try #require(pooled.id)
            #expect(try await client.call(.patch, "/api/v1/customers/\(poolId)", token: w.agent1, json: ["name": "x"]).status == .forbidden)
            // Nor hand customers to someone outside their scope.
            let away = try await client.call(.post, "/api/v1/customers/transfer", token: w.agent1, json: ["ids": [mine], "toUserId": w.agent2Id])
            #expect(away.status == .badRequest)
            #expect(away.errorField == "toUserId")
        }
    }

    @Test func transfersAreLoggedAndExactlyOneOfTwoConcurrentClaimsWins() async throws {
        try await TestApp.with { client in
            let w = try await world(client)
            let id = try await customer(client, w.agent2, "Contested", "13900000009")
            let toPool = try await client.call(.post, "/api/v1/customers/transfer", token: w.agent2, json: ["ids": [id], "toUserId": NSNull()])
            #expect(toPool.json["moved"] as? Int == 1, "\(toPool.text)")

            for round in 0..<5 {
                if round > 0 {
                    let back = try await client.call(.post, "/api/v1/customers/transfer", token: w.admin, json: ["ids": [id], "toUserId": NSNull()])
                    #expect(back.json["moved"] as? Int == 1)
                }
                async let first = client.call(.post, "/api/v1/customers/\(id)/claim", token: w.agent2)
                async let second = client.call(.post, "/api/v1/customers/\(id)/claim", token: w.agent3)
                let statuses = [try await first.status, try await second.status]
                #expect(statuses.filter { $0 == .ok }.count == 1, "round \(round): \(statuses)")
                // The loser hears "someone else owns it" if the two overlapped; once the
                // winner (of another scope) holds it, it is out of sight: not found.
                #expect(statuses.filter { $0 == .conflict || $0 == .notFound }.count == 1, "round \(round): \(statuses)")
            }
            let log = try await client.call(.get, "/api/v1/customers/\(id)/transfers", token: w.admin)
            #expect(log.items.count == 10, "one move to the pool and one claim per round: \(log.text)")
            #expect(log.items.first?["fromName"] as? String == "agent2")
            #expect(log.items.first?["toUserId"] is NSNull)
        }
    }

    @Test func deletingACustomerRemovesItsFollowUpsAndAppointments() async throws {
        try await TestApp.with { client in
            let admin = try await client.token()
            let status = try await client.call(.post, "/api/v1/follow-up-statuses", token: admin, json: ["name": "意向客户", "color": "#22aa55"])
            let id = try await customer(client, admin, "王五", "13700000000")
            let followUp = try await client.call(.post, "/api/v1/follow-ups", token: admin, json: [
                "customerId": id, "statusId": try #require(status.id), "content": "想要报价", "nextAt": "2030-01-02T03:04:05Z",
            ])
            #expect(followUp.status == .created, "\(followUp.text)")
            #expect(followUp.json["statusName"] as? String == "意向客户")
            let past = try await client.call(.post, "/api/v1/appointments", token: admin, json: ["customerId": id, "at": "2020-01-01T00:00:00Z", "note": "回电"])
            let future = try await client.call(.post, "/api/v1/appointments", token: admin, json: ["customerId": id, "at": "2999-01-01T00:00:00Z"])
            #expect(past.json["overdue"] as? Bool == true)
            #expect(future.json["overdue"] as? Bool == false)
            let due = try await client.call(.get, "/api/v1/appointments?due=true", token: admin)
            #expect(due.items.compactMap { ($0["id"] as? NSNumber)?.int64Value } == [try #require(past.id)])
            let done = try await client.call(.patch, "/api/v1/appointments/\(try #require(past.id))", token: admin, json: ["done": true])
            #expect(done.json["overdue"] as? Bool == false)
            #expect(try await client.call(.get, "/api/v1/appointments?due=true", token: admin).items.isEmpty)

            #expect(try await client.call(.delete, "/api/v1/customers/\(id)", token: admin).status == .noContent)
            #expect(try await client.call(.get, "/api/v1/follow-ups/\(try #require(followUp.id))", token: admin).status == .notFound)
            #expect(try await client.call(.get, "/api/v1/appointments", token: admin).items.isEmpty)
        }
    }

    @Test func blacklistedNumbersCannotBecomeCustomers() async throws {
        try await TestApp.with { client in
            let admin = try await client.token()
            #expect(try await client.call(.post, "/api/v1/blacklist", token: admin, json: ["pattern": "400*", "note": "推销"]).status == .created)
            #expect(try await client.call(.post, "/api/v1/blacklist", token: admin, json: ["pattern": "400*"]).status == .conflict)
            #expect(try await client.call(.post, "/api/v1/blacklist", token: admin, json: ["pattern": "abc"]).errorField == "pattern")
            let refused = try await client.call(.post, "/api/v1/customers", token: admin, json: ["name": "Spam", "phone": "400-123-4567"])
            #expect(refused.status == .badRequest)
            #expect(refused.errorField == "phone")
            let id = try await customer(client, admin, "Fine", "13600000000")
            let sneaky = try await client.call(.patch, "/api/v1/customers/\(id)", token: admin, json: ["phones": ["4001234567"]])
            #expect(sneaky.errorField == "phone")
        }
    }
}
