import CallCenter
import Foundation
import Hummingbird
import HotlineTestSupport
import Testing

@Suite struct ExtensionTests {
    @Test func aGeneratedSecretIsStrongAndShownOnlyOnce() async throws {
        let app = try await TestApp.make()
        let repos = app.repos
        try await app.run { client in
            let admin = try await client.token()
            let created = try await client.call(.post, "/api/v1/extensions", token: admin, json: ["number": "1001", "name": "前台"])
            #expect(created.status == .created)
            let secret = try #require(created.json["password"] as? String)
            #expect(secret.count == 20)
            #expect(created.json["callerId"] as? String == "1001")
            #expect(created.json["maxContacts"] as? Int == 3)
            #expect(created.json["registered"] as? Bool == false)
            #expect(try await repos.extensions.password(number: "1001") == secret)

            let id = try #require(created.id)
            let one = try await client.call(.get, "/api/v1/extensions/\(id)", token: admin)
            #expect(one.json["password"] == nil)
            let list = try await client.call(.get, "/api/v1/extensions", token: admin)
            #expect(list.items.count == 1)
            #expect(list.items[0]["password"] == nil)
            #expect(!list.text.contains(secret))
        }
    }

    @Test func chosenSecretsAndFieldsAreValidated() async throws {
        try await TestApp.with { client in
            let admin = try await client.token()
            let cases: [([String: Any], String)] = [
                (["number": "1"], "number"),
                (["number": "10a1"], "number"),
                (["number": "1002", "password": "short"], "password"),
                (["number": "1002", "password": "aaaaaaaaaaaa"], "password"),
                (["number": "1002", "password": "x1002x1002x1002"], "password"),
                (["number": "1002", "maxContacts": 0], "maxContacts"),
                (["number": "1002", "maxContacts": 11], "maxContacts"),
                (["number": "1002", "callerId": "abc"], "callerId"),
                (["number": "1002", "forwarding": ["unconditional": "not-a-number"]], "forwarding.unconditional"),
                (["number": "1002", "forwarding": ["noAnswerSeconds": 1]], "forwarding.noAnswerSeconds"),
            ]
            for (body, field) in cases {
                let reply = try await client.call(.post, "/api/v1/extensions", token: admin, json: body)
                #expect(reply.status == .badRequest, "\(body): \(reply.text)")
                #expect(reply.errorField == field, "\(body): \(reply.text)")
            }
            let good = try await client.call(.post, "/api/v1/extensions", token: admin, json: [
                "number": "1002", "password": "Tr0ub4dor-Horse", "callerId": "+8610123456", "maxContacts": 2, "recording": true,
                "forwarding": ["busy": "13800138000", "noAnswer": "1003", "noAnswerSeconds": 25],
            ])
            #expect(good.status == .created, "\(good.text)")
            #expect(good.json["password"] == nil, "a chosen secret is not echoed")
            #expect((good.json["forwarding"] as? [String: Any])?["busy"] as? String == "13800138000")
            #expect((good.json["forwarding"] as? [String: Any])?["unconditional"] is NSNull)
            let duplicate = try await client.call(.post, "/api/v1/extensions", token: admin, json: ["number": "1002"])
            #expect(duplicate.status == .conflict)
            let id = try #require(good.id)
            let renumber = try await client.call(.patch, "/api/v1/extensions/\(id)", token: admin, json: ["number": "1009"])
            #expect(renumber.errorField == "number")
            let renamed = try await client.call(.patch, "/api/v1/extensions/\(id)", token: admin, json: ["name": "销售一", "recording": false])
            #expect(renamed.json["name"] as? String == "销售一")
            #expect(renamed.json["recording"] as? Bool == false)
            #expect((renamed.json["forwarding"] as? [String: Any])?["noAnswerSeconds"] as? Int == 25)
        }
    }

    @Test func registrationStateIsShownAndDeletedWithTheExtension() async throws {
        let app = try await TestApp.make()
        let repos = app.repos
        try await app.run { client in
            let admin = try await client.token()
            let created = try await client.call(.post, "/api/v1/extensions", token: admin, json: ["number": "2001"])
            let id = try #require(created.id)
            try await repos.registrations.save(Registration(
                extensionNumber: "2001", uri: "sip:2001@127.0.0.1:5062", source: "127.0.0.1:5062", transport: "udp",
                userAgent: "Linphone/5", callId: "abc", cseq: 2, expiresAt: Date().addingTimeInterval(600), rttMs: 1.5
            ))
            try await repos.registrations.save(Registration(
                extensionNumber: "2001", uri: "sip:2001@127.0.0.1:5099", source: "127.0.0.1:5099", transport: "udp",
                userAgent: "old", callId: "old", cseq: 1, expiresAt: Date().addingTimeInterval(-1)
            ))
            let list = try await client.call(.get, "/api/v1/extensions?q=2001", token: admin)
            let row = try #require(list.items.first)
            #expect(row["registered"] as? Bool == true)
            let contacts = try #require(row["contacts"] as? [[String: Any]])
            #expect(contacts.count == 1, "expired contacts are not shown")
            #expect(contacts[0]["userAgent"] as? String == "Linphone/5")
            #expect(contacts[0]["source"] as? String == "127.0.0.1:5062")
            #expect((contacts[0]["rttMs"] as? NSNumber)?.doubleValue == 1.5)

            #expect(try await client.call(.delete, "/api/v1/extensions/\(id)", token: admin).status == .noContent)
            #expect(try await repos.registrations.contacts(of: "2001", now: Date()).isEmpty)
        }
    }
}
