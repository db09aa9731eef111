import NIOCore
import Testing

@testable import SIP

/// RFC 4475 torture messages: each file is one case; valid ones assert
/// values the RFC describes, invalid ones the specific error or status.
struct TortureCase: Sendable, CustomTestStringConvertible {
    enum Expected: Sendable {
        /// Parses and passes validation.
        case accepted
        /// The parser rejects it with this error.
        case parserRejects(SIPParseError)
        /// Parses; the validator answers with this status.
        case validatorReplies(Int)
        /// Parses; the validator drops it (responses that cannot be answered).
        case validatorDrops
    }

    let file: String
    let section: String
    let expected: Expected
    let check: @Sendable (SIPMessage) throws -> Void

    init(file: String, section: String, expected: Expected,
         check: @escaping @Sendable (SIPMessage) throws -> Void = { _ in }) {
        self.file = file
        self.section = section
        self.expected = expected
        self.check = check
    }

    var testDescription: String { "\(section) \(file)" }
}

let validator = SIPRequestValidator()

@Suite("RFC 4475 torture tests")
struct RFC4475TortureTests {
    @Test("every fixture file has a case", .tags(.rfc4475))
    func everyFixtureFileIsCovered() throws {
        #expect(try Fixture.allNames() == TortureCase.all.map(\.file).sorted())
        #expect(TortureCase.all.count == 49)
    }

    @Test("torture message", .tags(.rfc4475), arguments: TortureCase.all)
    func tortureMessageGetsTheRFCVerdict(_ c: TortureCase) throws {
        let bytes = try Fixture.bytes(c.file)
        switch c.expected {
        case .parserRejects(let expected):
            #expect(throws: expected) { try SIPParser.parse(datagram: bytes) }
            // Where a reply is due, the headers needed for it can still be read.
            if case .reply = expected.action {
                let response = SIPMessage.errorResponse(toUnparseable: bytes, error: expected)
                #expect(response?.statusCode == expected.action.status)
            }
        case .accepted:
            let message = try SIPParser.parse(datagram: bytes)
            #expect(validator.validate(message) == .accept)
            try c.check(message)
            try expectRoundTrip(message)
        case .validatorReplies(let status):
            let message = try SIPParser.parse(datagram: bytes)
            #expect(validator.validate(message).status == status)
            try c.check(message)
        case .validatorDrops:
            let message = try SIPParser.parse(datagram: bytes)
            #expect(validator.validate(message) == .drop)
            try c.check(message)
        }
    }

    /// Serialising and re-parsing gives the same message.
    private func expectRoundTrip(_ message: SIPMessage) throws {
        var again = try SIPParser.parse(datagram: message.serialized())
        // The serialiser always states Content-Length; an RFC 2543 message had none.
        if !message.headers.contains(.contentLength) { again.headers.remove(.contentLength) }
        #expect(again == message)
    }
}

extension SIPErrorAction {
    var status: Int? {
        if case .reply(let status, _) = self { return status }
        return nil
    }
}

extension Tag {
    @Tag static var rfc4475: Self
}
