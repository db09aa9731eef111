import Testing

@testable import SIP

@Suite struct HeaderTests {
    @Test func viaParsesSentByAndParameters() throws {
        let via = try SIPVia(parsing: "SIP / 2.0 / TCP [2001:db8::1] : 5070 ; branch = z9hG4bKabc ; received=192.0.2.1;rport=5060;ttl=3;maddr=224.2.0.1")
        #expect(via.protocolName == "SIP" && via.protocolVersion == "2.0" && via.transport == "TCP")
        #expect(via.host == "[2001:db8::1]" && via.port == 5070)
        #expect(via.branch == "z9hG4bKabc" && via.hasMagicCookie)
        #expect(via.received == "192.0.2.1" && via.rport == 5060 && via.ttl == 3 && via.maddr == "224.2.0.1")
    }

    @Test func viaRportWithAndWithoutValue() throws {
        var via = try SIPVia(parsing: "SIP/2.0/UDP 10.0.0.1;rport;branch=z9hG4bK1")
        #expect(via.hasRPort && via.rport == nil)
        via.rport = 40000
        via.received = "203.0.113.7"
        #expect(via.description == "SIP/2.0/UDP 10.0.0.1;rport=40000;branch=z9hG4bK1;received=203.0.113.7")
        #expect(try SIPVia(parsing: "SIP/2.0/UDP h;branch=z9hG4bK1").hasRPort == false)
    }

    @Test(arguments: [
        ("SIP/2.0/UDP", SIPSyntaxError.invalidHost),
        ("SIP/2.0 UDP h", .invalidProtocol),
        ("SIP/2.0/UDP h:70000", .invalidPort),
        ("SIP/2.0/UDP h;;", .emptyParameterName),
        ("SIP/2.0/UDP h;branch=\"x", .unterminatedQuotedString),
        ("SIP/2.0/UDP h junk", .trailingCharacters(offset: 14)),
    ])
    func malformedViaGivesSpecificError(text: String, error: SIPSyntaxError) {
        #expect(throws: error) { try SIPVia(parsing: text) }
    }

    @Test func cseqBoundsAreEnforced() throws {
        #expect(try SIPCSeq(parsing: "2147483647 INVITE") == SIPCSeq(2_147_483_647, .invite))
        #expect(try SIPCSeq(parsing: "0 ACK") == SIPCSeq(0, .ack))
        #expect(throws: SIPSyntaxError.numberOutOfRange) { try SIPCSeq(parsing: "2147483648 INVITE") }
        #expect(throws: SIPSyntaxError.invalidNumber) { try SIPCSeq(parsing: "INVITE") }
        #expect(throws: SIPSyntaxError.invalidToken) { try SIPCSeq(parsing: "1") }
    }

    @Test func nameAddressFormsAndDisplayNames() throws {
        let token = try SIPNameAddress(parsing: "Agent Smith <sip:smith@x>;tag=1")
        #expect(token.displayName == "Agent Smith" && token.tag == "1" && token.usesAngleBrackets)
        let spec = try SIPNameAddress(parsing: "sip:bob@x;tag=2")
        #expect(spec.displayName == nil && spec.tag == "2" && !spec.usesAngleBrackets)
        #expect(spec.uri.sipURI?.parameters.isEmpty == true)
        let utf8 = try SIPNameAddress(parsing: "\"张三\" <sip:zhang@x>")
        #expect(utf8.displayName == "张三")
        let tel = try SIPNameAddress(parsing: "<tel:+8613800138000>")
        #expect(tel.uri.telURI?.number == "+8613800138000")
    }

    @Test func contactWildcard() throws {
        let m = try parse(sip("REGISTER sip:x SIP/2.0", "Contact: *", "Expires: 0", "", ""))
        #expect(try m.contacts() == .wildcard)
    }

    @Test func authHeadersParseChallengesAndCredentials() throws {
        let challenge = try SIPAuthHeader(parsing: "Digest realm=\"atlanta.com\", domain=\"sip:ss1.carrier.com\", qop=\"auth,auth-int\", nonce=\"f84f1cec41e6cbe5aea9c8e88d359\", opaque=\"\", stale=FALSE, algorithm=MD5")
        #expect(challenge.realm == "atlanta.com" && challenge.qop == "auth,auth-int")
        #expect(challenge.opaque == "" && !challenge.stale && challenge.algorithm == "MD5")
        let escaped = try SIPAuthHeader(parsing: "Digest username=\"a\\\"b\", realm=\"r\"")
        #expect(escaped.username == "a\"b")
        let built = SIPAuthHeader.digestChallenge(realm: "pbx", nonce: "n1", opaque: "o", stale: true)
        #expect(built.description == "Digest realm=\"pbx\", nonce=\"n1\", opaque=\"o\", algorithm=MD5, qop=\"auth\", stale=TRUE")
        #expect(try SIPAuthHeader(parsing: built.description) == built)
        #expect(throws: SIPSyntaxError.invalidParameter) { try SIPAuthHeader(parsing: "Digest realm") }
    }

    @Test func numberHeadersAndMediaTypes() throws {
        let m = try parse(sip("OPTIONS sip:x SIP/2.0", "Max-Forwards: 256", "Expires: 4294967296", "Min-Expires: 60",
                              "Content-Type: Application/SDP ; charset=utf-8", "Event: dialog;id=7", "", ""))
        #expect(throws: SIPHeaderError(.maxForwards, .syntax(.numberOutOfRange))) { try m.maxForwards() }
        #expect(throws: SIPHeaderError(.expires, .syntax(.numberOutOfRange))) { try m.expires() }
        #expect(try m.minExpires() == 60)
        let type = try #require(try m.contentType())
        #expect(type.matches(.sdp) && type.parameter("charset") == "utf-8")
        #expect(try m.event() == SIPEvent(package: "dialog", parameters: [SIPParameter(name: "id", rawValue: "7")]))
        #expect(throws: SIPHeaderError(.callID, .missing)) { try m.callID() }
    }
}
