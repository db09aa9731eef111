import NIOCore
import Testing

@testable import SIP

@Suite struct SDPTests {
    @Test func typicalOfferParsesAndRoundTrips() throws {
        let sdp = try SDPSession(parsing: typicalSDP)
        #expect(sdp.origin.sessionID == "3344556677" && sdp.origin.address == "192.0.2.10")
        #expect(sdp.connection?.address == "192.0.2.10")
        let audio = try #require(sdp.media.first)
        #expect(audio.type == "audio" && audio.port == 40000 && audio.proto == "RTP/AVP")
        #expect(audio.formats == ["0", "8", "101"])
        #expect(audio.rtpMap(payloadType: 8) == SDPRtpMap(payloadType: 8, encoding: "PCMA", clockRate: 8000))
        #expect(audio.fmtp(payloadType: 101) == "0-16")
        #expect(audio.ptime == 20)
        #expect(audio.rtcp?.port == 40001)
        #expect(audio.direction == .sendrecv)
        #expect(sdp.text == typicalSDP)
    }

    @Test func unknownLinesAreKeptInPlace() throws {
        let text = "v=0\r\no=alice 1 2 IN IP6 ::1\r\ns=call\r\ni=info\r\nc=IN IP6 ::1\r\nb=AS:64\r\nt=0 0\r\nx=unknown\r\na=group:BUNDLE 0\r\n"
            + "m=audio 0/2 RTP/SAVP 0\r\ni=media info\r\nc=IN IP4 10.0.0.1\r\nb=TIAS:64000\r\na=inactive\r\na=rtcp:9 IN IP4 10.0.0.2\r\n"
        let sdp = try SDPSession(parsing: text)
        #expect(sdp.text == text)
        #expect(sdp.media[0].portCount == 2 && sdp.media[0].direction == .inactive)
        #expect(sdp.media[0].rtcp?.connection?.address == "10.0.0.2")
        #expect(sdp.attributes == [SDPAttribute("group", "BUNDLE 0")])
    }

    @Test func directionCanBeChangedForAnAnswer() throws {
        var sdp = try SDPSession(parsing: typicalSDP)
        sdp.media[0].direction = .sendonly
        sdp.origin.sessionVersion += 1
        let again = try SDPSession(parsing: sdp.text)
        #expect(again.media[0].direction == .sendonly)
        #expect(again.origin.sessionVersion == 3_344_556_678)
        var buffer = ByteBuffer()
        again.write(into: &buffer)
        #expect(try SDPSession(parsing: buffer) == again)
    }

    @Test func builtSessionSerialises() {
        var media = SDPMedia(type: "audio", port: 30000, formats: ["0"], attributes: [SDPAttribute("sendrecv")])
        media.addRtpMap(SDPRtpMap(payloadType: 0, encoding: "PCMU", clockRate: 8000))
        let sdp = SDPSession(origin: SDPOrigin(sessionID: "1", sessionVersion: 1, address: "198.51.100.1"),
                             connection: SDPConnection(address: "198.51.100.1"), media: [media])
        #expect(sdp.text == "v=0\r\no=- 1 1 IN IP4 198.51.100.1\r\ns=-\r\nc=IN IP4 198.51.100.1\r\nt=0 0\r\n"
            + "m=audio 30000 RTP/AVP 0\r\na=sendrecv\r\na=rtpmap:0 PCMU/8000\r\n")
    }

    @Test(arguments: [
        ("o=x 1 1 IN IP4 h\r\n", SDPParseError.missingVersion),
        ("v=1\r\n", .unsupportedVersion),
        ("v=0\r\ns=-\r\n", .missingOrigin),
        ("v=0\r\no=x 1 IN IP4 h\r\n", .malformedOrigin),
        ("v=0\r\no=x 1 1 IN IP4 h\r\n", .missingSessionName),
        ("v=0\r\no=x 1 1 IN IP4 h\r\ns=-\r\nm=audio x RTP/AVP 0\r\n", .malformedMedia(line: 4)),
        ("v=0\r\no=x 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4\r\n", .malformedConnection(line: 4)),
        ("v=0\r\nbad\r\n", .malformedLine(number: 2)),
    ])
    func malformedSDPGivesSpecificError(text: String, error: SDPParseError) {
        #expect(throws: error) { try SDPSession(parsing: text) }
    }
}
