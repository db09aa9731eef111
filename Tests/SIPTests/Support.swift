import Foundation
import NIOCore
import Testing

@testable import SIP

enum Fixture {
    static let directory = "Fixtures/rfc4475"

    static func bytes(_ name: String) throws -> ByteBuffer {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "dat", subdirectory: directory))
        return ByteBuffer(bytes: Array(try Data(contentsOf: url)))
    }

    /// Every .dat file shipped in the fixture folder.
    static func allNames() throws -> [String] {
        let url = try #require(Bundle.module.url(forResource: directory, withExtension: nil))
        return try FileManager.default.contentsOfDirectory(atPath: url.path)
            .filter { $0.hasSuffix(".dat") }
            .map { String($0.dropLast(4)) }
            .sorted()
    }
}

/// Builds CRLF text from lines, for hand-written messages.
func sip(_ lines: String...) -> String {
    lines.joined(separator: "\r\n")
}

func parse(_ text: String) throws -> SIPMessage {
    try SIPParser.parse(datagram: ByteBuffer(string: text))
}

let typicalRegister = sip(
    "REGISTER sip:pbx.example.com SIP/2.0",
    "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport",
    "Max-Forwards: 70",
    "To: \"Agent 1001\" <sip:1001@pbx.example.com>",
    "From: \"Agent 1001\" <sip:1001@pbx.example.com>;tag=1928301774",
    "Call-ID: a84b4c76e66710@192.0.2.10",
    "CSeq: 314159 REGISTER",
    "Contact: <sip:1001@192.0.2.10:5060;transport=udp>;expires=3600;+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\"",
    "Expires: 3600",
    "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER, NOTIFY, MESSAGE",
    "Supported: path, outbound, gruu",
    "User-Agent: Hotline-Softphone/1.0",
    "Authorization: Digest username=\"1001\", realm=\"pbx.example.com\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"sip:pbx.example.com\", response=\"6629fae49393a05397450978507c4ef1\", algorithm=MD5, cnonce=\"0a4f113b\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\", qop=auth, nc=00000001",
    "Content-Length: 0",
    "", "")

let typicalSDP = sip(
    "v=0",
    "o=- 3344556677 3344556677 IN IP4 192.0.2.10",
    "s=-",
    "c=IN IP4 192.0.2.10",
    "t=0 0",
    "m=audio 40000 RTP/AVP 0 8 101",
    "a=rtpmap:0 PCMU/8000",
    "a=rtpmap:8 PCMA/8000",
    "a=rtpmap:101 telephone-event/8000",
    "a=fmtp:101 0-16",
    "a=ptime:20",
    "a=rtcp:40001",
    "a=sendrecv",
    "")

let typicalInvite = sip(
    "INVITE sip:4000@pbx.example.com SIP/2.0",
    "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKnashds8;rport",
    "Max-Forwards: 70",
    "To: <sip:4000@pbx.example.com>",
    "From: \"Agent 1001\" <sip:1001@pbx.example.com>;tag=9fxced76sl",
    "Call-ID: 3848276298220188511@192.0.2.10",
    "CSeq: 1 INVITE",
    "Contact: <sip:1001@192.0.2.10:5060>",
    "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS",
    "Supported: replaces, timer",
    "Content-Type: application/sdp",
    "Content-Length: \(typicalSDP.utf8.count)",
    "",
    typicalSDP)
