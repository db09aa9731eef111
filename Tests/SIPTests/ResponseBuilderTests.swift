import NIOCore
import Testing

@testable import SIP

@Suite struct ResponseBuilderTests {
    @Test func responseCopiesViaFromToCallIDAndCSeqAndAddsAToTag() throws {
        var invite = try parse(typicalInvite)
        invite.headers.add(.via, "SIP/2.0/UDP 198.51.100.9;branch=z9hG4bKsecond")
        try invite.stampTopVia(sourceAddress: "203.0.113.5", sourcePort: 40123)
        let ringing = invite.makeResponse(status: 180, toTag: "as8d7")
        #expect(ringing.statusCode == 180 && ringing.reasonPhrase == "Ringing")
        let vias = try ringing.vias()
        #expect(vias.count == 2)
        #expect(vias[0].received == "203.0.113.5" && vias[0].rport == 40123 && vias[0].branch == "z9hG4bKnashds8")
        #expect(vias[1].branch == "z9hG4bKsecond")
        #expect(try ringing.from() == invite.from())
        #expect(try ringing.to().tag == "as8d7")
        #expect(try ringing.callID() == invite.callID())
        #expect(try ringing.cseq() == SIPCSeq(1, .invite))
        #expect(ringing.text.hasSuffix("Content-Length: 0\r\n\r\n"))
        #expect(validator.validate(ringing) == .accept)
    }

    @Test func trying100HasNoToTagAndEchoesTimestamp() throws {
        var invite = try parse(typicalInvite)
        invite.headers.add(.timestamp, "54")
        let trying = invite.makeResponse(status: 100, toTag: "ignored")
        #expect(try trying.to().tag == nil)
        #expect(trying.headers[.timestamp] == "54")
        #expect(trying.reasonPhrase == "Trying")
    }

    @Test func existingToTagIsKept() throws {
        let bye = try parse(sip(
            "BYE sip:a@b SIP/2.0", "Via: SIP/2.0/UDP h;branch=z9hG4bK1", "From: <sip:a@b>;tag=1", "To: <sip:c@d>;tag=2",
            "Call-ID: x", "CSeq: 2 BYE", "", ""))
        #expect(try bye.makeResponse(status: 200, toTag: "new").to().tag == "2")
    }

    @Test func sentByEqualToSourceGetsNoReceived() throws {
        var m = try parse(sip("OPTIONS sip:a@b SIP/2.0", "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1", "", ""))
        try m.stampTopVia(sourceAddress: "192.0.2.1", sourcePort: 5060)
        #expect(try m.topVia().received == nil)
    }

    @Test func stampLeavesAnUnchangedViaLineVerbatim() throws {
        var m = try parse(sip("OPTIONS sip:a@b SIP/2.0", "v: SIP/2.0/UDP   192.0.2.1:5060 ;branch=z9hG4bK1", "", ""))
        let via = m.stampTopVia(try m.topVia(), sourceAddress: "192.0.2.1", sourcePort: 5060)
        #expect(via.received == nil && via.branch == "z9hG4bK1")
        #expect(m.text.contains("v: SIP/2.0/UDP   192.0.2.1:5060 ;branch=z9hG4bK1\r\n"))
        let stamped = m.stampTopVia(try m.topVia(), sourceAddress: "198.51.100.7", sourcePort: 5062)
        #expect(stamped.received == "198.51.100.7")
        #expect(try m.topVia().received == "198.51.100.7")
    }

    @Test func responseCopiesCompactAndFoldedHeadersUnderTheirFullNames() throws {
        let request = try parse(sip(
            "OPTIONS sip:a@b SIP/2.0", "v: SIP/2.0/UDP h;branch=z9hG4bK1", "f: \"Alice\"", " <sip:a@b>;tag=1",
            "t: sip:c@d;user=phone", "i: x@y", "CSeq: 7 OPTIONS", "", ""))
        let response = request.makeResponse(status: 200, toTag: "t9")
        #expect(response.text.contains("\r\nv: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"))
        #expect(response.text.contains("\r\nFrom: \"Alice\" <sip:a@b>;tag=1\r\n"))
        #expect(response.text.contains("\r\nTo: sip:c@d;user=phone;tag=t9\r\n"))
        #expect(response.text.contains("\r\nCall-ID: x@y\r\nCSeq: 7 OPTIONS\r\n"))
        // Without angle brackets the parameters after the URI are header parameters.
        #expect(try response.to().tag == "t9")
        #expect(try response.to().parameters.first(named: "user")?.value == "phone")
    }

    @Test func aURIParameterNamedTagIsNotMistakenForTheToTag() throws {
        let request = try parse(sip(
            "OPTIONS sip:a@b SIP/2.0", "Via: SIP/2.0/UDP h;branch=z9hG4bK1", "From: <sip:a@b>;tag=1",
            "To: <sip:c@d;tag=uri>", "Call-ID: x", "CSeq: 1 OPTIONS", "", ""))
        let to = try request.makeResponse(status: 200, toTag: "t9").to()
        #expect(to.tag == "t9")
        #expect(to.uri.sipURI?.parameters.first(named: "tag")?.value == "uri")
        let tagged = try parse(sip(
            "OPTIONS sip:a@b SIP/2.0", "Via: SIP/2.0/UDP h;branch=z9hG4bK1", "From: <sip:a@b>;tag=1",
            "To: <sip:c@d>;TAG=mine", "Call-ID: x", "CSeq: 1 OPTIONS", "", ""))
        #expect(try tagged.makeResponse(status: 200, toTag: "t9").to().tag == "mine")
    }

    @Test func verdictBecomesAResponseWithItsHeaders() throws {
        let bext = try SIPParser.parse(datagram: try Fixture.bytes("bext01"))
        guard case .reply(let reply) = validator.validate(bext) else { throw Unexpected() }
        let response = bext.makeResponse(to: reply, toTag: "x")
        #expect(response.statusCode == 420 && response.reasonPhrase == "Bad Extension")
        #expect(try response.unsupported() == ["nothingSupportsThis", "nothingSupportsThisEither"])
    }

    @Test func unparseableRequestStillGets400WhenHeadersAreReadable() throws {
        let bytes = try Fixture.bytes("lwsstart")
        let error = try #require(throws: SIPParseError.self) { try SIPParser.parse(datagram: bytes) }
        let response = try #require(SIPMessage.errorResponse(toUnparseable: bytes, error: error))
        #expect(response.statusCode == 400)
        #expect(try response.callID() == "lwsstart.dfknq234oi243099adsdfnawe3@example.com")
        #expect(SIPMessage.errorResponse(toUnparseable: ByteBuffer(string: "garbage"), error: .malformedRequestLine) == nil)
    }
}

@Suite struct ValidatorTests {
    private func request(_ method: String, _ extra: [String] = [], body: String = "") throws -> SIPMessage {
        let lines = ["\(method) sip:u@example.com SIP/2.0", "Via: SIP/2.0/UDP h;branch=z9hG4bK1", "From: <sip:a@b>;tag=1",
                     "To: <sip:u@example.com>", "Call-ID: c", "CSeq: 1 \(method)", "Max-Forwards: 70"]
            + extra + ["Content-Length: \(body.utf8.count)", "", body]
        return try parse(lines.joined(separator: "\r\n"))
    }

    @Test func badAckIsDroppedNotAnswered() throws {
        let ack = try request("ACK", ["Content-Type: application/unknown"], body: "x")
        #expect(validator.validate(ack) == .drop)
    }

    @Test func multipartBodyWithSDPIsAccepted() throws {
        let body = "--b1\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n--b1--\r\n"
        let invite = try request("INVITE", ["Content-Type: multipart/mixed;boundary=b1"], body: body)
        #expect(validator.validate(invite) == .accept)
        let other = try request("INVITE", ["Content-Type: multipart/mixed;boundary=b1"],
                                body: "--b1\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b1--\r\n")
        #expect(validator.validate(other).status == 415)
    }

    @Test func compressedSessionBodyIsUnsupported() throws {
        let invite = try request("INVITE", ["Content-Type: application/sdp", "Content-Encoding: gzip"], body: "v=0\r\n")
        guard case .reply(let reply) = validator.validate(invite) else { throw Unexpected() }
        #expect(reply.status == 415 && reply.headers.contains(SIPHeaderLine("Accept-Encoding", "identity")))
    }

    @Test func supportedExtensionsPassRequire() throws {
        let invite = try request("INVITE", ["Require: timer, 100rel"])
        #expect(validator.validate(invite).status == 420)
        #expect(SIPRequestValidator(supportedExtensions: ["timer", "100rel"]).validate(invite) == .accept)
        #expect(validator.validate(try request("CANCEL", ["Require: foo"])) == .accept)
    }

    @Test func telRequestURIGets416UnlessConfigured() throws {
        var m = try request("INVITE")
        m.requestURIText = "tel:+12015550123"
        #expect(validator.validate(m).status == 416)
        #expect(SIPRequestValidator(supportedSchemes: ["sip", "sips", "tel"]).validate(m) == .accept)
    }

    @Test func wildcardContactNeedsExpiresZero() throws {
        let register = try request("REGISTER", ["Contact: *", "Expires: 60"])
        #expect(validator.validate(register).status == 400)
        #expect(validator.validate(try request("REGISTER", ["Contact: *", "Expires: 0"])) == .accept)
    }

    @Test func maxForwardsCanBeRequired() throws {
        let inv2543 = try SIPParser.parse(datagram: try Fixture.bytes("inv2543"))
        #expect(SIPRequestValidator(requireMaxForwards: true).validate(inv2543).status == 400)
    }

    @Test func responseOutsideStatusRangeIsDropped() throws {
        let m = try parse(sip("SIP/2.0 700 Huh", "Via: SIP/2.0/UDP h;branch=z9hG4bK1", "From: <sip:a@b>;tag=1",
                              "To: <sip:c@d>", "Call-ID: x", "CSeq: 1 INVITE", "", ""))
        #expect(validator.validate(m) == .drop)
    }
}
