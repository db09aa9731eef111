import Testing

@testable import SIP

@Suite struct URITests {
    @Test(arguments: [
        "sip:alice@atlanta.com",
        "sips:alice:secretword@atlanta.com;transport=tcp",
        "sip:+1-212-555-1212:1234@gateway.com;user=phone",
        "sip:alice@192.0.2.4:5061",
        "sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com",
        "sip:alice;day=tuesday@atlanta.com",
        "sip:[2001:db8::10]:5070;transport=udp;lr",
        "sip:user@[::1]",
        "sip:%61lice@atlanta.com;maddr=239.255.255.1;ttl=15",
        "sip:proxy.example.com;lr;unknown-no-value",
        "sip:user@example.com?Subject=hi&Priority=urgent",
        "tel:+1-201-555-0123",
        "tel:7042;phone-context=example.com",
        "urn:service:sos",
        "mailto:agent@example.com",
    ])
    func uriSerialisationRoundTrips(text: String) throws {
        let uri = try SIPAnyURI(parsing: text)
        #expect(uri.description == text)
        #expect(try SIPAnyURI(parsing: uri.description) == uri)
    }

    @Test func sipURIComponentsAreDecoded() throws {
        let uri = try SIPURI(parsing: "sips:al%20ice:pa%3Ass@[2001:db8::10]:5061;transport=TLS;lr;maddr=10.0.0.1?Route=%3Csip:x%3E")
        #expect(uri.isSecure)
        #expect(uri.user == "al ice" && uri.userRaw == "al%20ice")
        #expect(uri.password == "pa:ss")
        #expect(uri.host == "[2001:db8::10]" && uri.hostAddress == "2001:db8::10" && uri.isIPv6)
        #expect(uri.port == 5061)
        #expect(uri.transport == "tls")
        #expect(uri.isLooseRouter)
        #expect(uri.maddr == "10.0.0.1")
        #expect(uri.header("Route") == "<sip:x>")
    }

    @Test func settingAUserEscapesIt() {
        var uri = SIPURI(host: "example.com")
        uri.user = "a b@c"
        #expect(uri.description == "sip:a%20b%40c@example.com")
        #expect(uri.user == "a b@c")
        uri.transport = "tcp"
        uri.isLooseRouter = true
        #expect(uri.description == "sip:a%20b%40c@example.com;transport=tcp;lr")
    }

    @Test func telURIsExposeTheirNumber() throws {
        let tel = try TelURI(parsing: "tel:+1-201-555-0123;ext=45")
        #expect(tel.isGlobal)
        #expect(tel.digits == "+12015550123")
        #expect(tel.parameters.first(named: "ext")?.value == "45")
        #expect(try TelURI(parsing: "tel:7042;phone-context=example.com").phoneContext == "example.com")
    }

    @Test func otherSchemesAreKeptOpaque() throws {
        let uri = try SIPAnyURI(parsing: "soap.beep://192.0.2.103:3002")
        #expect(uri.scheme == "soap.beep")
        #expect(uri.sipURI == nil && uri.telURI == nil)
    }

    @Test(arguments: [
        ("", SIPSyntaxError.empty),
        ("<sip:a@b>", .missingScheme),
        ("sip", .missingScheme),
        ("sip:", .invalidHost),
        ("sip:a@", .invalidHost),
        ("sip:a@b:99999", .invalidPort),
        ("sip:a@b:5x", .trailingCharacters(offset: 5)),
        ("sip:a@b;;lr", .emptyParameterName),
        ("sip:a%zz@b", .invalidEscape),
        ("sip:a b@c", .invalidCharacter(offset: 5)),
        ("sip:a@[::1", .invalidHost),
        ("sip:a@b?x", .invalidParameter),
        ("tel:", .invalidCharacter(offset: 0)),
    ])
    func invalidURIsGiveSpecificErrors(text: String, error: SIPSyntaxError) {
        #expect(throws: error) { try SIPAnyURI(parsing: text) }
    }
}
