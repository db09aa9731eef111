import CallCenter
import Foundation
import HotlineTestSupport
import Testing
@testable import WebAPI

/// 资料管理: the recordings of selected customers' calls as one .zip — a
/// folder per customer, matched by the customer's normalized numbers, and
/// both the customers and the calls limited to the caller's scope.
@Suite struct CustomerRecordingsTests {
    @Test func selectedCustomersRecordingsComeInOneZipWithinScope() async throws {
        let app = try await TestApp.make()
        let repos = app.repos
        let directory = app.directory
        try await app.run { client in
            let admin = try await client.token()
            let sales = try await client.createDepartment("销售部", parent: nil, token: admin)
            let role = try await client.createRole("坐席", permissions: CallRecordTests.callPermissions, scope: "self", token: admin)
            let (aliceID, alice) = try await client.settledUser(admin: admin, username: "alice", departmentId: sales, roleIds: [role], extension: "1001")
            let (bobID, bob) = try await client.settledUser(admin: admin, username: "bob", departmentId: sales, roleIds: [role], extension: "1002")

            func customer(_ name: String, phone: String, owner: Int64) async throws -> Int64 {
                let reply = try await client.call(.post, "/api/v1/customers", token: admin, json: ["name": name, "phone": phone, "ownerId": owner])
                #expect(reply.status == .created, "\(reply.text)")
                return try #require((reply.json["id"] as? NSNumber)?.int64Value)
            }
            let wang = try await customer("王先生", phone: "+86 138-0000-0001", owner: aliceID)
            let li = try await customer("李女士", phone: "13800000002", owner: bobID)

            let alicesCall = try await CallRecordTests.seedAnswered(repos, CallRecordTests.newCall("1@x", from: "13800000001", to: "1001", toExtension: "1001"))
            let unrecorded = try await CallRecordTests.seedAnswered(repos, CallRecordTests.newCall("4@x", from: "13800000001", to: "1001", toExtension: "1001", at: 20))
            let bobsCall = try await CallRecordTests.seedAnswered(repos, CallRecordTests.newCall("2@x", from: "1002", to: "13800000002", fromExtension: "1002", at: 10))
            let stranger = try await CallRecordTests.seedAnswered(repos, CallRecordTests.newCall("3@x", from: "13900000009", to: "1001", toExtension: "1001", at: 30))
            _ = unrecorded
            for id in [alicesCall, bobsCall, stranger] {
                try CallRecordTests.writeRecording(directory, "\(id).wav", CallRecordTests.wav(samples: 800))
                try await repos.calls.setRecording(id, path: "\(id).wav")
            }

            let mine = try await client.call(.get, "/api/v1/customers/recordings.zip?ids=\(wang),\(li)", token: alice)
            #expect(mine.status == .ok, "\(mine.text)")
            let names = try CallRecordTests.zipNames(mine.body)
            #expect(names.count == 1, "only alice's customer, only the recorded call: \(names)")
            #expect(names.first?.hasPrefix("\(wang)_王先生/\(alicesCall)_") == true, "\(names)")

            let theirs = try await client.call(.get, "/api/v1/customers/recordings.zip?ids=\(wang)", token: bob)
            #expect(theirs.status == .notFound && theirs.errorCode == "no_recording", "\(theirs.text)")

            let all = try CallRecordTests.zipNames(try await client.call(.get, "/api/v1/customers/recordings.zip?ids=\(wang),\(li)", token: admin).body)
            #expect(Set(all.map { String($0.prefix { $0 != "/" }) }) == ["\(wang)_王先生", "\(li)_李女士"], "\(all)")
            #expect(!all.contains { $0.contains("13900000009") }, "a call of nobody's number is not included")

            let bad = try await client.call(.get, "/api/v1/customers/recordings.zip", token: admin)
            #expect(bad.status == .badRequest, "\(bad.text)")
        }
    }
}
