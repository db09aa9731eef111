import NIOCore
import Testing

@testable import SIP

@Suite struct ParserTests {
    @Test func typicalRegisterParsesIntoTypedHeaders() throws {
        let m = try parse(typicalRegister)
        #expect(m.method == .register)
        #expect(m.requestURIText == "sip:pbx.example.com")
        let via = try m.topVia()
        #expect(via.transport == "UDP" && via.host == "192.0.2.10" && via.port == 5060)
        #expect(via.branch == "z9hG4bK776asdhds" && via.hasRPort && via.rport == nil)
        #expect(try m.to().displayName == "Agent 1001")
        #expect(try m.from().tag == "1928301774")
        #expect(try m.cseq() == SIPCSeq(314_159, .register))
        #expect(try m.expires() == 3600)
        guard case .addresses(let contacts) = try #require(try m.contacts()) else { throw Unexpected() }
        #expect(contacts.first?.expires == 3600)
        #expect(contacts.first?.uri.sipURI?.transport == "udp")
        #expect(contacts.first?.parameters.first(named: "+sip.instance")?.value == "<urn:uuid:00000000-0000-1000-8000-000A95A0E128>")
        #expect(try m.allow().contains(.refer))
        #expect(try m.supported() == ["path", "outbound", "gruu"])
        #expect(m.userAgent == "Hotline-Softphone/1.0")
        let auth = try #require(try m.authorization().first)
        #expect(auth.isDigest)
        #expect(auth.username == "1001" && auth.realm == "pbx.example.com" && auth.uri == "sip:pbx.example.com")
        #expect(auth.nonce == "dcd98b7102dd2f0e8b11d0f600bfb0c093" && auth.response == "6629fae49393a05397450978507c4ef1")
        #expect(auth.algorithm == "MD5" && auth.cnonce == "0a4f113b" && auth.opaque == "5ccc069c403ebaf9f0171e9517f40e41")
        #expect(auth.qop == "auth" && auth.nonceCount == "00000001")
        #expect(validator.validate(m) == .accept)
    }

    @Test func serializingAParsedMessageReproducesItsBytes() throws {
        for text in [typicalRegister, typicalInvite] {
            #expect(try parse(text).text == text)
        }
    }

    @Test func receivedLinesAreWrittenBackVerbatimIncludingFolding() throws {
        let text = sip("OPTIONS sip:a@b SIP/2.0", "v:  SIP/2.0/UDP h;branch=z9hG4bK1", "Subject: one", "  two", "l: 0", "", "")
        let m = try parse(text)
        #expect(m.text == text)
        #expect(m.headers[.subject] == "one two")
        #expect(m.headers[.subject] == m.headers["s"])
    }

    @Test func compactFormsFindTheirLongNames() throws {
        let m = try parse(sip(
            "MESSAGE sip:a@b SIP/2.0", "v: SIP/2.0/UDP h;branch=z9hG4bK1", "i: cid", "m: <sip:c@d>", "f: <sip:a@b>;tag=1",
            "t: <sip:a@b>", "c: text/plain", "k: path", "e: identity", "s: hi", "o: presence", "u: dialog",
            "r: <sip:x@y>", "l: 2", "", "ok"))
        let pairs: [(SIPHeaderName, String)] = [
            (.via, "SIP/2.0/UDP h;branch=z9hG4bK1"), (.callID, "cid"), (.contact, "<sip:c@d>"), (.from, "<sip:a@b>;tag=1"),
            (.to, "<sip:a@b>"), (.contentType, "text/plain"), (.supported, "path"), (.contentEncoding, "identity"),
            (.subject, "hi"), (.event, "presence"), (.allowEvents, "dialog"), (.referTo, "<sip:x@y>"), (.contentLength, "2"),
        ]
        for (name, value) in pairs { #expect(m.headers[name] == value, "\(name)") }
        #expect(m.headers["CALL-id"] == "cid")
        #expect(m.headers[0].writtenName == "v" && m.headers[0].name == .via)
        #expect(try m.referTo()?.uri.sipURI?.host == "y")
        #expect(try m.event()?.package == "presence")
        #expect(m.bodyString == "ok")
    }

    @Test func listHeadersSplitAtCommasOutsideQuotesAndBrackets() throws {
        let m = try parse(sip(
            "OPTIONS sip:a@b SIP/2.0",
            "Contact: \"Bell, Alexander\" <sip:a,b@c;x=1>, <sip:c@d>;q=0.5",
            "Contact: sip:e@f",
            "Via: SIP/2.0/UDP h1;branch=z9hG4bK1, SIP/2.0/TCP h2;branch=z9hG4bK2",
            "Allow: INVITE,ACK ,  BYE", "", ""))
        #expect(m.headers.values(.contact) == ["\"Bell, Alexander\" <sip:a,b@c;x=1>", "<sip:c@d>;q=0.5", "sip:e@f"])
        guard case .addresses(let contacts) = try #require(try m.contacts()) else { throw Unexpected() }
        #expect(contacts.map(\.displayName) == ["Bell, Alexander", nil, nil])
        #expect(contacts[1].q == 0.5)
        #expect(try m.vias().map(\.host) == ["h1", "h2"])
        #expect(try m.allow() == [.invite, .ack, .bye])
    }

    @Test func quotedStringsUnescape() throws {
        let address = try SIPNameAddress(parsing: "\"A \\\"quoted\\\" \\\\ name\" <sip:a@b>;tag=x")
        #expect(address.displayName == "A \"quoted\" \\ name")
        var built = SIPNameAddress(displayName: "Say \"hi\"", uri: .sip(SIPURI(user: "a", host: "b")))
        built.tag = "t"
        #expect(built.description == "\"Say \\\"hi\\\"\" <sip:a@b>;tag=t")
        #expect(try SIPNameAddress(parsing: built.description) == built)
    }

    @Test func trailingOctetsAfterContentLengthAreIgnoredOverUDP() throws {
        let m = try parse(sip("MESSAGE sip:a@b SIP/2.0", "Content-Length: 2", "", "okEXTRA"))
        #expect(m.bodyString == "ok")
    }

    @Test func withoutContentLengthTheBodyIsTheRestOfTheDatagram() throws {
        let m = try parse(sip("MESSAGE sip:a@b SIP/2.0", "Via: SIP/2.0/UDP h", "", "all of it"))
        #expect(m.bodyString == "all of it")
    }

    @Test func keepAliveDatagramIsNotAMessage() {
        #expect(throws: SIPParseError.keepAlive) { try parse("\r\n\r\n") }
        #expect(SIPParseError.keepAlive.action == .drop)
    }

    @Test func leadingCRLFBeforeTheStartLineIsIgnored() throws {
        #expect(try parse("\r\n" + typicalRegister).method == .register)
    }

    @Test func bareLFLineEndsAreTolerated() throws {
        let m = try parse("OPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nContent-Length: 0\n\n")
        #expect(try m.topVia().host == "h")
    }

    @Test(arguments: [
        ("INVITE sip:a@b SIP/2.0\r\nVia SIP/2.0/UDP h\r\n\r\n", SIPParseError.malformedHeaderLine(line: 2)),
        ("INVITE sip:a@b SIP/2.0\r\n folded\r\n\r\n", .malformedHeaderLine(line: 2)),
        ("INV@TE sip:a@b SIP/2.0\r\n\r\n", .invalidMethod),
        ("INVITE sip:a@b SIP/2.0 \r\n\r\n", .malformedRequestLine),
        ("INVITE sip:a@b\r\n\r\n", .malformedRequestLine),
        ("INVITE sip:a@b SIP/2.1\r\n\r\n", .unsupportedVersion("SIP/2.1")),
        ("INVITE sip:a@b HTTP/1.1\r\n\r\n", .malformedRequestLine),
        ("INVITE 12:a@b SIP/2.0\r\n\r\n", .malformedRequestURI),
        ("SIP/2.0 20 OK\r\n\r\n", .inResponse(.malformedStatusLine)),
        ("SIP/3.0 200 OK\r\n\r\n", .inResponse(.unsupportedVersion("SIP/3.0"))),
        ("SIP/2.0 200 OK\r\nContent-Length: 5\r\n\r\nab", .inResponse(.truncatedBody(declared: 5, available: 2))),
        ("OPTIONS sip:a@b SIP/2.0\r\nl: 1x\r\n\r\n", .invalidContentLength),
        ("OPTIONS sip:a@b SIP/2.0\r\nl: 1\r\nContent-Length: 1\r\n\r\na", .multipleContentLength),
        ("OPTIONS sip:a@b SIP/2.0", .incompleteHeaderSection),
    ])
    func malformedInputGivesASpecificError(input: String, error: SIPParseError) {
        #expect(throws: error) { try parse(input) }
    }

    @Test func errorsCarryTheStatusToAnswer() {
        #expect(SIPParseError.unsupportedVersion("SIP/7.0").action == .reply(status: 505, reason: "Version Not Supported"))
        #expect(SIPParseError.bodyTooLarge(limit: 1).action == .reply(status: 413, reason: "Request Entity Too Large"))
        #expect(SIPParseError.headerSectionTooLarge(limit: 1).action == .reply(status: 513, reason: "Message Too Large"))
        #expect(SIPParseError.malformedRequestLine.action == .reply(status: 400, reason: "Bad Request"))
        #expect(SIPParseError.inResponse(.invalidContentLength).action == .drop)
    }

    @Test func datagramLimitsAreEnforced() {
        let config = SIPParserConfiguration(maxHeaderSectionBytes: 64, maxBodyBytes: 10)
        #expect(throws: SIPParseError.headerSectionTooLarge(limit: 64)) {
            try SIPParser.parse(datagram: ByteBuffer(string: typicalRegister), configuration: config)
        }
        #expect(throws: SIPParseError.bodyTooLarge(limit: 10)) {
            try SIPParser.parse(datagram: ByteBuffer(string: "MESSAGE sip:a@b SIP/2.0\r\nl: 11\r\n\r\n01234567890"), configuration: config)
        }
    }

    @Test func headersCanBeAddedRemovedAndReplacedForTheB2BUA() throws {
        var m = try parse(typicalInvite)
        m.headers.prepend(.via, "SIP/2.0/UDP 198.51.100.1;branch=z9hG4bKb2b")
        m.headers.remove(.allow)
        m.headers.replace(.maxForwards, with: "69")
        m.headers.add("X-Queue", "sales")
        m.headers.insert(.recordRoute, "<sip:198.51.100.1;lr>", at: 1)
        let again = try SIPParser.parse(datagram: m.serialized())
        #expect(try again.vias().map(\.host) == ["198.51.100.1", "192.0.2.10"])
        #expect(!again.headers.contains(.allow))
        #expect(try again.maxForwards() == 69)
        #expect(again.headers["x-queue"] == "sales")
        #expect(again.headers[1].name == .recordRoute)
        #expect(again.body == m.body)
    }

    @Test func replacingTheTopViaKeepsOtherValuesOnTheSameLine() throws {
        var m = try parse(sip("OPTIONS sip:a@b SIP/2.0", "Via: SIP/2.0/UDP h1;branch=z9hG4bK1, SIP/2.0/UDP h2;branch=z9hG4bK2", "", ""))
        m.headers.replaceFirstValue(.via, with: "SIP/2.0/UDP h1;branch=z9hG4bK1;received=192.0.2.9")
        #expect(try m.vias().map(\.received) == ["192.0.2.9", nil])
        m.headers.removeFirstValue(.via)
        #expect(try m.vias().map(\.host) == ["h2"])
    }

    @Test func headerValuesCannotInjectLines() throws {
        var m = try parse(typicalRegister)
        m.headers.add("X-Evil", "a\r\nVia: injected")
        #expect(try SIPParser.parse(datagram: m.serialized()).headers.lineCount(.via) == 1)
    }

    @Test func serializerWritesTheTrueContentLength() throws {
        var m = try parse(typicalInvite)
        m.body = ByteBuffer(string: "v=0\r\n")
        #expect(try SIPParser.parse(datagram: m.serialized()).contentLength() == 5)
        var built = SIPMessage(method: .options, uri: "sip:a@b")
        built.headers.add(.via, "SIP/2.0/UDP h;branch=z9hG4bK1")
        #expect(built.text == "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nContent-Length: 0\r\n\r\n")
        var out = ByteBuffer()
        built.write(into: &out)
        #expect(String(buffer: out) == built.text)
    }

    @Test func methodsAreCaseSensitiveTokens() {
        #expect(SIPMethod("INVITE") == .invite)
        #expect(SIPMethod("invite") == .other("invite"))
        #expect(SIPMethod("FOO").name == "FOO")
        #expect(SIPMethod.other("BYE") == .bye)
    }

    @Test func headerNameTableMatchesCanonicalSpellings() {
        #expect(SIPHeaderName.date.canonical == "Date")
        #expect(SIPHeaderName.warning.canonical == "Warning")
        #expect(SIPHeaderName("l") == .contentLength)
        #expect(SIPHeaderName("X-Foo") == SIPHeaderName("x-foo"))
        #expect(SIPHeaderName.cseq.isSingleValue && SIPHeaderName.via.isList)
    }
}
