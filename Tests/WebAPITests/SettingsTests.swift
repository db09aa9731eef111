import Foundation
import Hummingbird
import HotlineTestSupport
import Testing

@Suite struct CustomerFieldTests {
    @Test func fieldsAreValidatedOrderedAndKeepTheirKey() async throws {
        try await TestApp.with { client in
            let admin = try await client.token()
            let level = try await client.call(.post, "/api/v1/customer-fields", token: admin, json: [
                "key": "level", "label": "客户等级", "type": "single", "options": ["A", "B", "C", "A"], "searchable": true, "order": 20,
            ])
            #expect(level.status == .created)
            #expect(level.json["options"] as? [String] == ["A", "B", "C"])
            let company = try await client.call(.post, "/api/v1/customer-fields", token: admin, json: [
                "key": "company", "label": "公司", "type": "text", "required": true, "order": 10,
            ])
            #expect(company.status == .created)
            let list = try await client.call(.get, "/api/v1/customer-fields", token: admin)
            #expect(list.items.compactMap { $0["key"] as? String } == ["company", "level"])

            let duplicate = try await client.call(.post, "/api/v1/customer-fields", token: admin, json: ["key": "level", "label": "x", "type": "text"])
            #expect(duplicate.status == .conflict)
            #expect(duplicate.errorField == "key")
            let noOptions = try await client.call(.post, "/api/v1/customer-fields", token: admin, json: ["key": "tags", "label": "标签", "type": "multi"])
            #expect(noOptions.errorField == "options")
            let badType = try await client.call(.post, "/api/v1/customer-fields", token: admin, json: ["key": "x", "label": "x", "type": "blob"])
            #expect(badType.status == .badRequest)
            #expect(badType.errorField == "type")
            let badKey = try await client.call(.post, "/api/v1/customer-fields", token: admin, json: ["key": "Bad Key", "label": "x", "type": "text"])
            #expect(badKey.errorField == "key")

            let id = try #require(level.id)
            let renamed = try await client.call(.patch, "/api/v1/customer-fields/\(id)", token: admin, json: ["label": "等级", "listed": false])
            #expect(renamed.json["label"] as? String == "等级")
            #expect(renamed.json["listed"] as? Bool == false)
            #expect(renamed.json["options"] as? [String] == ["A", "B", "C"])
            let rekey = try await client.call(.patch, "/api/v1/customer-fields/\(id)", token: admin, json: ["key": "grade"])
            #expect(rekey.errorField == "key")
            #expect(try await client.call(.delete, "/api/v1/customer-fields/\(id)", token: admin).status == .noContent)
            #expect(try await client.call(.get, "/api/v1/customer-fields/\(id)", token: admin).status == .notFound)
        }
    }

    @Test func followUpStatusesHaveUniqueNamesAndHexColors() async throws {
        try await TestApp.with { client in
            let admin = try await client.token()
            let first = try await client.call(.post, "/api/v1/follow-up-statuses", token: admin, json: ["name": "意向客户", "color": "#52C41A"])
            #expect(first.status == .created)
            #expect(first.json["color"] as? String == "#52c41a")
            let again = try await client.call(.post, "/api/v1/follow-up-statuses", token: admin, json: ["name": "意向客户"])
            #expect(again.status == .conflict)
            let badColor = try await client.call(.post, "/api/v1/follow-up-statuses", token: admin, json: ["name": "已成交", "color": "red"])
            #expect(badColor.errorField == "color")
            let second = try await client.call(.post, "/api/v1/follow-up-statuses", token: admin, json: ["name": "已成交"])
            #expect((second.json["order"] as? Int ?? 0) > (first.json["order"] as? Int ?? 0))
            let list = try await client.call(.get, "/api/v1/follow-up-statuses", token: admin)
            #expect(list.items.compactMap { $0["name"] as? String } == ["意向客户", "已成交"])
        }
    }
}

@Suite struct LogoTests {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]

    @Test func onlyRealImagesUnderTheLimitAreAccepted() async throws {
        try await TestApp.with { client in
            let admin = try await client.token()
            #expect(try await client.call(.get, "/api/v1/logo").status == .notFound)

            let upload = try await client.call(.put, "/api/v1/logo", token: admin, raw: ByteBuffer(bytes: Self.png), headers: [.contentType: "image/png"])
            #expect(upload.status == .noContent)
            let served = try await client.call(.get, "/api/v1/logo")
            #expect(served.status == .ok)
            #expect(served.headers[.contentType] == "image/png")
            #expect(Array(served.body.readableBytesView) == Self.png)

            let gif = try await client.call(.put, "/api/v1/logo", token: admin, raw: ByteBuffer(string: "GIF89a...."), headers: [.contentType: "image/gif"])
            #expect(gif.status == .unsupportedMediaType)
            let disguised = try await client.call(.put, "/api/v1/logo", token: admin, raw: ByteBuffer(string: "<html>hi</html>"), headers: [.contentType: "image/png"])
            #expect(disguised.status == .unsupportedMediaType)
            let entities = "<?xml version=\"1.0\"?><!DOCTYPE svg [<!ENTITY x \"javascript:\">]><svg xmlns=\"http://www.w3.org/2000/svg\"/>"
            #expect(try await client.call(.put, "/api/v1/logo", token: admin, raw: ByteBuffer(string: entities), headers: [.contentType: "image/svg+xml"]).status == .badRequest)
            let big = ByteBuffer(bytes: Self.png + [UInt8](repeating: 0, count: 600 * 1024))
            let tooBig = try await client.call(.put, "/api/v1/logo", token: admin, raw: big, headers: [.contentType: "image/png"])
            #expect(tooBig.status == .contentTooLarge)

            // The rejected uploads left the good logo in place.
            #expect(Array(try await client.call(.get, "/api/v1/logo").body.readableBytesView) == Self.png)

            let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\" fill=\"#1677ff\"/></svg>"
            #expect(try await client.call(.put, "/api/v1/logo", token: admin, raw: ByteBuffer(string: svg), headers: [.contentType: "image/svg+xml"]).status == .noContent)
            let servedSVG = try await client.call(.get, "/api/v1/logo")
            #expect(servedSVG.headers[.contentType] == "image/svg+xml")
            #expect(servedSVG.headers[.contentSecurityPolicy]?.contains("sandbox") == true)

            // Scripts and handlers are not refused by a text filter but never stored: the logo is rebuilt.
            let sneaky = #"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script><rect width="4" height="4" fill="red"/></svg>"#
            #expect(try await client.call(.put, "/api/v1/logo", token: admin, raw: ByteBuffer(string: sneaky), headers: [.contentType: "image/svg+xml"]).status == .noContent)
            let stored = try await client.call(.get, "/api/v1/logo").text
            #expect(!stored.contains("onload") && !stored.contains("script") && !stored.contains("alert"))
            #expect(stored.contains("<rect"))

            #expect(try await client.call(.delete, "/api/v1/logo", token: admin).status == .noContent)
            #expect(try await client.call(.get, "/api/v1/logo").status == .notFound)
        }
    }
}

@Suite struct ObservabilityTests {
    @Test func healthAndMetricsByRouteTemplate() async throws {
        try await TestApp.with { client in
            let health = try await client.call(.get, "/healthz")
            #expect(health.status == .ok)
            #expect(health.json["status"] as? String == "ok")
            let admin = try await client.token()
            _ = try await client.call(.get, "/api/v1/users/12345", token: admin)
            let metrics = try await client.call(.get, "/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.text.contains("hotline_http_requests_total{method=\"GET\",route=\"/api/v1/users/{id}\",status=\"404\"} 1"))
            #expect(metrics.text.contains("hotline_http_request_duration_seconds_bucket{method=\"POST\",route=\"/api/v1/auth/login\",le=\"+Inf\"} 1"))
            #expect(!metrics.text.contains("12345"), "raw paths never become labels")
        }
    }

    @Test func theWebApplicationIsServedWithAStrictPolicy() async throws {
        try await TestApp.with { client in
            let index = try await client.call(.get, "/")
            #expect(index.status == .ok)
            #expect(index.text.lowercased().contains("<!doctype html>"))
            #expect(index.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            #expect(index.headers[.xContentTypeOptions] == "nosniff")
            let traversal = try await client.call(.get, "/../../../../etc/passwd")
            #expect(traversal.status == .badRequest || traversal.status == .notFound)
            #expect(traversal.json["error"] != nil)
            #expect(!traversal.text.contains("root:"))
        }
    }
}
