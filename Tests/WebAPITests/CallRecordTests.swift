import CallCenter
import Foundation
import Hummingbird
import Spreadsheet
import HotlineTestSupport
import Testing
@testable import WebAPI

/// 通话记录: the repository's arithmetic and crash recovery, data scope on
/// the call's agent through every route, recordings with byte ranges, and
/// the list filters. Rows are written through the repository, as the call
/// engine will.
@Suite struct CallRecordTests {
    static let t0 = Date(timeIntervalSince1970: 1_772_697_600)  // 2026-03-05T08:00:00Z
    static let callPermissions = ["calls.view", "calls.export", "calls.recording"]

    static func newCall(
        _ id: String, from: String, to: String, fromExtension: String? = nil, toExtension: String? = nil,
        direction: CallDirection = .inbound, at offset: TimeInterval = 0
    ) -> NewCallRecord {
        NewCallRecord(sipCallId: id, direction: direction, from: from, to: to, fromExtension: fromExtension, toExtension: toExtension, startedAt: t0 + offset)
    }

    static func newUser(_ username: String, extension ext: String?) -> NewUser {
        NewUser(username: username, name: username, roleIds: [], departmentId: nil, extension: ext, passwordHash: "x", mustChangePassword: false, isAdmin: false)
    }

    /// A finished, answered call: rang 3 s, talked 60 s.
    static func seedAnswered(_ repos: Repositories, _ call: NewCallRecord, hangupBy: HangupSide = .caller) async throws -> Int64 {
        let id = try await repos.calls.open(call)
        try await repos.calls.answered(id, at: call.startedAt + 3)
        try await repos.calls.close(id, CallEnding(endedAt: call.startedAt + 63, disposition: .answered, hangupBy: hangupBy))
        return id
    }

    /// A RIFF/WAVE file: 44-byte header, then `samples` bytes of 8 kHz μ-law silence.
    static func wav(samples: Int) -> Data {
        var d = Data()
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        d.append(contentsOf: Array("RIFF".utf8)); u32(UInt32(36 + samples)); d.append(contentsOf: Array("WAVE".utf8))
        d.append(contentsOf: Array("fmt ".utf8)); u32(16); u16(7); u16(1); u32(8000); u32(8000); u16(1); u16(8)
        d.append(contentsOf: Array("data".utf8)); u32(UInt32(samples))
        d.append(contentsOf: (0..<samples).map { UInt8(truncatingIfNeeded: $0 % 251) })
        return d
    }

    static func writeRecording(_ directory: String, _ relative: String, _ data: Data) throws {
        let url = URL(fileURLWithPath: directory + "/recordings/" + relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    // MARK: the repository

    @Test func openAnsweredAndCloseComputeRingAndTalkSecondsAndTheAgent() async throws {
        let app = try await TestApp.make()
        let repos = app.repos
        try await app.run { _ in
            let alice = try await repos.users.create(Self.newUser("alice", extension: "1001"), at: Self.t0)
            let bob = try await repos.users.create(Self.newUser("bob", extension: "1002"), at: Self.t0)

            let id = try await repos.calls.open(Self.newCall("a@x", from: "1002", to: "1001", fromExtension: "1002", toExtension: "1001", direction: .internal))
            var open = try #require(try await repos.calls.get(id, visibility: .all))
            #expect(open.agentId == alice.id, "the callee's user owns the row")
            #expect(open.disposition == nil && open.endedAt == nil && open.ringSeconds == 0)

            try await repos.calls.answered(id, at: Self.t0 + 4.6)
            try await repos.calls.close(id, CallEnding(endedAt: Self.t0 + 4.6 + 62.4, disposition: .answered, hangupBy: .callee, reason: "BYE"))
            let closed = try #require(try await repos.calls.get(id, visibility: .all))
            #expect(closed.ringSeconds == 5)
            #expect(closed.talkSeconds == 62)
            #expect(closed.disposition == .answered)
            #expect(closed.hangupBy == .callee)
            #expect(closed.reason == "BYE")
            #expect(closed.endedAt == Self.t0 + 67)

            // A second ending does not overwrite the first.
            try await repos.calls.close(id, CallEnding(endedAt: Self.t0 + 500, disposition: .failed, hangupBy: nil))
            open = try #require(try await repos.calls.get(id, visibility: .all))
            #expect(open.disposition == .answered && open.talkSeconds == 62)

            // Unanswered: it rang until it ended, and talked for nothing.
            let missed = try await repos.calls.open(Self.newCall("b@x", from: "13800138000", to: "1002", toExtension: "1002", at: 100))
            try await repos.calls.close(missed, CallEnding(endedAt: Self.t0 + 100 + 21.4, disposition: .noAnswer, hangupBy: nil))
            let m = try #require(try await repos.calls.get(missed, visibility: .all))
            #expect(m.ringSeconds == 21 && m.talkSeconds == 0 && m.disposition == .noAnswer && m.hangupBy == nil)
            #expect(m.agentId == bob.id)

            // Outbound from an extension: the caller's user, since the callee is no extension.
            let out = try await repos.calls.open(Self.newCall("c@x", from: "1001", to: "13900139000", fromExtension: "1001", direction: .outbound))
            #expect(try await repos.calls.get(out, visibility: .all)?.agentId == alice.id)
            // Nobody's extension: no agent.
            let none = try await repos.calls.open(Self.newCall("d@x", from: "13800000000", to: "400800"))
            #expect(try await repos.calls.get(none, visibility: .all)?.agentId == nil)

            try await repos.calls.setRecording(out, path: "2026/03/05/c.wav")
            #expect(try await repos.calls.get(out, visibility: .all)?.recording == "2026/03/05/c.wav")
        }
    }

    @Test func aBatchInsertsNewDraftsCompleteAndUpdatesStoredOnesOnce() async throws {
        let app = try await TestApp.make()
        let repos = app.repos
        try await app.run { _ in
            let alice = try await repos.users.create(Self.newUser("alice", extension: "1001"), at: Self.t0)
            let ringing = CallRecordDraft(record: Self.newCall("r@x", from: "1002", to: "1001", fromExtension: "1002", toExtension: "1001"))
            // Started and refused before the writer caught up: one complete insert.
            let refused = CallRecordDraft(
                record: Self.newCall("busy@x", from: "1002", to: "1001", toExtension: "1001", at: 1),
                ending: CallEnding(endedAt: Self.t0 + 1, disposition: .busy, hangupBy: nil, reason: "486 Busy Here"))
            let ids = try await repos.calls.write([ringing, refused])
            #expect(ids.count == 2 && ids[0] != ids[1])
            let busy = try #require(try await repos.calls.get(ids[1], visibility: .all))
            #expect(busy.disposition == .busy && busy.reason == "486 Busy Here" && busy.endedAt == Self.t0 + 1 && busy.agentId == alice.id)

            // Answered, recorded and ended in one later batch: one update.
            var talked = ringing
            talked.id = ids[0]
            talked.answeredAt = Self.t0 + 2.6
            talked.recording = "2026/03/05/r.wav"
            talked.ending = CallEnding(endedAt: Self.t0 + 40, disposition: .answered, hangupBy: .caller)
            #expect(try await repos.calls.write([talked]) == [ids[0]])
            let row = try #require(try await repos.calls.get(ids[0], visibility: .all))
            #expect(row.ringSeconds == 3 && row.talkSeconds == 37 && row.recording == "2026/03/05/r.wav" && row.hangupBy == .caller)

            // An ended row keeps its first ending.
            talked.ending = CallEnding(endedAt: Self.t0 + 900, disposition: .failed, hangupBy: nil)
            _ = try await repos.calls.write([talked])
            #expect(try await repos.calls.get(ids[0], visibility: .all)?.disposition == .answered)
            #expect(try await repos.calls.write([]) == [])
        }
    }

    @Test func durationsRoundToWholeSecondsAndNeverGoNegative() {
        #expect(CallDurations(startedAt: Self.t0, answeredAt: Self.t0 + 2.5, endedAt: Self.t0 + 10).ring == 3)
        #expect(CallDurations(startedAt: Self.t0, answeredAt: Self.t0 + 2.5, endedAt: Self.t0 + 10).talk == 8)
        #expect(CallDurations(startedAt: Self.t0, answeredAt: nil, endedAt: Self.t0 + 0.4) == CallDurations(startedAt: Self.t0, answeredAt: nil, endedAt: Self.t0))
        let stepped = CallDurations(startedAt: Self.t0, answeredAt: Self.t0 - 5, endedAt: Self.t0 - 9)
        #expect(stepped.ring == 0 && stepped.talk == 0)
    }

    @Test func closeInterruptedClosesOnlyTheOpenRows() async throws {
        let app = try await TestApp.make()
        let repos = app.repos
        try await app.run { _ in
            let finished = try await Self.seedAnswered(repos, Self.newCall("done@x", from: "1", to: "2"))
            let ringing = try await repos.calls.open(Self.newCall("ring@x", from: "3", to: "4", at: 10))
            let talking = try await repos.calls.open(Self.newCall("talk@x", from: "5", to: "6", at: 20))
            try await repos.calls.answered(talking, at: Self.t0 + 25)

            let restart = Self.t0 + 80
            let closed = try await repos.calls.closeInterrupted(endedAt: restart)
            #expect(closed.map(\.id) == [ringing, talking])
            #expect(closed.allSatisfy { $0.disposition == .interrupted && $0.endedAt == restart })

            let r = try #require(try await repos.calls.get(ringing, visibility: .all))
            #expect(r.disposition == .interrupted && r.ringSeconds == 70 && r.talkSeconds == 0 && r.hangupBy == nil)
            let t = try #require(try await repos.calls.get(talking, visibility: .all))
            #expect(t.disposition == .interrupted && t.ringSeconds == 5 && t.talkSeconds == 55 && t.hangupBy == .system)
            let f = try #require(try await repos.calls.get(finished, visibility: .all))
            #expect(f.disposition == .answered && f.endedAt == Self.t0 + 63, "a closed row stays as it was")

            #expect(try await repos.calls.closeInterrupted(endedAt: restart + 60).isEmpty, "nothing open is left")
        }
    }

    // MARK: scope

    @Test func anAgentCannotListGetHearOrExportAnotherDepartmentsCalls() async throws {
        let app = try await TestApp.make()
        let repos = app.repos
        let directory = app.directory
        try await app.run { client in
            let admin = try await client.token()
            let sales = try await client.createDepartment("销售部", parent: nil, token: admin)
            let support = try await client.createDepartment("客服部", parent: nil, token: admin)
            let agentRole = try await client.createRole("坐席", permissions: Self.callPermissions, scope: "self", token: admin)
            let leadRole = try await client.createRole("组长", permissions: Self.callPermissions, scope: "department", token: admin)
            let (_, alice) = try await client.settledUser(admin: admin, username: "alice", departmentId: sales, roleIds: [agentRole], extension: "1001")
            _ = try await client.settledUser(admin: admin, username: "carol", departmentId: sales, roleIds: [agentRole], extension: "1003")
            let (_, bob) = try await client.settledUser(admin: admin, username: "bob", departmentId: support, roleIds: [agentRole], extension: "2001")
            let (_, lead) = try await client.settledUser(admin: admin, username: "lead", departmentId: sales, roleIds: [leadRole])

            let alicesCall = try await Self.seedAnswered(repos, Self.newCall("1@x", from: "13800000001", to: "1001", toExtension: "1001"))
            let carolsCall = try await Self.seedAnswered(repos, Self.newCall("3@x", from: "13800000003", to: "1003", toExtension: "1003", at: 5))
            let bobsCall = try await Self.seedAnswered(repos, Self.newCall("2@x", from: "13800000002", to: "2001", toExtension: "2001", at: 10))
            for id in [alicesCall, bobsCall] {
                try Self.writeRecording(directory, "\(id).wav", Self.wav(samples: 800))
                try await repos.calls.setRecording(id, path: "\(id).wav")
            }

            func ids(_ token: String, _ query: String = "") async throws -> Set<Int64> {
                let reply = try await client.call(.get, "/api/v1/calls\(query)", token: token)
                #expect(reply.status == .ok, "\(reply.text)")
                return Set(reply.items.compactMap { ($0["id"] as? NSNumber)?.int64Value })
            }
            #expect(try await ids(alice) == [alicesCall])
            #expect(try await ids(bob) == [bobsCall])
            #expect(try await ids(lead) == [alicesCall, carolsCall], "a lead sees the department's agents")
            #expect(try await ids(admin) == [alicesCall, carolsCall, bobsCall])
            #expect(try await ids(alice, "?ids=\(bobsCall)") == [], "ids do not widen the scope")

            let get = try await client.call(.get, "/api/v1/calls/\(bobsCall)", token: alice)
            #expect(get.status == .notFound && get.errorCode == "not_found", "\(get.text)")
            #expect(try await client.call(.get, "/api/v1/calls/\(alicesCall)", token: alice).status == .ok)
            let hear = try await client.call(.get, "/api/v1/calls/\(bobsCall)/recording", token: alice)
            #expect(hear.status == .notFound && hear.errorCode == "not_found", "\(hear.text)")
            #expect(try await client.call(.get, "/api/v1/calls/\(bobsCall)/recording", token: bob).status == .ok)

            let export = try await client.call(.get, "/api/v1/calls/export.xlsx?ids=\(alicesCall),\(bobsCall)", token: alice)
            #expect(export.status == .ok)
            let sheet = try Self.sheetText(export.body)
            #expect(sheet.contains("13800000001"))
            #expect(!sheet.contains("13800000002"), "bob's call is not exported to alice")
            let all = try Self.sheetText(try await client.call(.get, "/api/v1/calls/export.xlsx", token: alice).body)
            #expect(!all.contains("13800000002"))

            let zip = try await client.call(.get, "/api/v1/calls/recordings.zip?ids=\(bobsCall)", token: alice)
            #expect(zip.status == .notFound && zip.errorCode == "no_recording", "\(zip.text)")
            let mine = try await client.call(.get, "/api/v1/calls/recordings.zip?ids=\(alicesCall),\(bobsCall)", token: alice)
            #expect(mine.status == .ok)
            let names = try Self.zipNames(mine.body)
            #expect(names.count == 1)
            #expect(names.first?.hasPrefix("\(alicesCall)_20260305-080000Z_13800000001_1001") == true, "\(names)")

            // Without the permission the routes refuse outright.
            let viewOnly = try await client.createRole("只读", permissions: ["calls.view"], scope: "all", token: admin)
            let (_, viewer) = try await client.settledUser(admin: admin, username: "viewer", departmentId: nil, roleIds: [viewOnly])
            #expect(try await client.call(.get, "/api/v1/calls/\(alicesCall)/recording", token: viewer).status == .forbidden)
            #expect(try await client.call(.get, "/api/v1/calls/export.xlsx", token: viewer).status == .forbidden)
        }
    }

    // MARK: recordings

    @Test func recordingsServeByteRangesSoPlayersCanSeek() async throws {
        let app = try await TestApp.make()
        let repos = app.repos
        let directory = app.directory
        try await app.run { client in
            let admin = try await client.token()
            let id = try await Self.seedAnswered(repos, Self.newCall("r@x", from: "13800138000", to: "1001"))
            let audio = Self.wav(samples: 956)  // 1,000 bytes in all
            try Self.writeRecording(directory, "2026/03/05/r.wav", audio)
            try await repos.calls.setRecording(id, path: "2026/03/05/r.wav")
            let path = "/api/v1/calls/\(id)/recording"

            let whole = try await client.call(.get, path, token: admin)
            #expect(whole.status == .ok)
            #expect(whole.headers[.contentType] == "audio/wav")
            #expect(whole.headers[.acceptRanges] == "bytes")
            #expect(Data(buffer: whole.body) == audio)

            let head = try await client.call(.get, path, token: admin, headers: [.range: "bytes=0-99"])
            #expect(head.status == .partialContent)
            #expect(head.headers[.contentRange] == "bytes 0-99/1000")
            #expect(Data(buffer: head.body) == audio.prefix(100))

            let tail = try await client.call(.get, path, token: admin, headers: [.range: "bytes=-10"])
            #expect(tail.status == .partialContent)
            #expect(tail.headers[.contentRange] == "bytes 990-999/1000")
            #expect(Data(buffer: tail.body) == audio.suffix(10))

            let rest = try await client.call(.get, path, token: admin, headers: [.range: "bytes=500-"])
            #expect(rest.status == .partialContent)
            #expect(rest.headers[.contentRange] == "bytes 500-999/1000")
            #expect(Data(buffer: rest.body) == audio.suffix(500))

            let clamped = try await client.call(.get, path, token: admin, headers: [.range: "bytes=900-5000"])
            #expect(clamped.headers[.contentRange] == "bytes 900-999/1000")
            #expect(clamped.body.readableBytes == 100)

            let beyond = try await client.call(.get, path, token: admin, headers: [.range: "bytes=1000-"])
            #expect(beyond.status == .rangeNotSatisfiable)
            #expect(beyond.headers[.contentRange] == "bytes */1000")
            #expect(beyond.errorCode == "range_not_satisfiable")

            // Several ranges or a malformed header: the whole file (a server may ignore Range).
            #expect(try await client.call(.get, path, token: admin, headers: [.range: "bytes=0-1,5-6"]).status == .ok)
            #expect(try await client.call(.get, path, token: admin, headers: [.range: "bytes=abc"]).status == .ok)

            let download = try await client.call(.get, path + "?download=true", token: admin)
            #expect(download.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
            #expect(try await client.call(.get, path + "?download=maybe", token: admin).errorCode == "invalid_query")

            let unrecorded = try await Self.seedAnswered(repos, Self.newCall("n@x", from: "1", to: "2"))
            let none = try await client.call(.get, "/api/v1/calls/\(unrecorded)/recording", token: admin)
            #expect(none.status == .notFound && none.errorCode == "no_recording")
            try await repos.calls.setRecording(unrecorded, path: "gone.wav")
            let gone = try await client.call(.get, "/api/v1/calls/\(unrecorded)/recording", token: admin)
            #expect(gone.status == .notFound && gone.errorCode == "recording_missing")
            #expect(try await client.call(.get, "/api/v1/calls/999999/recording", token: admin).errorCode == "not_found")
        }
    }

    @Test func byteRangesFollowRFC9110() {
        #expect(ByteRange(header: nil, size: 10) == .whole)
        #expect(ByteRange(header: "bytes=0-0", size: 10) == .part(first: 0, last: 0))
        #expect(ByteRange(header: "bytes=2-", size: 10) == .part(first: 2, last: 9))
        #expect(ByteRange(header: "bytes=-3", size: 10) == .part(first: 7, last: 9))
        #expect(ByteRange(header: "bytes=-30", size: 10) == .part(first: 0, last: 9))
        #expect(ByteRange(header: "bytes=5-2", size: 10) == .whole)
        #expect(ByteRange(header: "bytes=10-", size: 10) == .unsatisfiable)
        #expect(ByteRange(header: "bytes=-0", size: 10) == .unsatisfiable)
        #expect(ByteRange(header: "bytes=0-", size: 0) == .unsatisfiable)
        #expect(ByteRange(header: "items=0-5", size: 10) == .whole)
        #expect(ByteRange(header: "bytes=99999999999999999999999-", size: 10) == .whole)
    }

    @Test func aStoredRecordingPathCannotLeaveTheRecordingsFolder() async throws {
        let app = try await TestApp.make()
        let repos = app.repos
        let directory = app.directory
        try await app.run { client in
            let admin = try await client.token()
            try Self.writeRecording(directory, "ok.wav", Self.wav(samples: 10))
            // A secret beside the recordings folder, and a link inside it that points there.
            try Data("secret".utf8).write(to: URL(fileURLWithPath: directory + "/secret.wav"))
            try FileManager.default.createSymbolicLink(atPath: directory + "/recordings/link.wav", withDestinationPath: directory + "/secret.wav")
            for stored in ["../secret.wav", "a/../../secret.wav", directory + "/secret.wav", "link.wav", "./ok.wav", "a\\..\\..\\secret.wav", "~/x.wav"] {
                let id = try await Self.seedAnswered(repos, Self.newCall(stored, from: "1", to: "2"))
                try await repos.calls.setRecording(id, path: stored)
                let reply = try await client.call(.get, "/api/v1/calls/\(id)/recording", token: admin)
                #expect(reply.status == .notFound, "\(stored): \(reply.status)")
                #expect(reply.errorCode == "recording_missing", "\(stored): \(reply.text)")
                #expect(!reply.text.contains("secret"))
                let zip = try await client.call(.get, "/api/v1/calls/recordings.zip?ids=\(id)", token: admin)
                #expect(zip.status == .notFound, "\(stored) in a zip: \(zip.status)")
            }

            let files = RecordingFiles(root: directory + "/recordings")
            #expect(files.resolve("../secret.wav") == .failure(.invalidPath))
            #expect(files.resolve("/etc/passwd") == .failure(.invalidPath))
            #expect(files.resolve("link.wav") == .failure(.outsideRoot))
            #expect(files.resolve("") == .failure(.invalidPath))
            guard case .success(let path) = files.resolve("2026/03/x.wav") else {
                Issue.record("a plain relative path resolves")
                return
            }
            #expect(path.hasSuffix("/recordings/2026/03/x.wav"))
        }
    }

    // MARK: filters and shape

    @Test func theListFiltersByNumberDirectionDispositionAndDates() async throws {
        let app = try await TestApp.make()
        let repos = app.repos
        try await app.run { client in
            let admin = try await client.token()
            let day: TimeInterval = 86_400
            let a = try await Self.seedAnswered(repos, Self.newCall("a", from: "+8613800138000", to: "1001", direction: .inbound))
            let b = try await repos.calls.open(Self.newCall("b", from: "1001", to: "13900139000", direction: .outbound, at: day))
            try await repos.calls.close(b, CallEnding(endedAt: Self.t0 + day + 20, disposition: .busy, hangupBy: nil, reason: "486 Busy Here"))
            let c = try await repos.calls.open(Self.newCall("c", from: "1001", to: "1002", direction: .internal, at: 2 * day))

            func ids(_ query: String) async throws -> [Int64] {
                let reply = try await client.call(.get, "/api/v1/calls?\(query)", token: admin)
                #expect(reply.status == .ok, "\(query): \(reply.text)")
                return reply.items.compactMap { ($0["id"] as? NSNumber)?.int64Value }
            }
            #expect(try await ids("") == [c, b, a], "newest first")
            #expect(try await ids("sort=startedAt") == [a, b, c])
            #expect(try await ids("number=0013800") == [a])
            #expect(try await ids("number=0013") == [b, a], "digits anywhere in the number")
            #expect(try await ids("number=1001") == [c, b, a])
            #expect(try await ids("number=%2B86%20138-0013-8000") == [a], "typed as people write it; +86 is dropped as everywhere else")
            #expect(try await ids("number=139-0013") == [b])
            #expect(try await ids("direction=outbound") == [b])
            #expect(try await ids("disposition=busy") == [b])
            #expect(try await ids("disposition=answered&direction=inbound") == [a])
            #expect(try await ids("from=2026-03-06") == [c, b])
            #expect(try await ids("to=2026-03-06") == [b, a], "a date ends the range with that whole day")
            #expect(try await ids("from=2026-03-06T00:00:00Z&to=2026-03-07T00:00:00Z") == [b])
            #expect(try await ids("from=2026-03-06T16:00:00%2B08:00") == [c, b])
            #expect(try await ids("pageSize=1&page=2") == [b])

            let page = try await client.call(.get, "/api/v1/calls?pageSize=1", token: admin)
            #expect(page.json["total"] as? Int == 3)

            let one = try await client.call(.get, "/api/v1/calls/\(b)", token: admin)
            let json = one.json
            #expect(Set(json.keys) == [
                "id", "direction", "from", "to", "fromExtension", "toExtension", "agentId", "queue", "startedAt", "answeredAt", "endedAt",
                "ringSeconds", "talkSeconds", "disposition", "hangupBy", "reason", "recording", "recordingUrl", "transferredTo", "legs",
            ])
            #expect(json["direction"] as? String == "outbound")
            #expect(json["disposition"] as? String == "busy")
            #expect(json["startedAt"] as? String == "2026-03-06T08:00:00.000Z")
            #expect(json["ringSeconds"] as? Int == 20)
            #expect(json["recording"] as? Bool == false)
            #expect(json["recordingUrl"] is NSNull)
            #expect(json["answeredAt"] is NSNull)
            let open = try await client.call(.get, "/api/v1/calls/\(c)", token: admin)
            #expect(open.json["disposition"] is NSNull, "in progress")

            try await repos.calls.setRecording(a, path: "a.wav")
            let recorded = try await client.call(.get, "/api/v1/calls/\(a)", token: admin)
            #expect(recorded.json["recording"] as? Bool == true)
            #expect(recorded.json["recordingUrl"] as? String == "/api/v1/calls/\(a)/recording")
            #expect(recorded.json["disposition"] as? String == "answered")
            #expect(recorded.json["hangupBy"] as? String == "caller")

            let export = try Self.sheetText(try await client.call(.get, "/api/v1/calls/export.xlsx?direction=outbound", token: admin).body)
            #expect(export.contains("13900139000") && !export.contains("8613800138000"), "the export takes the same filters")
        }
    }

    @Test func malformedFiltersAreClientErrors() async throws {
        try await TestApp.with { client in
            let admin = try await client.token()
            let cases = [
                ("direction=sideways", "direction"), ("disposition=hung", "disposition"), ("from=yesterday", "from"),
                ("to=2026-02-30", "to"), ("from=2026-03-06&to=2026-03-05", "to"), ("number=abc", "number"),
                ("number=%2B", "number"), ("ids=1,x", "ids"), ("sort=agent_id", "sort"), ("page=0", "page"),
            ]
            for (query, field) in cases {
                for path in ["/api/v1/calls", "/api/v1/calls/export.xlsx"] where !(path.hasSuffix("xlsx") && ["sort", "page"].contains(field)) {
                    let reply = try await client.call(.get, "\(path)?\(query)", token: admin)
                    #expect(reply.status == .badRequest, "\(path)?\(query): \(reply.status) \(reply.text)")
                    #expect(reply.errorCode == "invalid_query" && reply.errorField == field, "\(path)?\(query): \(reply.text)")
                }
            }
            for query in ["", "ids=", "ids=0", "ids=" + (1...501).map(String.init).joined(separator: ",")] {
                let reply = try await client.call(.get, "/api/v1/calls/recordings.zip?\(query)", token: admin)
                #expect(reply.status == .badRequest && reply.errorField == "ids", "recordings.zip?\(query): \(reply.text)")
            }
            for id in ["0", "-1", "abc", "99999999999999999999"] {
                #expect(try await client.call(.get, "/api/v1/calls/\(id)", token: admin).status == .notFound)
                #expect(try await client.call(.get, "/api/v1/calls/\(id)/recording", token: admin).status == .notFound)
            }
        }
    }

    // MARK: helpers

    /// The shared strings and inline text of an .xlsx, as one string (enough to see which rows it holds).
    static func sheetText(_ body: ByteBuffer) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("calls-\(UUID().uuidString).xlsx").path
        try Data(buffer: body).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var text = ""
        try XLSXReader(path: path).forEachRow { row in text += row.values.joined(separator: "\t") + "\n" }
        return text
    }

    /// The entry names in a .zip's central directory.
    static func zipNames(_ body: ByteBuffer) throws -> [String] {
        let bytes = Array(buffer: body)
        var names: [String] = []
        var i = 0
        while i + 46 <= bytes.count {
            if bytes[i] == 0x50, bytes[i + 1] == 0x4B, bytes[i + 2] == 0x01, bytes[i + 3] == 0x02 {
                let length = Int(bytes[i + 28]) | Int(bytes[i + 29]) << 8
                names.append(String(decoding: bytes[(i + 46)..<(i + 46 + length)], as: UTF8.self))
                i += 46 + length
            } else {
                i += 1
            }
        }
        return names
    }
}
