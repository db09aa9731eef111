import CallCenter
import Testing

@testable import CallEngine

@Suite("B2BUA call flow: event → actions")
struct CallFlowTests {
    @Test func firstAnswerWinsAndTheOtherForksAreCancelled() {
        var flow = CallFlow(forks: 3)
        #expect(flow.handle(.forkProvisional(1, status: 180, hasSDP: false)) == [.ringCaller(status: 180, withMedia: false)])
        // A second phone ringing does not ring the caller twice.
        #expect(flow.handle(.forkProvisional(0, status: 180, hasSDP: false)) == [])
        #expect(flow.handle(.forkAnswered(1)) == [.acknowledge(fork: 1), .cancel(forks: [0, 2]), .answerCaller(fork: 1)])
        #expect(flow.phase == .answered)
        #expect(flow.winner == 1)
        // The cancelled forks' 487s change nothing.
        #expect(flow.handle(.forkFailed(0, status: 487)) == [])
        // A fork that answered before our CANCEL arrived is ACKed and hung up.
        #expect(flow.handle(.forkAnswered(2)) == [.acknowledge(fork: 2), .hangUp(fork: 2)])
        // The winner's retransmitted 2xx is ACKed again.
        #expect(flow.handle(.forkAnswered(1)) == [.acknowledge(fork: 1)])
    }

    @Test func earlyMediaRingsWith183Once() {
        var flow = CallFlow(forks: 2)
        #expect(flow.handle(.forkProvisional(0, status: 183, hasSDP: true)) == [.ringCaller(status: 183, withMedia: true)])
        #expect(flow.handle(.forkProvisional(1, status: 180, hasSDP: false)) == [])
        #expect(flow.handle(.forkProvisional(1, status: 183, hasSDP: true)) == [])
    }

    @Test func busyWhenEveryForkFailsAndOneWasBusy() {
        var flow = CallFlow(forks: 2)
        #expect(flow.handle(.forkFailed(0, status: 486)) == [])
        #expect(flow.handle(.forkFailed(1, status: 408)) == [.rejectCaller(status: 486), .finish(.busy, hangupBy: nil, reason: "486")])
        #expect(flow.phase == .ended)
    }

    @Test func timeoutsAlonegive480Unavailable() {
        var flow = CallFlow(forks: 1)
        #expect(flow.handle(.forkFailed(0, status: 408)) == [.rejectCaller(status: 480), .finish(.unavailable, hangupBy: nil, reason: "480")])
    }

    @Test func callerCancelWhileRinging() {
        var flow = CallFlow(forks: 2)
        _ = flow.handle(.forkProvisional(0, status: 180, hasSDP: false))
        _ = flow.handle(.forkFailed(1, status: 480))
        #expect(flow.handle(.callerCancelled) == [.cancel(forks: [0]), .rejectCaller(status: 487), .finish(.cancelled, hangupBy: .caller, reason: nil)])
        // A 2xx that crossed the CANCEL: ACK and BYE, the caller already has its 487.
        #expect(flow.handle(.forkAnswered(0)) == [.acknowledge(fork: 0), .hangUp(fork: 0)])
        #expect(flow.handle(.callerHungUp) == [])
    }

    @Test func ringTimeoutIsNoAnswer() {
        var flow = CallFlow(forks: 1)
        #expect(flow.handle(.ringTimeout) == [.cancel(forks: [0]), .rejectCaller(status: 480), .finish(.noAnswer, hangupBy: nil, reason: "no answer")])
    }

    @Test func hangUpFromEitherSide() {
        var byCaller = CallFlow(forks: 1)
        _ = byCaller.handle(.forkAnswered(0))
        #expect(byCaller.handle(.callerHungUp) == [.hangUp(fork: 0), .finish(.answered, hangupBy: .caller, reason: nil)])
        #expect(byCaller.handle(.calleeHungUp) == [])

        var byCallee = CallFlow(forks: 1)
        _ = byCallee.handle(.forkAnswered(0))
        #expect(byCallee.handle(.calleeHungUp) == [.hangUpCaller, .finish(.answered, hangupBy: .callee, reason: nil)])
    }

    @Test func theServerEndsAnsweredAndRingingCalls() {
        var answered = CallFlow(forks: 1)
        _ = answered.handle(.forkAnswered(0))
        #expect(answered.handle(.serverEnded(reason: "media timeout"))
            == [.hangUpCaller, .hangUp(fork: 0), .finish(.answered, hangupBy: .system, reason: "media timeout")])
        var ringing = CallFlow(forks: 1)
        #expect(ringing.handle(.serverEnded(reason: "shutdown"))
            == [.cancel(forks: [0]), .rejectCaller(status: 503), .finish(.failed, hangupBy: .system, reason: "shutdown")])
    }

    @Test func dispositionsFollowTheStatus() {
        #expect(CallFlow.disposition(forStatus: 486) == .busy)
        #expect(CallFlow.disposition(forStatus: 404) == .notFound)
        #expect(CallFlow.disposition(forStatus: 480) == .unavailable)
        #expect(CallFlow.disposition(forStatus: 487) == .cancelled)
        #expect(CallFlow.disposition(forStatus: 603) == .failed)
    }
}
