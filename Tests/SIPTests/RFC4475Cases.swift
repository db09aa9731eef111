import NIOCore
import Testing

@testable import SIP

// Values asserted per message come from the text of RFC 4475 §3.
extension TortureCase {
    static let all: [TortureCase] = valid + invalid + semantic

    static let valid: [TortureCase] = [
        TortureCase(file: "wsinv", section: "3.1.1.1", expected: .accepted) { (m: SIPMessage) throws in
            #expect(m.method == .invite)
            let uri = try #require(try m.requestURI().sipURI)
            #expect(uri.user == "vivekg")
            #expect(uri.host == "chair-dnrc.example.com")
            #expect(uri.parameters == [SIPParameter(name: "unknownparam")])
            let to = try m.to()
            #expect(to.uri.sipURI?.user == "vivekg")
            #expect(to.tag == "1918181833n")
            let from = try m.from()
            #expect(from.displayName == "J Rosenberg \\\"")
            #expect(from.tag == "98asjd8")
            #expect(try m.maxForwards() == 68)
            #expect(try m.callID() == "wsinv.ndaksdj@192.0.2.1")
            #expect(try m.cseq() == SIPCSeq(9, .invite))
            let vias = try m.vias()
            #expect(vias.map(\.transport) == ["UDP", "TCP", "UDP"])
            #expect(vias.map(\.host) == ["192.0.2.2", "spindle.example.com", "192.168.255.111"])
            #expect(vias.map(\.branch) == ["390skdjuw", "z9hG4bK9ikj8", "z9hG4bK30239"])
            #expect(m.headers[.subject] == "")
            #expect(m.headers["NewFangledHeader"] == "newfangled value continued newfangled value")
            #expect(m.headers["UnknownHeaderWithUnusualValue"] == ";;,,;;,;")
            let route = try #require(try m.routes().first?.uri.sipURI)
            #expect(route.host == "services.example.com")
            #expect(route.isLooseRouter)
            #expect(route.parameters.first(named: "unknownwith")?.rawValue == "value")
            guard case .addresses(let contacts) = try #require(try m.contacts()) else { throw Unexpected() }
            #expect(contacts.first?.displayName == "Quoted string \"\"")
            #expect(contacts.first?.parameters.first(named: "newparam")?.value == "newvalue")
            #expect(contacts.first?.parameters.contains(named: "secondparam") == true)
            #expect(contacts.first?.q == 0.33)
            #expect(m.body.readableBytes == 150)
            #expect(try SDPSession(parsing: m.body).media.count == 2)
        },
        TortureCase(file: "intmeth", section: "3.1.1.2", expected: .accepted) { (m: SIPMessage) throws in
            let method = "!interesting-Method0123456789_*+`.%indeed'~"
            #expect(m.method == .other(method))
            let uri = try #require(try m.requestURI().sipURI)
            #expect(uri.user == "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*")
            #expect(uri.password == "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)")
            #expect(uri.host == "example.com")
            #expect(try m.topVia().branch == "z9hG4bK-.!%66*_+`'~")
            #expect(try m.to().displayName == "BEL:\u{07} NUL:\u{00} DEL:\u{7F}")
            #expect(try m.to().uri.sipURI?.user == "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*")
            let from = try m.from()
            #expect(from.displayName == "token1~` token2'+_ token3*%!.-")
            #expect(from.tag == "_token~1'+`*%!-.")
            #expect(from.parameters.first(named: "fromParam''~+*_!.-%")?.value == "работающий")
            #expect(try m.callID() == "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{")
            #expect(try m.cseq() == SIPCSeq(139_122_385, .other(method)))
            #expect(try m.maxForwards() == 255)
            #expect(m.headers["extensionHeader-!.%*+_`'~"] == "\u{FEFF}大停電")
        },
        TortureCase(file: "esc01", section: "3.1.1.3", expected: .accepted) { (m: SIPMessage) throws in
            let uri = try #require(try m.requestURI().sipURI)
            #expect(uri.user == "sips:user@example.com")
            #expect(uri.userRaw == "sips%3Auser%40example.com")
            #expect(uri.host == "example.net")
            #expect(try m.to().uri.sipURI?.user == "user")
            #expect(try m.from().uri.sipURI?.user == "I have spaces")
            #expect(try m.callID() == "esc01.239409asdfakjkn23onasd0-3234")
            #expect(try m.contentType() == SIPMediaType.sdp)
            guard case .addresses(let contacts) = try #require(try m.contacts()) else { throw Unexpected() }
            let contact = try #require(contacts.first?.uri.sipURI)
            #expect(contact.user == "caller")
            #expect(contact.parameters.map(\.name) == ["%6C%72", "n%61me"])
            #expect(contact.parameters[1].decodedValue == "value%41")
        },
        TortureCase(file: "escnull", section: "3.1.1.4", expected: .accepted) { (m: SIPMessage) throws in
            #expect(try m.to().uri.sipURI?.user == "null-\u{0}-null")
            #expect(try m.from().uri.sipURI?.userBytes == Array("null-\u{0}-null".utf8))
            guard case .addresses(let contacts) = try #require(try m.contacts()) else { throw Unexpected() }
            #expect(contacts.map { $0.uri.sipURI?.userBytes } == [[0], [0, 0]])
            #expect(try m.contentLength() == 0)
        },
        TortureCase(file: "esc02", section: "3.1.1.5", expected: .accepted) { (m: SIPMessage) throws in
            #expect(m.method == .other("RE%47IST%45R"))
            #expect(m.method != .register)
            #expect(try m.to().displayName == "%Z%45")
            #expect(try m.topVia().branch == "z9hG4bK209%fzsnel234")
            guard case .addresses(let contacts) = try #require(try m.contacts()) else { throw Unexpected() }
            #expect(contacts.map { $0.uri.sipURI?.host } == ["host1.example.com", "host3.example.com"])
            #expect(m.headers["C%6Fntact"] == "<sip:alias2@host2.example.com>")
        },
        TortureCase(file: "lwsdisp", section: "3.1.1.6", expected: .accepted) { (m: SIPMessage) throws in
            let from = try m.from()
            #expect(from.displayName == "caller")
            #expect(from.uri.sipURI?.user == "caller")
            #expect(from.tag == "323")
        },
        TortureCase(file: "longreq", section: "3.1.1.7", expected: .accepted) { (m: SIPMessage) throws in
            let to = try m.to()
            #expect(to.displayName?.hasPrefix("I have a user name of extremeextreme") == true)
            #expect(to.uri.sipURI?.port == 6000)
            #expect(to.uri.sipURI?.parameters.count == 3)
            let from = try m.from()
            #expect(from.tag?.utf8.count == 155)
            #expect(from.parameters.count == 3)
            let vias = try m.vias()
            #expect(vias.count == 34)
            #expect(vias.first?.host == "sip33.example.com")
            #expect(vias.last?.received == "192.0.2.5")
            #expect(try m.cseq() == SIPCSeq(3_882_340, .invite))
            #expect(m.body.readableBytes == 150)
        },
        TortureCase(file: "dblreq", section: "3.1.1.8", expected: .accepted) { (m: SIPMessage) throws in
            #expect(m.method == .register)
            #expect(try m.callID() == "dblreq.0ha0isndaksdj99sdfafnl3lk233412")
            #expect(m.body.readableBytes == 0)
        },
        TortureCase(file: "semiuri", section: "3.1.1.9", expected: .accepted) { (m: SIPMessage) throws in
            let uri = try #require(try m.requestURI().sipURI)
            #expect(uri.userRaw == "user;par=u%40example.net")
            #expect(uri.user == "user;par=u@example.net")
            #expect(uri.host == "example.com")
            #expect(uri.parameters.isEmpty)
            #expect(m.headers.values(.accept).count == 6)
        },
        TortureCase(file: "transports", section: "3.1.1.10", expected: .accepted) { (m: SIPMessage) throws in
            #expect(try m.vias().map(\.transport) == ["UDP", "SCTP", "TLS", "UNKNOWN", "TCP"])
        },
        TortureCase(file: "mpart01", section: "3.1.1.11", expected: .accepted) { (m: SIPMessage) throws in
            #expect(m.method == .message)
            let type = try #require(try m.contentType())
            #expect(type.matches(.multipartMixed))
            #expect(type.parameter("boundary") == "7a9cbec02ceef655")
            #expect(m.body.readableBytes == 553)
            #expect(m.body.readableBytesView.contains(0))
            let via = try m.topVia()
            #expect(via.hasRPort && via.rport == nil)
            #expect(Multipart.partContentTypes(body: m.body, boundary: "7a9cbec02ceef655").map(\.description)
                == ["text/plain", "application/octet-stream"])
        },
        TortureCase(file: "unreason", section: "3.1.1.12", expected: .accepted) { (m: SIPMessage) throws in
            #expect(m.statusCode == 200)
            #expect(m.reasonPhrase == "= 2**3 * 5**2 но сто девяносто девять - простое")
            #expect(m.body.readableBytes == 154)
        },
        TortureCase(file: "noreason", section: "3.1.1.13", expected: .accepted) { (m: SIPMessage) throws in
            #expect(m.statusCode == 100)
            #expect(m.reasonPhrase == "")
        },
    ]

    static let invalid: [TortureCase] = [
        TortureCase(file: "badinv01", section: "3.1.2.1", expected: .validatorReplies(400)) { (m: SIPMessage) throws in
            #expect(throws: SIPHeaderError(.via, .syntax(.emptyListElement))) { try m.vias() }
            #expect(throws: SIPHeaderError.self) { try m.contacts() }
        },
        TortureCase(file: "clerr", section: "3.1.2.2", expected: .parserRejects(.truncatedBody(declared: 9999, available: 154))),
        TortureCase(file: "ncl", section: "3.1.2.3", expected: .parserRejects(.invalidContentLength)),
        TortureCase(file: "scalar02", section: "3.1.2.4", expected: .validatorReplies(400)) { (m: SIPMessage) throws in
            #expect(throws: SIPHeaderError(.cseq, .syntax(.numberOutOfRange))) { try m.cseq() }
            #expect(throws: SIPHeaderError(.maxForwards, .syntax(.numberOutOfRange))) { try m.maxForwards() }
            #expect(throws: SIPHeaderError(.expires, .syntax(.numberOutOfRange))) { try m.expires() }
        },
        TortureCase(file: "scalarlg", section: "3.1.2.5", expected: .validatorDrops) { (m: SIPMessage) throws in
            #expect(m.statusCode == 503)
            #expect(throws: SIPHeaderError(.cseq, .syntax(.numberOutOfRange))) { try m.cseq() }
        },
        TortureCase(file: "quotbal", section: "3.1.2.6", expected: .validatorReplies(400)) { (m: SIPMessage) throws in
            #expect(throws: SIPHeaderError(.to, .syntax(.unterminatedQuotedString))) { try m.to() }
        },
        TortureCase(file: "ltgtruri", section: "3.1.2.7", expected: .parserRejects(.malformedRequestURI)),
        TortureCase(file: "lwsruri", section: "3.1.2.8", expected: .parserRejects(.malformedRequestLine)),
        TortureCase(file: "lwsstart", section: "3.1.2.9", expected: .parserRejects(.malformedRequestLine)),
        TortureCase(file: "trws", section: "3.1.2.10", expected: .parserRejects(.malformedRequestLine)),
        TortureCase(file: "escruri", section: "3.1.2.11", expected: .validatorReplies(400)) { (m: SIPMessage) throws in
            #expect(try m.requestURI().sipURI?.header("Route") == "<sip:example.com>")
        },
        // The Date header is not used, so the request is processed (the RFC allows either).
        TortureCase(file: "baddate", section: "3.1.2.12", expected: .accepted) { (m: SIPMessage) throws in
            #expect(m.headers[.date] == "Fri, 01 Jan 2010 16:00:00 EST")
        },
        TortureCase(file: "regbadct", section: "3.1.2.13", expected: .validatorReplies(400)) { (m: SIPMessage) throws in
            #expect(throws: SIPHeaderError(.contact, .syntax(.addrSpecNeedsAngleBrackets))) { try m.contacts() }
        },
        TortureCase(file: "badaspec", section: "3.1.2.14", expected: .validatorReplies(400)) { (m: SIPMessage) throws in
            #expect(throws: SIPHeaderError(.to, .syntax(.whitespaceInAddrSpec))) { try m.to() }
        },
        TortureCase(file: "baddn", section: "3.1.2.15", expected: .validatorReplies(400)) { (m: SIPMessage) throws in
            #expect(throws: SIPHeaderError(.from, .syntax(.invalidDisplayName))) { try m.from() }
        },
        TortureCase(file: "badvers", section: "3.1.2.16", expected: .parserRejects(.unsupportedVersion("SIP/7.0"))),
        TortureCase(file: "mismatch01", section: "3.1.2.17", expected: .validatorReplies(400)) { (m: SIPMessage) throws in
            #expect(validator.validate(m) == .reply(SIPReply(status: 400, reason: "CSeq Method Mismatch")))
        },
        TortureCase(file: "mismatch02", section: "3.1.2.18", expected: .validatorReplies(400)) { (m: SIPMessage) throws in
            #expect(m.method == .other("NEWMETHOD"))
            #expect(validator.validate(m) == .reply(SIPReply(status: 400, reason: "CSeq Method Mismatch")))
        },
        TortureCase(file: "bigcode", section: "3.1.2.19", expected: .parserRejects(.inResponse(.malformedStatusLine))),
    ]

    static let semantic: [TortureCase] = [
        // Without the magic cookie the transaction layer falls back to RFC 2543 matching.
        TortureCase(file: "badbranch", section: "3.2.1", expected: .accepted) { (m: SIPMessage) throws in
            let via = try m.topVia()
            #expect(via.branch == "z9hG4bK")
            #expect(!via.hasMagicCookie)
        },
        TortureCase(file: "insuf", section: "3.3.1", expected: .validatorReplies(400)) { (m: SIPMessage) throws in
            #expect(validator.validate(m) == .reply(SIPReply(status: 400, reason: "Missing To, From, Call-ID")))
        },
        TortureCase(file: "unkscm", section: "3.3.2", expected: .validatorReplies(416)) { (m: SIPMessage) throws in
            #expect(try m.requestURI() == .other(OpaqueURI(scheme: "nobodyKnowsThisScheme", content: "totallyopaquecontent")))
        },
        TortureCase(file: "novelsc", section: "3.3.3", expected: .validatorReplies(416)) { (m: SIPMessage) throws in
            #expect(try m.requestURI().scheme == "soap.beep")
        },
        TortureCase(file: "unksm2", section: "3.3.4", expected: .validatorReplies(400)) { (m: SIPMessage) throws in
            #expect(try m.to().uri.scheme == "isbn")
            #expect(try m.from().uri.scheme == "http")
            guard case .addresses(let contacts) = try #require(try m.contacts()) else { throw Unexpected() }
            #expect(contacts.first?.uri.scheme == "name")
        },
        TortureCase(file: "bext01", section: "3.3.5", expected: .validatorReplies(420)) { (m: SIPMessage) throws in
            guard case .reply(let reply) = validator.validate(m) else { throw Unexpected() }
            #expect(reply.headers == [SIPHeaderLine("Unsupported", "nothingSupportsThis, nothingSupportsThisEither")])
            let proxy = SIPRequestValidator(checkProxyRequire: true)
            guard case .reply(let proxyReply) = proxy.validate(m) else { throw Unexpected() }
            #expect(proxyReply.headers.first?.value.contains("noProxiesSupportThis") == true)
        },
        TortureCase(file: "invut", section: "3.3.6", expected: .validatorReplies(415)) { (m: SIPMessage) throws in
            guard case .reply(let reply) = validator.validate(m) else { throw Unexpected() }
            #expect(reply.headers == [SIPHeaderLine("Accept", "application/sdp")])
        },
        // Parses and validates; the registrar then challenges with Digest (401).
        TortureCase(file: "regaut01", section: "3.3.7", expected: .accepted) { (m: SIPMessage) throws in
            let credentials = try #require(try m.authorization().first)
            #expect(credentials.scheme == "NoOneKnowsThisScheme")
            #expect(!credentials.isDigest)
            #expect(credentials.parameter("opaque-data") == "here")
            let challenge = SIPAuthHeader.digestChallenge(realm: "example.com", nonce: "abc")
            let response = m.makeResponse(
                status: 401, toTag: "t1", extraHeaders: [SIPHeaderLine("WWW-Authenticate", challenge.description)])
            #expect(try response.wwwAuthenticate().first?.realm == "example.com")
        },
        TortureCase(file: "multi01", section: "3.3.8", expected: .validatorReplies(400)) { (m: SIPMessage) throws in
            #expect(throws: SIPHeaderError(.to, .repeated)) { try m.to() }
            #expect(throws: SIPHeaderError(.callID, .repeated)) { try m.callID() }
        },
        TortureCase(file: "mcl01", section: "3.3.9", expected: .parserRejects(.multipleContentLength)),
        TortureCase(file: "bcast", section: "3.3.10", expected: .validatorDrops) { (m: SIPMessage) throws in
            #expect(try m.vias().last?.host == "255.255.255.255")
        },
        TortureCase(file: "zeromf", section: "3.3.11", expected: .accepted) { (m: SIPMessage) throws in
            #expect(try m.maxForwards() == 0)
            #expect(validator.relayVerdict(m).status == 483)
        },
        TortureCase(file: "cparam01", section: "3.3.12", expected: .accepted) { (m: SIPMessage) throws in
            guard case .addresses(let contacts) = try #require(try m.contacts()) else { throw Unexpected() }
            let contact = try #require(contacts.first)
            #expect(contact.parameters == [SIPParameter(name: "unknownparam")])
            #expect(contact.uri.sipURI?.parameters.isEmpty == true)
            #expect(contact.uri.sipURI?.user == "+19725552222")
        },
        TortureCase(file: "cparam02", section: "3.3.13", expected: .accepted) { (m: SIPMessage) throws in
            guard case .addresses(let contacts) = try #require(try m.contacts()) else { throw Unexpected() }
            let contact = try #require(contacts.first)
            #expect(contact.parameters.isEmpty)
            #expect(contact.uri.sipURI?.parameters == [SIPParameter(name: "unknownparam")])
        },
        TortureCase(file: "regescrt", section: "3.3.14", expected: .accepted) { (m: SIPMessage) throws in
            guard case .addresses(let contacts) = try #require(try m.contacts()) else { throw Unexpected() }
            let uri = try #require(contacts.first?.uri.sipURI)
            #expect(uri.header("Route") == "<sip:sip.example.com>")
            // The binding keeps the escaped header exactly.
            #expect(uri.description == "sip:user@example.com?Route=%3Csip:sip.example.com%3E")
        },
        TortureCase(file: "sdp01", section: "3.3.15", expected: .validatorReplies(406)),
        TortureCase(file: "inv2543", section: "3.4.1", expected: .accepted) { (m: SIPMessage) throws in
            #expect(try m.topVia().branch == nil)
            #expect(try m.from().tag == nil)
            #expect(try m.maxForwards() == nil)
            #expect(try m.contentLength() == nil)
            #expect(m.body.readableBytes == 105)
            #expect(try m.recordRoutes().first?.uri.sipURI?.maddr == "ss1.example.com")
            // In addr-spec form the parameters belong to the header, not the URI (RFC 3261 §20.10).
            #expect(try m.to().parameters.first(named: "user")?.value == "phone")
            #expect(try m.from().uri.sipURI?.userParameter == "phone")
        },
    ]
}

struct Unexpected: Error {}
