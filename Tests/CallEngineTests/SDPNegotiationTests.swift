import Media
import SIP
import Testing

@testable import CallEngine

@Suite("SDP offer/answer for the B2BUA's legs")
struct SDPNegotiationTests {
    static let sippOffer = """
        v=0\r
        o=user1 53655765 2353687637 IN IP4 127.0.0.1\r
        s=-\r
        c=IN IP4 127.0.0.1\r
        t=0 0\r
        m=audio 6000 RTP/AVP 8 0 101\r
        a=rtpmap:8 PCMA/8000\r
        a=rtpmap:0 PCMU/8000\r
        a=rtpmap:101 telephone-event/8000\r
        a=fmtp:101 0-11,16\r

        """

    @Test func readsThePhonesAudio() throws {
        let audio = try #require(RemoteAudio(try SDPSession(parsing: Self.sippOffer)))
        #expect(audio.host == "127.0.0.1")
        #expect(audio.port == 6000)
        #expect(audio.codecs.map(\.codec) == [.pcma, .pcmu])
        #expect(audio.telephoneEvent == 101)
        #expect(audio.direction == .sendrecv)
    }

    @Test func staticPayloadTypesWithoutRtpmapAndHold() throws {
        let text = "v=0\r\no=- 1 1 IN IP4 10.0.0.5\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0 18\r\n"
        let audio = try #require(RemoteAudio(try SDPSession(parsing: text)))
        #expect(audio.codecs.map(\.codec) == [.pcmu])
        #expect(audio.direction == .inactive)  // c=0.0.0.0: RFC 2543 hold
    }

    @Test func noUsableCodecIsNoAudio() throws {
        let text = "v=0\r\no=- 1 1 IN IP4 10.0.0.5\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\nm=audio 4000 RTP/AVP 18 9\r\n"
        #expect(RemoteAudio(try SDPSession(parsing: text)) == nil)
    }

    @Test func offerPutsTheCallersCodecFirstAndAlwaysOffersAll() throws {
        let offer = SDPNegotiation.offer(preferring: [.pcma], host: "192.0.2.1", port: 30000, session: SessionVersion(id: "7"), direction: .sendrecv)
        let audio = try #require(RemoteAudio(try SDPSession(parsing: offer.text)))
        #expect(audio.codecs.map(\.codec) == [.pcma, .pcmu])
        #expect(audio.telephoneEvent == 101)
        #expect(audio.host == "192.0.2.1")
        #expect(audio.port == 30000)
    }

    @Test func answerPrefersTheOtherLegsCodecToAvoidTranscoding() throws {
        let offer = try #require(RemoteAudio(try SDPSession(parsing: Self.sippOffer)))
        let (sdp, format) = SDPNegotiation.answer(offer, otherLeg: .pcmu, host: "192.0.2.1", port: 30002, session: SessionVersion(id: "1"), direction: .sendrecv)
        #expect(format == LegFormat(codec: .pcmu, audioPayloadType: 0, telephoneEventPayloadType: 101))
        let answered = try #require(RemoteAudio(try SDPSession(parsing: sdp.text)))
        #expect(answered.codecs.map(\.codec) == [.pcmu])
        #expect(answered.telephoneEventRange == "0-11,16", "the answer lists only the events offered")
        #expect(answered.port == 30002)
    }

    @Test func answerFallsBackToThePhonesFirstCodec() throws {
        let text = Self.sippOffer.replacingOccurrences(of: "RTP/AVP 8 0 101", with: "RTP/AVP 0 101")
        let offer = try #require(RemoteAudio(try SDPSession(parsing: text)))
        let (_, format) = SDPNegotiation.answer(offer, otherLeg: .pcma, host: "192.0.2.1", port: 30002, session: SessionVersion(id: "1"), direction: .sendrecv)
        #expect(format.codec == .pcmu)  // PCMA on the other leg: the relay transcodes
    }

    @Test func streamsWeDoNotTakeAreRefusedInPlace() throws {
        let text = "v=0\r\no=- 1 1 IN IP4 10.0.0.5\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\n"
            + "m=video 5000 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\nm=audio 4000 RTP/AVP 8 0\r\n"
        let offer = try #require(RemoteAudio(try SDPSession(parsing: text)))
        #expect(offer.audioIndex == 1)
        let (sdp, _) = SDPNegotiation.answer(offer, otherLeg: nil, host: "192.0.2.1", port: 30002, session: SessionVersion(id: "1"), direction: .sendrecv)
        #expect(sdp.media.map(\.type) == ["video", "audio"])
        #expect(sdp.media.map(\.port) == [0, 30002])
        #expect(sdp.media[0].formats == ["96"])
    }

    @Test func holdDirectionsAnswer() {
        #expect(SDPNegotiation.answering(.sendonly) == .recvonly)
        #expect(SDPNegotiation.answering(.recvonly) == .sendonly)
        #expect(SDPNegotiation.answering(.inactive) == .inactive)
        #expect(SDPNegotiation.answering(.sendrecv) == .sendrecv)
    }
}
