import Crypto
import Foundation
@testable import SIP
import Testing

@Suite struct DigestTests {
    // RFC 7616 §3.9.1: the same request answered with MD5 and with SHA-256.
    static func rfcCredentials(_ algorithm: DigestAlgorithm, response: String) -> DigestCredentials {
        DigestCredentials(
            username: "Mufasa", realm: "http-auth@example.org", nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
            uri: "/dir/index.html", response: response, algorithm: algorithm, qop: "auth", nc: "00000001",
            cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", opaque: "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"
        )
    }

    @Test func md5AndSHA256MatchTheRFC7616Example() {
        let md5 = Self.rfcCredentials(.md5, response: "8ca523f5e9506fed4657c9700eebdbec")
        #expect(md5.matches(password: "Circle of Life", method: "GET"))
        #expect(!md5.matches(password: "Circle of life", method: "GET"))
        let sha = Self.rfcCredentials(.sha256, response: "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")
        #expect(sha.matches(password: "Circle of Life", method: "GET"))
        #expect(!sha.matches(password: "Circle of Life", method: "POST"))
    }

    @Test func algorithmParameterDefaultsToMD5AndRejectsUnknown() {
        #expect(DigestAlgorithm(parameter: nil) == .md5)
        #expect(DigestAlgorithm(parameter: "sha-256") == .sha256)
        #expect(DigestAlgorithm(parameter: "SHA-512-256") == nil)
    }
}

@Suite struct NonceIssuerTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func ourNoncesAreValidUntilTheyTurnStale() {
        let issuer = NonceIssuer(lifetime: 300)
        var counts = NonceCounts(lifetime: 300)
        let nonce = issuer.issue(now: start)
        do { let verdict = issuer.check(nonce, nc: nil, counts: &counts, now: start.addingTimeInterval(10)); #expect(verdict == .valid) }
        do { let verdict = issuer.check(nonce, nc: nil, counts: &counts, now: start.addingTimeInterval(301)); #expect(verdict == .stale) }
    }

    @Test func forgedOrForeignNoncesAreInvalid() {
        let issuer = NonceIssuer()
        var counts = NonceCounts()
        let other = NonceIssuer(key: SymmetricKey(size: .bits256))
        do { let verdict = issuer.check(other.issue(now: start), nc: nil, counts: &counts, now: start); #expect(verdict == .invalid) }
        do { let verdict = issuer.check("not-a-nonce", nc: nil, counts: &counts, now: start); #expect(verdict == .invalid) }
        do { let verdict = issuer.check(String(repeating: "A", count: 500), nc: nil, counts: &counts, now: start); #expect(verdict == .invalid) }
        var tampered = Array(issuer.issue(now: start))
        tampered[3] = tampered[3] == "A" ? "B" : "A"
        do { let verdict = issuer.check(String(tampered), nc: nil, counts: &counts, now: start); #expect(verdict == .invalid) }
    }

    @Test func nonceCountsMustRiseSoResponsesCannotBeReplayed() {
        let issuer = NonceIssuer()
        var counts = NonceCounts()
        let nonce = issuer.issue(now: start)
        do { let verdict = issuer.check(nonce, nc: "00000001", counts: &counts, now: start); #expect(verdict == .valid) }
        do { let verdict = issuer.check(nonce, nc: "00000001", counts: &counts, now: start); #expect(verdict == .invalid) }
        do { let verdict = issuer.check(nonce, nc: "00000003", counts: &counts, now: start); #expect(verdict == .valid) }
        do { let verdict = issuer.check(nonce, nc: "00000002", counts: &counts, now: start); #expect(verdict == .invalid) }
        do { let verdict = issuer.check(nonce, nc: "zz", counts: &counts, now: start); #expect(verdict == .invalid) }
    }

    @Test func replaysAreCaughtAcrossGenerationsAndMemoryStaysBoundedByTheLifetime() {
        let issuer = NonceIssuer(lifetime: 300)
        var counts = NonceCounts(lifetime: 300)
        // A nonce used near the end of one generation is still tracked in the next.
        _ = issuer.check(issuer.issue(now: start), nc: "00000001", counts: &counts, now: start)  // starts a generation at `start`
        let late = issuer.issue(now: start.addingTimeInterval(290))
        do { let verdict = issuer.check(late, nc: "00000001", counts: &counts, now: start.addingTimeInterval(290)); #expect(verdict == .valid) }
        do { let verdict = issuer.check(late, nc: "00000001", counts: &counts, now: start.addingTimeInterval(400)); #expect(verdict == .invalid, "replay after a rotation") }
        do { let verdict = issuer.check(late, nc: "00000002", counts: &counts, now: start.addingTimeInterval(400)); #expect(verdict == .valid) }

        // 100 new nonces a second for 12 lifetimes: only about two lifetimes' worth are kept.
        let busy = NonceIssuer(lifetime: 30)
        var busyCounts = NonceCounts(lifetime: 30)
        for second in 0..<360 {
            let now = start.addingTimeInterval(Double(second))
            for _ in 0..<100 { _ = busy.check(busy.issue(now: now), nc: "00000001", counts: &busyCounts, now: now) }
        }
        #expect(busyCounts.tracked <= 2 * 35 * 100)
        #expect(busyCounts.tracked >= 30 * 100, "every fresh nonce is still tracked")
    }
}

@Suite struct Base64URLTests {
    @Test(arguments: [0, 1, 2, 3, 4, 5, 31, 32, 33])
    func roundTripsEveryLengthWithoutPadding(length: Int) throws {
        let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 250) }
        let text = Base64URL.encode(bytes)
        #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
        // The same as Foundation's alphabet-swapped base64.
        let foundation = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        #expect(text == foundation)
        #expect(Base64URL.decode(text) == bytes)
    }

    @Test func rejectsForeignCharactersAndNonCanonicalSpellings() {
        #expect(Base64URL.decode("ab+c") == nil)
        #expect(Base64URL.decode("abc=") == nil)
        #expect(Base64URL.decode("A") == nil, "a single character cannot encode a byte")
        #expect(Base64URL.decode("AA") == [0], "leftover bits zero")
        #expect(Base64URL.decode("AB") == nil, "leftover bits set: a second spelling of the same byte")
    }
}

@Suite struct AuthFailureLimiterTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func repeatedFailuresBlockTheAddressForAWhile() {
        var limiter = AuthFailureLimiter(limit: 3, window: 60, blockFor: 600)
        do { let block = limiter.recordFailure("10.0.0.9", now: start); #expect(block == nil) }
        do { let block = limiter.recordFailure("10.0.0.9", now: start.addingTimeInterval(1)); #expect(block == nil) }
        let block = limiter.recordFailure("10.0.0.9", now: start.addingTimeInterval(2))
        #expect(block?.until == start.addingTimeInterval(602))
        do { let result = limiter.isBlocked("10.0.0.9", now: start.addingTimeInterval(100)); #expect(result) }
        do { let result = limiter.isBlocked("10.0.0.8", now: start.addingTimeInterval(100)); #expect(!result) }
        do { let result = limiter.isBlocked("10.0.0.9", now: start.addingTimeInterval(603)); #expect(!result) }
    }

    @Test func failuresOutsideTheWindowDoNotAddUp() {
        var limiter = AuthFailureLimiter(limit: 3, window: 60, blockFor: 600)
        limiter.recordFailure("a", now: start)
        limiter.recordFailure("a", now: start.addingTimeInterval(30))
        do { let block = limiter.recordFailure("a", now: start.addingTimeInterval(95)); #expect(block == nil) }
    }

    @Test func anAdminCanLiftABlock() {
        var limiter = AuthFailureLimiter(limit: 1, window: 60, blockFor: 600)
        limiter.recordFailure("a", now: start)
        do { let blocks = limiter.activeBlocks(now: start); #expect(blocks.map(\.address) == ["a"]) }
        do { let result = limiter.unblock("a"); #expect(result) }
        do { let result = limiter.isBlocked("a", now: start); #expect(!result) }
        do { let result = limiter.unblock("a"); #expect(!result) }
    }
}
