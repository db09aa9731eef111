import Foundation
import Hummingbird
import HotlineTestSupport
import Testing

/// Input that used to be accepted and quietly turned into something else.
@Suite struct StrictInputTests {
    @Test func impossibleDatesAreRefusedNamingTheField() async throws {
        try await TestApp.with { client in
            let admin = try await client.token()
            let customer = try await client.call(.post, "/api/v1/customers", token: admin, json: ["name": "甲", "phone": "13800138000"])
            let id = try #require(customer.id)
            let appointment = try await client.call(.post, "/api/v1/appointments", token: admin, json: ["customerId": id, "at": "2026-02-30T10:00:00Z"])
            #expect(appointment.status == .badRequest)
            #expect(appointment.errorField == "at")
            let followUp = try await client.call(
                .post, "/api/v1/follow-ups", token: admin, json: ["customerId": id, "content": "回访", "nextAt": "2026-04-31T09:00:00Z"])
            #expect(followUp.status == .badRequest)
            #expect(followUp.errorField == "nextAt")
            // Nothing was stored on the way.
            #expect(try await client.call(.get, "/api/v1/appointments?customerId=\(id)", token: admin).json["total"] as? Int == 0)
        }
    }

    @Test func onlyJSONBodiesAreReadAsJSON() async throws {
        try await TestApp.with { client in
            let admin = try await client.token()
            let body = ByteBuffer(string: #"{"name":"Sales"}"#)
            for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
                let reply = try await client.call(.post, "/api/v1/departments", token: admin, raw: body, headers: [.contentType: type])
                #expect(reply.status == .unsupportedMediaType, "\(type): \(reply.text)")
                #expect(reply.errorCode == "unsupported_media_type")
            }
            let missing = try await client.call(.post, "/api/v1/departments", token: admin, raw: body)
            #expect(missing.status == .unsupportedMediaType)
            let json = try await client.call(.post, "/api/v1/departments", token: admin, raw: body, headers: [.contentType: "application/json; charset=utf-8"])
            #expect(json.status == .created)
        }
    }

    @Test func aKeyGivenTwiceIsRefused() async throws {
        try await TestApp.with { client in
            let admin = try await client.token()
            for text in [#"{"name":"A","name":"B"}"#, #"{"name":"A","\u006eame":"B"}"#] {
                let reply = try await client.call(.post, "/api/v1/departments", token: admin, raw: ByteBuffer(string: text), headers: [.contentType: "application/json"])
                #expect(reply.status == .badRequest, "\(text): \(reply.text)")
                #expect(reply.errorCode == "duplicate_key")
                #expect(reply.errorField == "name")
            }
            // The same key in two different objects is fine.
            let role = try await client.call(
                .post, "/api/v1/customer-fields", token: admin,
                raw: ByteBuffer(string: #"{"key":"level","label":"级别","type":"single","options":["A","B"]}"#), headers: [.contentType: "application/json"])
            #expect(role.status == .created, "\(role.text)")
        }
    }

    @Test func valuesOutsideAFixedListNameTheFieldAndTheAllowedValues() async throws {
        try await TestApp.with { client in
            let admin = try await client.token()
            let role = try await client.call(.post, "/api/v1/roles", token: admin, json: ["name": "x", "permissions": [], "dataScope": "galaxy"])
            #expect(role.status == .badRequest)
            #expect(role.errorField == "dataScope")
            let message = try #require((role.json["error"] as? [String: Any])?["message"] as? String)
            #expect(message.contains("self, department, all"))
            #expect(!message.contains("Cannot initialize"))
            let reason = try #require((role.json["error"] as? [String: Any])?["reason"] as? [String: Any])
            #expect(reason["key"] as? String == "oneOf")
            #expect((reason["args"] as? [String: String])?["value"] == "galaxy")

            let field = try await client.call(.post, "/api/v1/customer-fields", token: admin, json: ["key": "k", "label": "K", "type": "blob"])
            #expect(field.status == .badRequest)
            #expect(field.errorField == "type")
            #expect(field.text.contains("text"))
        }
    }

    @Test func aUserCannotBeBoundToAnExtensionThatDoesNotExist() async throws {
        try await TestApp.with { client in
            let admin = try await client.token()
            let reply = try await client.call(.post, "/api/v1/users", token: admin, json: ["username": "ghost", "extension": "8999"])
            #expect(reply.status == .badRequest)
            #expect(reply.errorField == "extension")
            #expect(try await client.call(.post, "/api/v1/extensions", token: admin, json: ["number": "8999"]).status == .created)
            let bound = try await client.call(.post, "/api/v1/users", token: admin, json: ["username": "ghost", "extension": "8999"])
            #expect(bound.status == .created, "\(bound.text)")
            // …and an extension in use cannot be deleted from under its user.
            let list = try await client.call(.get, "/api/v1/extensions?q=8999", token: admin)
            let id = try #require((list.items.first?["id"] as? NSNumber)?.int64Value)
            let delete = try await client.call(.delete, "/api/v1/extensions/\(id)", token: admin)
            #expect(delete.status == .conflict)
            #expect(delete.errorCode == "in_use")
        }
    }

    @Test func anExtensionCannotForwardToItself() async throws {
        try await TestApp.with { client in
            let admin = try await client.token()
            let created = try await client.call(
                .post, "/api/v1/extensions", token: admin, json: ["number": "1001", "forwarding": ["unconditional": "1001", "noAnswerSeconds": 20]])
            #expect(created.status == .badRequest)
            #expect(created.errorField == "forwarding.unconditional")
            let ok = try await client.call(.post, "/api/v1/extensions", token: admin, json: ["number": "1001"])
            let id = try #require(ok.id)
            let update = try await client.call(.patch, "/api/v1/extensions/\(id)", token: admin, json: ["forwarding": ["busy": "1001", "noAnswerSeconds": 20]])
            #expect(update.errorField == "forwarding.busy")
        }
    }
}

/// What a caller learns about customers outside their data scope: nothing.
@Suite struct CustomerExistenceTests {
    @Test func claimingAnotherDepartmentsCustomerAnswersLikeAMissingOne() async throws {
        try await TestApp.with { client in
            let w = try await CustomerTests().world(client)
            let theirs = try await CustomerTests().customer(client, w.agent2, "客服部的客户", "13900139000")
            let claim = try await client.call(.post, "/api/v1/customers/\(theirs)/claim", token: w.agent1)
            let missing = try await client.call(.post, "/api/v1/customers/99999/claim", token: w.agent1)
            #expect(claim.status == .notFound)
            #expect(claim.status == missing.status)
            #expect(claim.errorCode == missing.errorCode)
            #expect(claim.json["error"] as? NSDictionary == missing.json["error"] as? NSDictionary)
        }
    }

    @Test func aNumberThatBelongsToAnyCustomerIsADuplicateForCreateAsForImport() async throws {
        try await TestApp.with { client in
            let w = try await CustomerTests().world(client)
            _ = try await CustomerTests().customer(client, w.agent2, "客服部的客户", "13900139000")
            _ = try await CustomerTests().customer(client, w.agent1, "自己的客户", "13700137000")
            for (number, owner) in [("139-0013-9000", "someone else's"), ("+86 137 0013 7000", "one's own")] {
                let reply = try await client.call(.post, "/api/v1/customers", token: w.agent1, json: ["name": "再来", "phone": number])
                #expect(reply.status == .conflict, "\(owner): \(reply.text)")
                #expect(reply.errorField == "phone")
                let message = (reply.json["error"] as? [String: Any])?["message"] as? String ?? ""
                #expect(message.hasSuffix("belongs to an existing customer"), "\(message)")
                #expect(!message.contains("agent") && !message.contains("客服部"), "no owner or department named: \(message)")
            }
        }
    }
}
