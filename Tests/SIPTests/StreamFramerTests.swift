import NIOCore
import Testing

@testable import SIP

@Suite struct StreamFramerTests {
    /// Two messages with keep-alives around them, as a TCP peer may send.
    let stream = "\r\n\r\n" + typicalRegister + typicalInvite + "\r\n" + typicalRegister

    private func drain(_ framer: inout SIPStreamFramer) throws -> [SIPStreamFramer.Event] {
        var events: [SIPStreamFramer.Event] = []
        while let event = try framer.next() { events.append(event) }
        return events
    }

    private func frame(_ chunks: [ArraySlice<UInt8>]) throws -> [SIPStreamFramer.Event] {
        var framer = SIPStreamFramer()
        var events: [SIPStreamFramer.Event] = []
        for chunk in chunks {
            framer.feed(ByteBuffer(bytes: chunk))
            events += try drain(&framer)
        }
        #expect(framer.bufferedBytes == 0)
        return events
    }

    private var expected: [SIPStreamFramer.Event] {
        get throws {
            [.keepAlivePing, .message(try parse(typicalRegister)), .message(try parse(typicalInvite)),
             .keepAlivePong, .message(try parse(typicalRegister))]
        }
    }

    @Test func wholeStreamYieldsMessagesAndKeepAlives() throws {
        #expect(try frame([Array(stream.utf8)[...]]) == expected)
    }

    @Test func byteByByteFeedingGivesTheSameEvents() throws {
        let bytes = Array(stream.utf8)
        #expect(try frame(bytes.indices.map { bytes[$0...$0] }) == expected)
    }

    @Test(arguments: [1, 7, 42, 2026])
    func randomChunksGiveTheSameEvents(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let bytes = Array(stream.utf8)
        var chunks: [ArraySlice<UInt8>] = []
        var i = 0
        while i < bytes.count {
            let n = min(Int(rng.next() % 97) + 1, bytes.count - i)
            chunks.append(bytes[i..<(i + n)])
            i += n
        }
        #expect(try frame(chunks) == expected)
    }

    /// dblreq's INVITE body is 155 octets behind a Content-Length of 150: over
    /// UDP the rest is ignored, on a stream the leftover "C" is a broken start line.
    @Test func rfc4475DoubleRequestOnAStreamIsTwoMessagesThenGarbage() throws {
        var framer = SIPStreamFramer()
        framer.feed(try Fixture.bytes("dblreq"))
        var messages: [SIPMessage] = []
        let error = #expect(throws: SIPParseError.self) {
            while let event = try framer.next() {
                if case .message(let m) = event { messages.append(m) }
            }
        }
        #expect(error == .malformedRequestLine)
        #expect(messages.map(\.method) == [.register, .invite])
        #expect(messages.last?.body.readableBytes == 150)
    }

    @Test func pingIsReportedOnlyWhenBothCRLFsArrived() throws {
        var framer = SIPStreamFramer()
        framer.feed(ByteBuffer(string: "\r\n"))
        #expect(try framer.next() == nil)
        framer.feed(ByteBuffer(string: "\r\n"))
        #expect(try framer.next() == .keepAlivePing)
        #expect(try framer.next() == nil)
    }

    @Test func anyRunOfStrayLineBreaksIsSkippedWithoutRecursion() throws {
        // 200,000 bare LFs and lone CRs once overflowed the stack (one call per byte).
        var framer = SIPStreamFramer()
        framer.feed(ByteBuffer(string: String(repeating: "\n", count: 100_000) + String(repeating: "\r", count: 100_000)))
        // The last CR starts the ping.
        framer.feed(ByteBuffer(string: "\n\r\n" + typicalRegister))
        #expect(try drain(&framer) == [.keepAlivePing, .message(try parse(typicalRegister))])
    }

    @Test func contentLengthIsRequiredOnStreams() throws {
        var framer = SIPStreamFramer()
        framer.feed(ByteBuffer(string: "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h\r\n\r\n"))
        #expect(throws: SIPParseError.missingContentLength) { try framer.next() }
        // The stream cannot be re-synchronised: the error sticks.
        framer.feed(ByteBuffer(string: typicalRegister))
        #expect(throws: SIPParseError.missingContentLength) { try framer.next() }
        #expect(SIPParseError.missingContentLength.isFatalOnStream)
    }

    @Test func oversizeHeaderSectionFailsWithoutWaitingForItsEnd() throws {
        var framer = SIPStreamFramer(configuration: SIPParserConfiguration(maxHeaderSectionBytes: 100, maxBodyBytes: 100))
        framer.feed(ByteBuffer(string: "OPTIONS sip:a@b SIP/2.0\r\n" + String(repeating: "X-Pad: 0123456789\r\n", count: 10)))
        #expect(throws: SIPParseError.headerSectionTooLarge(limit: 100)) { try framer.next() }
    }

    @Test func oversizeBodyFailsBeforeTheBodyArrives() throws {
        var framer = SIPStreamFramer(configuration: SIPParserConfiguration(maxHeaderSectionBytes: 1000, maxBodyBytes: 100))
        framer.feed(ByteBuffer(string: "MESSAGE sip:a@b SIP/2.0\r\nContent-Length: 1000000\r\n\r\n"))
        #expect(throws: SIPParseError.bodyTooLarge(limit: 100)) { try framer.next() }
        #expect(SIPParseError.bodyTooLarge(limit: 100).action == .reply(status: 413, reason: "Request Entity Too Large"))
    }

    @Test func partialBodyWaitsForTheRest() throws {
        var framer = SIPStreamFramer()
        let bytes = Array(typicalInvite.utf8)
        framer.feed(ByteBuffer(bytes: bytes.dropLast(10)))
        #expect(try framer.next() == nil)
        framer.feed(ByteBuffer(bytes: bytes.suffix(10)))
        #expect(try framer.next() == .message(try parse(typicalInvite)))
    }
}

/// Deterministic generator so chunkings are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
