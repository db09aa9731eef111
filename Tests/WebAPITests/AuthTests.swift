import CallCenter
import Foundation
import HTTPTypes
import Hummingbird
import HotlineTestSupport
import Testing
import WebAPI

@Suite struct AuthTests {
    @Test func loginGivesATokenAndAStrictHttpOnlyCookie() async throws {
        try await TestApp.with { client in
            let reply = try await client.login("admin", TestApp.adminPassword)
            #expect(reply.status == .ok)
            let token = try #require(reply.json["token"] as? String)
            #expect(token.count >= 40)
            let cookie = try #require(reply.headers[.setCookie])
            #expect(cookie.contains("hotline_session=\(token)"))
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Strict"))
            #expect((reply.json["user"] as? [String: Any])?["username"] as? String == "admin")

            let me = try await client.call(.get, "/api/v1/me", token: token)
            #expect(me.status == .ok)
            #expect(me.json["dataScope"] as? String == "all")
            #expect((me.json["permissions"] as? [String])?.count == Permission.catalogue.count)

            // The cookie alone authenticates the browser.
            let byCookie = try await client.call(.get, "/api/v1/me", headers: [.cookie: "hotline_session=\(token)"])
            #expect(byCookie.status == .ok)
        }
    }

    @Test func wrongPasswordAndUnknownUserGetTheSameAnswer() async throws {
        try await TestApp.with { client in
            let wrong = try await client.login("admin", "nope-nope")
            let unknown = try await client.login("ghost", "nope-nope")
            #expect(wrong.status == .unauthorized)
            #expect(unknown.status == .unauthorized)
            #expect(wrong.errorCode == "invalid_credentials")
            #expect(unknown.json["error"] as? NSDictionary == wrong.json["error"] as? NSDictionary)
        }
    }

    /// CSRF: a change made with the session cookie must come from our own pages;
    /// the bearer token, which no browser attaches by itself, needs no such proof.
    @Test func cookieChangesFromAnotherSiteAreRefused() async throws {
        try await TestApp.with { client in
            let token = try await client.token()
            let cookie: HTTPFields = [.cookie: "hotline_session=\(token)"]
            func department(_ name: String, _ extra: HTTPFields, bearer: Bool = false, raw: String? = nil) async throws -> Client.Reply {
                var headers = bearer ? [:] : cookie
                headers.append(contentsOf: extra)
                if let raw {
                    return try await client.call(.post, "/api/v1/departments", token: bearer ? token : nil, raw: ByteBuffer(string: raw), headers: headers)
                }
                return try await client.call(.post, "/api/v1/departments", token: bearer ? token : nil, json: ["name": name], headers: headers)
            }
            let foreign = try await department("Forged A", [.origin: "http://127.0.0.1:9999", HTTPField.Name("Sec-Fetch-Site")!: "same-site"])
            #expect(foreign.status == .forbidden)
            #expect(foreign.errorCode == "cross_origin")
            // A form post or a text/plain body from a page that sends no Origin at all is no proof either.
            let form = try await department("", [.contentType: "application/x-www-form-urlencoded"], raw: "name=Forged+B")
            #expect(form.status == .forbidden)
            #expect(form.errorCode == "cross_origin")
            let plain = try await department("", [.contentType: "text/plain"], raw: #"{"name":"Forged C"}"#)
            #expect(plain.errorCode == "cross_origin")
            let crossSite = try await department("Forged D", [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"])
            #expect(crossSite.errorCode == "cross_origin")
            // Reading with the cookie from anywhere stays allowed (SameSite and CORS keep the answer away).
            let read = try await client.call(.get, "/api/v1/departments", headers: cookie)
            #expect(read.status == .ok)
            #expect(!read.text.contains("Forged"))
            // Our own page (the browser says same-origin) and a script with the bearer token may change things.
            let own = try await department("Own page", [HTTPField.Name("Sec-Fetch-Site")!: "same-origin"])
            #expect(own.status == .created, "\(own.text)")
            let script = try await department("Script", [.origin: "http://127.0.0.1:9999"], bearer: true)
            #expect(script.status == .created, "\(script.text)")
            // Signing in from another site's page (login CSRF) is refused.
            let login = try await client.call(.post, "/api/v1/auth/login", json: ["username": "admin", "password": TestApp.adminPassword],
                                              headers: [.origin: "http://evil.example"])
            #expect(login.status == .forbidden)
            #expect(login.errorCode == "cross_origin")
        }
    }

    @Test func logoutEndsTheSession() async throws {
        try await TestApp.with { client in
            let token = try await client.token()
            let out = try await client.call(.post, "/api/v1/auth/logout", token: token)
            #expect(out.status == .noContent)
            #expect(out.headers[.setCookie]?.contains("Max-Age=0") == true)
            let me = try await client.call(.get, "/api/v1/me", token: token)
            #expect(me.status == .unauthorized)
            #expect(me.errorCode == "unauthenticated")
        }
    }

    @Test func fiveFailuresForAUserThrottleEvenTheRightPassword() async throws {
        try await TestApp.with { client in
            for _ in 0..<5 {
                #expect(try await client.login("admin", "wrong-password").status == .unauthorized)
            }
            let blocked = try await client.login("admin", TestApp.adminPassword)
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.errorCode == "too_many_attempts")
            let retryAfter = try #require(blocked.headers[.retryAfter].flatMap { Int($0) })
            #expect(retryAfter > 0 && retryAfter <= 300)
        }
    }

    @Test func failuresAndSuccessesAreAudited() async throws {
        try await TestApp.with { client in
            _ = try await client.login("admin", "wrong-password")
            let token = try await client.token()
            let log = try await client.call(.get, "/api/v1/audit-log?q=auth.login", token: token)
            let actions = log.items.compactMap { $0["action"] as? String }
            #expect(actions.contains("auth.login_failed"))
            #expect(actions.contains("auth.login"))
        }
    }

    @Test func aTemporaryPasswordMustBeChangedBeforeAnythingElse() async throws {
        try await TestApp.with { client in
            let admin = try await client.token()
            let created = try await client.call(.post, "/api/v1/users", token: admin, json: ["username": "newbie", "name": "New Agent"])
            #expect(created.status == .created)
            let temporary = try #require(created.json["temporaryPassword"] as? String)
            #expect(temporary.count >= 12)

            let login = try await client.login("newbie", temporary)
            #expect((login.json["user"] as? [String: Any])?["mustChangePassword"] as? Bool == true)
            let token = try #require(login.json["token"] as? String)

            // Only me, logout and the password change are open.
            #expect(try await client.call(.get, "/api/v1/me", token: token).status == .ok)
            let blocked = try await client.call(.get, "/api/v1/permissions", token: token)
            #expect(blocked.status == .forbidden)
            #expect(blocked.errorCode == "password_change_required")

            let weak = try await client.call(.put, "/api/v1/me/password", token: token, json: ["currentPassword": temporary, "newPassword": "short"])
            #expect(weak.status == .badRequest)
            #expect(weak.errorField == "newPassword")
            let wrongCurrent = try await client.call(.put, "/api/v1/me/password", token: token, json: ["currentPassword": "not-it-at-all", "newPassword": "Brand-New-Pass-1"])
            #expect(wrongCurrent.status == .badRequest)
            #expect(wrongCurrent.errorField == "currentPassword")

            let changed = try await client.call(.put, "/api/v1/me/password", token: token, json: ["currentPassword": temporary, "newPassword": "Brand-New-Pass-1"])
            #expect(changed.status == .noContent)
            #expect(try await client.call(.get, "/api/v1/permissions", token: token).status == .ok)
            #expect(try await client.login("newbie", temporary).status == .unauthorized)
            #expect(try await client.login("newbie", "Brand-New-Pass-1").status == .ok)
        }
    }

    @Test func resetPasswordEndsSessionsAndForcesAChange() async throws {
        try await TestApp.with { client in
            let admin = try await client.token()
            let (id, userToken) = try await client.settledUser(admin: admin, username: "agent", departmentId: nil, roleIds: [])
            let reset = try await client.call(.post, "/api/v1/users/\(id)/reset-password", token: admin)
            #expect(reset.status == .ok)
            let temporary = try #require(reset.json["temporaryPassword"] as? String)
            #expect(try await client.call(.get, "/api/v1/me", token: userToken).status == .unauthorized)
            let login = try await client.login("agent", temporary)
            #expect((login.json["user"] as? [String: Any])?["mustChangePassword"] as? Bool == true)
        }
    }
}

@Suite struct SessionExpiryTests {
    final class Clock: @unchecked Sendable {
        var now = Date(timeIntervalSince1970: 2_000_000_000)
    }

    @Test func sessionsEndAfterTheirLifetimeAndWhenIdle() async throws {
        let app = try await TestApp.make()
        let clock = Clock()
        let audit = AuditTrail(repository: app.repos.audit)
        let accounts = AccountService(
            repos: app.repos, audit: audit, hasher: BcryptHasher(cost: 4), tokens: RandomSessionTokens(),
            policy: SessionPolicy(lifetime: 3600, idleTimeout: 600), now: { clock.now }
        )
        let signedIn = try await accounts.login(username: "admin", password: TestApp.adminPassword, address: "127.0.0.1")
        clock.now += 500
        _ = try await accounts.authenticate(token: signedIn.token)
        clock.now += 500  // 500 s since last use: still inside the idle window
        _ = try await accounts.authenticate(token: signedIn.token)
        clock.now += 601  // idle too long
        await #expect(throws: DomainError.self) { try await accounts.authenticate(token: signedIn.token) }

        let second = try await accounts.login(username: "admin", password: TestApp.adminPassword, address: "127.0.0.1")
        for _ in 0..<7 {
            clock.now += 500
            _ = try? await accounts.authenticate(token: second.token)
        }
        // 3500 s after login it still works; past the lifetime it never does.
        clock.now += 200
        await #expect(throws: DomainError.self) { try await accounts.authenticate(token: second.token) }
        try await app.database.shutdown()
    }
}
