import CallCenter
import CallEngine
import Foundation
import Logging
import NIOCore
import SIP
import SIPStack
import HotlineTestSupport
import Testing

/// The registrar as the SIP stack's transaction user, driven with parsed
/// messages and a real SQLite file — no sockets.
@Suite struct RegistrarTests {
    static let peer = SIPPeer(transport: .udp, address: try! SocketAddress(ipAddress: "127.0.0.1", port: 5070))
    static let secret = "Secret-Ext-Pass-1"

    final class Clock: @unchecked Sendable { var now = Date() }

    struct Rig {
        let app: TestApp
        let registrar: Registrar
        let location: LocationTable
        let clock: Clock
    }

    static func rig(maxContacts: Int = 2, failuresBeforeBlock: Int = 3, algorithms: [DigestAlgorithmChoice] = [.md5, .sha256]) async throws -> Rig {
        let app = try await TestApp.make()
        let audit = AuditTrail(repository: app.repos.audit)
        let admin = Principal(user: try #require(try await app.repos.users.findByUsername("admin")), roles: [])
        _ = try await ExtensionService(repos: app.repos, audit: audit).create(
            ExtensionInput(number: "1001", password: secret, maxContacts: maxContacts), by: Actor(principal: admin, address: "test"))
        var policy = RegistrarPolicy(realm: "hotline.test")
        policy.failuresBeforeBlock = failuresBeforeBlock
        policy.algorithms = algorithms
        let clock = Clock()
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let location = LocationTable(store: app.repos.registrations)
        var repos = app.repos
        repos.registrations = location
        let registrar = Registrar(repos: repos, location: location, policy: policy, logger: logger, now: { clock.now })
        return Rig(app: app, registrar: registrar, location: location, clock: clock)
    }

    static func register(
        contact: String? = "<sip:1001@127.0.0.1:5070>", expires: String? = nil, callID: String = "reg-1", cseq: Int = 1,
        user: String = "1001", authorization: String? = nil, userAgent: String = "TestPhone/1.0"
    ) -> SIPMessage {
        var text = "REGISTER sip:hotline.test SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-\(cseq)-\(callID);rport\r\n"
        text += "Max-Forwards: 70\r\nFrom: <sip:\(user)@hotline.test>;tag=f1\r\nTo: <sip:\(user)@hotline.test>\r\n"
        text += "Call-ID: \(callID)\r\nCSeq: \(cseq) REGISTER\r\nUser-Agent: \(userAgent)\r\n"
        if let contact { text += "Contact: \(contact)\r\n" }
        if let expires { text += "Expires: \(expires)\r\n" }
        if let authorization { text += "Authorization: \(authorization)\r\n" }
        text += "Content-Length: 0\r\n\r\n"
        return try! SIPParser.parse(text)
    }

    /// What a phone does with a 401: answer the challenge of `algorithm`.
    static func answer(_ challenge: SIPMessage, algorithm: String = "MD5", password: String = secret, user: String = "1001", nc: String = "00000001") throws -> String {
        let headers = try challenge.wwwAuthenticate()
        let offer = try #require(headers.first { ($0.algorithm ?? "MD5") == algorithm })
        let nonce = try #require(offer.nonce)
        let credentials = DigestCredentials(
            username: user, realm: "hotline.test", nonce: nonce, uri: "sip:hotline.test", response: "",
            algorithm: try #require(DigestAlgorithm(parameter: algorithm)), qop: "auth", nc: nc, cnonce: "c0ffee"
        )
        let response = credentials.expectedResponse(password: password, method: "REGISTER")
        return "Digest username=\"\(user)\", realm=\"hotline.test\", nonce=\"\(nonce)\", uri=\"sip:hotline.test\", response=\"\(response)\", algorithm=\(algorithm), qop=auth, nc=\(nc), cnonce=\"c0ffee\""
    }

    func authenticatedRegister(_ rig: Rig, algorithm: String = "MD5", cseq: Int = 2, contact: String? = "<sip:1001@127.0.0.1:5070>", expires: String? = nil, callID: String = "reg-1") async throws -> SIPMessage {
        let challenge = await rig.registrar.handle(Self.register(contact: contact, expires: expires, callID: callID, cseq: cseq - 1), from: Self.peer)
        #expect(challenge.statusCode == 401)
        let authorization = try Self.answer(challenge, algorithm: algorithm)
        return await rig.registrar.handle(Self.register(contact: contact, expires: expires, callID: callID, cseq: cseq, authorization: authorization), from: Self.peer)
    }

    @Test func aPhoneRegistersThroughAnMD5OrSHA256Challenge() async throws {
        let rig = try await Self.rig()
        let challenge = await rig.registrar.handle(Self.register(), from: Self.peer)
        #expect(challenge.statusCode == 401)
        let offers = try challenge.wwwAuthenticate()
        #expect(offers.map { $0.algorithm } == ["MD5", "SHA-256"])
        #expect(offers.allSatisfy { $0.parameter("qop") == "auth" && $0.realm == "hotline.test" })

        for algorithm in ["MD5", "SHA-256"] {
            let ok = try await authenticatedRegister(rig, algorithm: algorithm, cseq: algorithm == "MD5" ? 2 : 4)
            #expect(ok.statusCode == 200, "\(algorithm)")
            #expect(ok.headers.all(.contact).first?.hasPrefix("<sip:1001@127.0.0.1:5070>;expires=") == true)
        }
        let stored = try await rig.location.contacts(of: "1001", now: Date())
        #expect(stored.count == 1)
        #expect(stored.first?.source == "127.0.0.1:5070")
        #expect(stored.first?.userAgent == "TestPhone/1.0")
        try await rig.app.database.shutdown()
    }

    @Test func onlyACacheMissWaitsForTheDatabase() async throws {
        let rig = try await Self.rig()
        let challenge = try #require(rig.registrar.respondImmediately(to: Self.register(), from: Self.peer))
        #expect(challenge.statusCode == 401)
        let request = Self.register(cseq: 2, authorization: try Self.answer(challenge))
        #expect(rig.registrar.respondImmediately(to: request, from: Self.peer) == nil, "1001's secret is not cached yet")
        // The miss consumed nothing: the same nonce-count still works once the secret is read.
        let ok = await rig.registrar.handle(request, from: Self.peer)
        #expect(ok.statusCode == 200)
        let refresh = Self.register(cseq: 3, authorization: try Self.answer(challenge, nc: "00000002"))
        #expect(rig.registrar.respondImmediately(to: refresh, from: Self.peer)?.statusCode == 200, "answered from memory")
        let replay = Self.register(cseq: 4, authorization: try Self.answer(challenge, nc: "00000002"))
        #expect(rig.registrar.respondImmediately(to: replay, from: Self.peer)?.statusCode == 401, "a replayed count is challenged")
        try await rig.app.database.shutdown()
    }

    @Test func aPasswordChangedThroughTheAPIIsUsedAtOnceDespiteTheCache() async throws {
        let rig = try await Self.rig()
        #expect(try await authenticatedRegister(rig).statusCode == 200)  // 1001's secret is cached now
        let admin = Principal(user: try #require(try await rig.app.repos.users.findByUsername("admin")), roles: [])
        let ext = try #require(try await rig.app.repos.extensions.find(number: "1001"))
        let newSecret = "Fresh-Secret-2026-xyz"
        _ = try await ExtensionService(repos: rig.app.repos, audit: AuditTrail(repository: rig.app.repos.audit))
            .update(ext.id, ExtensionInput(password: newSecret), by: Actor(principal: admin, address: "test"))
        await rig.registrar.extensionChanged("1001")

        let challenge = await rig.registrar.handle(Self.register(cseq: 5), from: Self.peer)
        let old = await rig.registrar.handle(Self.register(cseq: 6, authorization: try Self.answer(challenge)), from: Self.peer)
        #expect(old.statusCode == 403, "the old secret no longer works")
        let again = await rig.registrar.handle(Self.register(cseq: 7), from: Self.peer)
        let new = await rig.registrar.handle(Self.register(cseq: 8, authorization: try Self.answer(again, password: newSecret)), from: Self.peer)
        #expect(new.statusCode == 200)
        try await rig.app.database.shutdown()
    }

    @Test func phonesThatKnowOnlyMD5AreOfferedOnlyMD5() async throws {
        let rig = try await Self.rig()
        let baresip = await rig.registrar.handle(Self.register(userAgent: "baresip v1.0.0 (x86_64/linux)"), from: Self.peer)
        #expect(try baresip.wwwAuthenticate().map { $0.algorithm } == ["MD5"])
        let strict = try await Self.rig(algorithms: [.sha256])
        let refused = await strict.registrar.handle(Self.register(userAgent: "baresip v1.0.0 (x86_64/linux)"), from: Self.peer)
        #expect(try refused.wwwAuthenticate().map { $0.algorithm } == ["SHA-256"], "a SHA-256-only policy is not weakened")
        try await rig.app.database.shutdown()
        try await strict.app.database.shutdown()
    }

    @Test func contactParametersAreKeptAndBindingsAreWrittenBehindAndReloaded() async throws {
        let rig = try await Self.rig()
        let instance = "+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\";reg-id=1"
        let ok = try await authenticatedRegister(rig, contact: "<sip:1001@127.0.0.1:5070;transport=udp>;\(instance);expires=600")
        #expect(ok.statusCode == 200)
        let contact = try #require(ok.headers.all(.contact).first)
        #expect(contact.hasPrefix("<sip:1001@127.0.0.1:5070;transport=udp>;\(instance);expires=60"), "\(contact)")

        let store = rig.app.repos.registrations
        #expect(try await store.contacts(of: "1001", now: Date()).isEmpty, "answered before it is written")
        #expect(try await rig.location.flush() == 1)
        #expect(try await rig.location.flush() == 0, "nothing left to write")
        let stored = try await store.contacts(of: "1001", now: Date())
        #expect(stored.map(\.uri) == ["sip:1001@127.0.0.1:5070;transport=udp"])
        #expect(stored.map(\.parameters) == [";" + instance])

        // A restart reads the bindings back; an unregistration is written behind too.
        let reloaded = LocationTable(store: store)
        try await reloaded.load(now: Date())
        #expect(try await reloaded.contacts(of: "1001", now: Date()).map(\.parameters) == [";" + instance])
        let gone = try await authenticatedRegister(rig, cseq: 4, contact: "*", expires: "0")
        #expect(gone.statusCode == 200)
        try await rig.location.flush()
        #expect(try await store.contacts(of: "1001", now: Date()).isEmpty)
        try await rig.app.database.shutdown()
    }

    @Test func aNewContactIsAnnouncedForAnImmediateQualify() async throws {
        let rig = try await Self.rig()
        _ = try await authenticatedRegister(rig)
        var arrivals = rig.location.newContacts.makeAsyncIterator()
        let first = await arrivals.next()
        #expect(first?.uri == "sip:1001@127.0.0.1:5070")
        // A refresh of the same contact from the same address is not news.
        _ = try await authenticatedRegister(rig, cseq: 4)
        _ = try await authenticatedRegister(rig, cseq: 6, contact: "<sip:1001@127.0.0.1:5072>")
        #expect(await arrivals.next()?.uri == "sip:1001@127.0.0.1:5072")
        try await rig.app.database.shutdown()
    }

    @Test func aWrongPasswordIsForbiddenAndRepeatedFailuresBlockTheAddress() async throws {
        let rig = try await Self.rig(failuresBeforeBlock: 3)
        for attempt in 1...3 {
            let challenge = await rig.registrar.handle(Self.register(cseq: attempt * 2 - 1), from: Self.peer)
            let wrong = try Self.answer(challenge, password: "guess-\(attempt)")
            let reply = await rig.registrar.handle(Self.register(cseq: attempt * 2, authorization: wrong), from: Self.peer)
            #expect(reply.statusCode == 403)
        }
        #expect(await rig.registrar.blockedAddresses().map(\.address) == ["127.0.0.1"])
        // Even the right password is refused from a blocked address, before any challenge.
        let blocked = await rig.registrar.handle(Self.register(cseq: 20), from: Self.peer)
        #expect(blocked.statusCode == 403)
        #expect(blocked.reasonPhrase?.contains("blocked") == true)
        #expect(await rig.registrar.unblock("127.0.0.1"))
        let again = try await authenticatedRegister(rig, cseq: 22)
        #expect(again.statusCode == 200)
        try await rig.app.database.shutdown()
    }

    @Test func credentialsForAnotherExtensionOrAReplayedNonceDoNotWork() async throws {
        let rig = try await Self.rig()
        let challenge = await rig.registrar.handle(Self.register(), from: Self.peer)
        let authorization = try Self.answer(challenge)
        let first = await rig.registrar.handle(Self.register(cseq: 2, authorization: authorization), from: Self.peer)
        #expect(first.statusCode == 200)
        // The same nonce-count again is a replay: challenged afresh, not accepted.
        let replay = await rig.registrar.handle(Self.register(cseq: 3, authorization: authorization), from: Self.peer)
        #expect(replay.statusCode == 401)
        // 1001's credentials in a REGISTER for 1002's address of record.
        let other = await rig.registrar.handle(Self.register(user: "1002"), from: Self.peer)
        let borrowed = try Self.answer(other, user: "1001")
        let hijack = await rig.registrar.handle(Self.register(cseq: 5, user: "1002", authorization: borrowed), from: Self.peer)
        #expect(hijack.statusCode == 403)
        try await rig.app.database.shutdown()
    }

    @Test func aStaleNonceIsChallengedAgainWithStaleTrue() async throws {
        let rig = try await Self.rig()
        let challenge = await rig.registrar.handle(Self.register(), from: Self.peer)
        let authorization = try Self.answer(challenge)
        rig.clock.now = rig.clock.now.addingTimeInterval(301)
        let stale = await rig.registrar.handle(Self.register(cseq: 2, authorization: authorization), from: Self.peer)
        #expect(stale.statusCode == 401)
        #expect(try stale.wwwAuthenticate().allSatisfy { $0.parameter("stale") == "true" })
        try await rig.app.database.shutdown()
    }

    @Test func expiresRulesContactLimitAndUnregistration() async throws {
        let rig = try await Self.rig(maxContacts: 2)
        let brief = try await authenticatedRegister(rig, cseq: 2, expires: "10")
        #expect(brief.statusCode == 423)
        #expect(brief.headers.first(.minExpires) == "60")

        let two = try await authenticatedRegister(rig, cseq: 4, contact: "<sip:1001@127.0.0.1:5070>, <sip:1001@127.0.0.1:5072>;expires=120")
        #expect(two.statusCode == 200)
        #expect(two.headers.all(.contact).count == 2)
        let third = try await authenticatedRegister(rig, cseq: 6, contact: "<sip:1001@127.0.0.1:5074>", callID: "reg-2")
        #expect(third.statusCode == 403, "over the extension's limit of 2 contacts")
        #expect(try await rig.location.contacts(of: "1001", now: Date()).count == 2, "nothing changed")

        let removeOne = try await authenticatedRegister(rig, cseq: 8, contact: "<sip:1001@127.0.0.1:5072>;expires=0")
        #expect(removeOne.statusCode == 200)
        #expect(removeOne.headers.all(.contact).count == 1)

        let starWithoutZero = try await authenticatedRegister(rig, cseq: 10, contact: "*", expires: "60")
        #expect(starWithoutZero.statusCode == 400)
        let all = try await authenticatedRegister(rig, cseq: 12, contact: "*", expires: "0")
        #expect(all.statusCode == 200)
        #expect(all.headers.all(.contact).isEmpty)
        #expect(try await rig.location.contacts(of: "1001", now: Date()).isEmpty)
        try await rig.app.database.shutdown()
    }

    @Test func optionsIsAnsweredAndUnknownMethodsAreRefused() async throws {
        let rig = try await Self.rig()
        let options = try SIPParser.parse(
            "OPTIONS sip:hotline.test SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-o1\r\nMax-Forwards: 70\r\n"
                + "From: <sip:probe@x>;tag=1\r\nTo: <sip:hotline.test>\r\nCall-ID: o1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n")
        let reply = await rig.registrar.handle(options, from: Self.peer)
        #expect(reply.statusCode == 200)
        #expect(reply.headers.first(.allow)?.contains("REGISTER") == true)
        try await rig.app.database.shutdown()
    }
}
