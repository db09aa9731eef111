import SIP
import Testing

/// RFC 3261 §17 (and RFC 6026) transaction state machines, event → actions,
/// without sockets or clocks.
@Suite struct TransactionTests {
    static let timers = TransactionTimers()
    static let invite = SIPMessage(method: .invite, uri: "sip:1002@127.0.0.1", headers: SIPHeaders([
        ("Via", "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1"), ("Route", "<sip:proxy.example;lr>"),
        ("Max-Forwards", "70"), ("From", "<sip:1001@127.0.0.1>;tag=a"), ("To", "<sip:1002@127.0.0.1>"),
        ("Call-ID", "call-1"), ("CSeq", "7 INVITE"), ("Content-Length", "0"),
    ]))
    static let register = SIPMessage(method: .register, uri: "sip:127.0.0.1", headers: SIPHeaders([
        ("Via", "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-2"), ("Call-ID", "reg-1"), ("CSeq", "1 REGISTER"),
    ]))
    static func response(_ status: Int) -> SIPMessage {
        SIPMessage(status: status, headers: SIPHeaders([("To", "<sip:1002@127.0.0.1>;tag=b"), ("CSeq", "7 INVITE")]))
    }

    @Test func serverNonInviteAnswersRetransmissionsFromTheLastResponseUntilTimerJ() {
        var (tx, start) = ServerNonInviteTransaction.start(request: Self.register, reliable: false)
        #expect(start == [.deliver(Self.register)])
        #expect(tx.handle(.requestRetransmitted) == [], "nothing to resend while the TU works")
        #expect(tx.handle(.respond(Self.response(100))) == [.send(Self.response(100))])
        #expect(tx.handle(.requestRetransmitted) == [.send(Self.response(100))])
        #expect(tx.handle(.respond(Self.response(200))) == [.send(Self.response(200)), .startTimer(.j, after: .seconds(32))])
        #expect(tx.state == .completed)
        #expect(tx.handle(.requestRetransmitted) == [.send(Self.response(200))])
        #expect(tx.handle(.respond(Self.response(500))) == [], "a second final answer is ignored")
        #expect(tx.handle(.timerFired(.j)) == [.terminate])
        #expect(tx.state == .terminated)
    }

    @Test func serverNonInviteOverTCPEndsWithTheFinalResponse() {
        var (tx, _) = ServerNonInviteTransaction.start(request: Self.register, reliable: true)
        #expect(tx.handle(.respond(Self.response(401))) == [.send(Self.response(401)), .terminate])
    }

    @Test func serverInviteRetransmitsErrorsUntilACKAndAbsorbsTheRest() {
        let trying = Self.response(100)
        var (tx, start) = ServerInviteTransaction.start(request: Self.invite, trying: trying, reliable: false)
        #expect(start == [.send(trying), .deliver(Self.invite)])
        #expect(tx.handle(.requestRetransmitted) == [.send(trying)])
        #expect(tx.handle(.respond(Self.response(180))) == [.send(Self.response(180))])
        #expect(tx.handle(.respond(Self.response(486))) == [
            .send(Self.response(486)), .startTimer(.g, after: .milliseconds(500)), .startTimer(.h, after: .seconds(32)),
        ])
        #expect(tx.handle(.timerFired(.g)) == [.send(Self.response(486)), .startTimer(.g, after: .seconds(1))])
        #expect(tx.handle(.timerFired(.g)) == [.send(Self.response(486)), .startTimer(.g, after: .seconds(2))])
        #expect(tx.handle(.timerFired(.g)) == [.send(Self.response(486)), .startTimer(.g, after: .seconds(4))])
        #expect(tx.handle(.timerFired(.g)) == [.send(Self.response(486)), .startTimer(.g, after: .seconds(4))], "capped at T2")
        #expect(tx.handle(.ack) == [.cancelTimer(.g), .cancelTimer(.h), .startTimer(.i, after: .seconds(5))])
        #expect(tx.handle(.ack) == [], "retransmitted ACKs are absorbed")
        #expect(tx.handle(.timerFired(.i)) == [.terminate])
    }

    @Test func serverInviteWithoutACKTimesOutOnTimerH() {
        var (tx, _) = ServerInviteTransaction.start(request: Self.invite, trying: Self.response(100), reliable: false)
        _ = tx.handle(.respond(Self.response(404)))
        #expect(tx.handle(.timerFired(.h)) == [.cancelTimer(.g), .timedOut, .terminate])
    }

    @Test func serverInviteLeaves2xxRetransmissionToTheTU() {
        var (tx, _) = ServerInviteTransaction.start(request: Self.invite, trying: Self.response(100), reliable: false)
        #expect(tx.handle(.respond(Self.response(200))) == [.send(Self.response(200)), .startTimer(.l, after: .seconds(32))])
        #expect(tx.state == .accepted)
        #expect(tx.handle(.requestRetransmitted) == [], "RFC 6026: the TU resends its own 2xx")
        #expect(tx.handle(.respond(Self.response(200))) == [.send(Self.response(200))])
        #expect(tx.handle(.timerFired(.l)) == [.terminate])
    }

    @Test func clientInviteRetransmitsUntilAProvisionalAnswerThenACKsAnError() {
        var (tx, start) = ClientInviteTransaction.start(request: Self.invite, reliable: false)
        #expect(start == [.send(Self.invite), .startTimer(.a, after: .milliseconds(500)), .startTimer(.b, after: .seconds(32))])
        #expect(tx.handle(.timerFired(.a)) == [.send(Self.invite), .startTimer(.a, after: .seconds(1))])
        #expect(tx.handle(.timerFired(.a)) == [.send(Self.invite), .startTimer(.a, after: .seconds(2))])
        #expect(tx.handle(.response(Self.response(180))) == [.cancelTimer(.a), .cancelTimer(.b), .deliver(Self.response(180))])
        #expect(tx.handle(.timerFired(.a)) == [], "no retransmission after a provisional answer")
        let busy = Self.response(486)
        let actions = tx.handle(.response(busy))
        let ack = ClientInviteTransaction.ack(for: Self.invite, response: busy)
        #expect(actions == [.send(ack), .deliver(busy), .startTimer(.d, after: .seconds(32))])
        #expect(tx.handle(.response(busy)) == [.send(ack)], "a retransmitted error gets the ACK again, not the TU")
        #expect(tx.handle(.timerFired(.d)) == [.terminate])
    }

    @Test func theACKForAnErrorCopiesTheINVITEsIdentityAndTheResponsesTo() {
        let ack = ClientInviteTransaction.ack(for: Self.invite, response: Self.response(486))
        #expect(ack.method == .ack)
        #expect(ack.requestURIText == "sip:1002@127.0.0.1")
        #expect(ack.headers.first(.via) == "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1")
        #expect(ack.headers.first(.to) == "<sip:1002@127.0.0.1>;tag=b")
        #expect(ack.headers.first(.cseq) == "7 ACK")
        #expect(ack.headers.first(.callID) == "call-1")
        #expect(ack.headers.all(.route) == ["<sip:proxy.example;lr>"])
    }

    @Test func clientInviteTimesOutOnTimerBAndPasses2xxToTheTU() {
        var (silent, _) = ClientInviteTransaction.start(request: Self.invite, reliable: false)
        #expect(silent.handle(.timerFired(.b)) == [.cancelTimer(.a), .timedOut, .terminate])
        var (answered, _) = ClientInviteTransaction.start(request: Self.invite, reliable: true)
        #expect(answered.handle(.response(Self.response(200))) == [.cancelTimer(.a), .cancelTimer(.b), .deliver(Self.response(200)), .startTimer(.m, after: .seconds(32))])
        #expect(answered.handle(.response(Self.response(200))) == [.deliver(Self.response(200))], "RFC 6026: 2xx retransmissions reach the TU")
        #expect(answered.handle(.timerFired(.m)) == [.terminate])
    }

    @Test func clientNonInviteBacksOffToT2AndCompletesWithTimerK() {
        var (tx, start) = ClientNonInviteTransaction.start(request: Self.register, reliable: false)
        #expect(start == [.send(Self.register), .startTimer(.e, after: .milliseconds(500)), .startTimer(.f, after: .seconds(32))])
        for expected in [1, 2, 4, 4] {
            #expect(tx.handle(.timerFired(.e)) == [.send(Self.register), .startTimer(.e, after: .seconds(expected))])
        }
        #expect(tx.handle(.response(Self.response(100))) == [.deliver(Self.response(100))])
        #expect(tx.handle(.timerFired(.e)) == [.send(Self.register), .startTimer(.e, after: .seconds(4))], "T2 in Proceeding")
        #expect(tx.handle(.response(Self.response(200))) == [.cancelTimer(.e), .cancelTimer(.f), .deliver(Self.response(200)), .startTimer(.k, after: .seconds(5))])
        #expect(tx.handle(.response(Self.response(200))) == [], "retransmitted finals are absorbed")
        #expect(tx.handle(.timerFired(.k)) == [.terminate])
    }

    @Test func clientNonInviteReportsTimeoutAndTransportErrors() {
        var (lost, _) = ClientNonInviteTransaction.start(request: Self.register, reliable: false)
        #expect(lost.handle(.timerFired(.f)) == [.cancelTimer(.e), .timedOut, .terminate])
        var (broken, _) = ClientNonInviteTransaction.start(request: Self.register, reliable: true)
        #expect(broken.handle(.transportError) == [.cancelTimer(.e), .cancelTimer(.f), .transportFailed, .terminate])
    }
}
