import CallCenter
import Testing

@testable import CallEngine

/// Legs 0 (the caller) and 1 (the callee) exist from the start; a transfer
/// target is leg 2.
@Suite("Call plan: event → actions")
struct CallPlanTests {
    let caller = CallPlan.callerLeg
    let callee = CallPlan.calleeLeg

    func connected() -> CallPlan {
        var (plan, _) = CallPlan.start(caller: "1001", dialing: "1002")
        _ = plan.handle(.ringing(callee, earlyMedia: false))
        _ = plan.handle(.answered(callee))
        return plan
    }

    @Test func aCallRingsThenConnectsBothWays() {
        var (plan, first) = CallPlan.start(caller: "1001", dialing: "1002")
        #expect(first == [.dial(callee, to: "1002", role: .callee), .hear(caller, .silence), .hear(callee, .silence)])
        #expect(plan.handle(.ringing(callee, earlyMedia: false)) == [.publish(.ringing), .ring(caller, earlyMedia: false)])
        #expect(plan.handle(.ringing(callee, earlyMedia: false)) == [])
        #expect(plan.handle(.answered(callee)) == [
            .answer(caller), .publish(.answered), .record(left: caller, right: callee), .hear(caller, .leg(callee)), .hear(callee, .leg(caller)),
        ])
        #expect(plan.handle(.hungUp(callee)) == [.hangUp(caller), .finish(.answered, hangupBy: .callee, reason: nil)])
        #expect(plan.outcome == .ended)
        // A late event after the end is ignored.
        #expect(plan.handle(.hungUp(caller)) == [])
    }

    @Test func earlyMediaIsHeardBeforeTheAnswer() {
        var (plan, _) = CallPlan.start(caller: "1001", dialing: "1002")
        #expect(plan.handle(.ringing(callee, earlyMedia: true)) == [.publish(.ringing), .ring(caller, earlyMedia: true), .hear(caller, .leg(callee))])
    }

    @Test func failuresRejectTheCallerWithTheirStatus() {
        for (status, disposition) in [(486, CallDisposition.busy), (480, .unavailable), (404, .notFound), (503, .failed)] {
            var (plan, _) = CallPlan.start(caller: "1001", dialing: "1002")
            #expect(plan.handle(.failed(callee, status: status)) == [.reject(caller, status: status), .finish(disposition, hangupBy: nil, reason: "\(status)")])
        }
    }

    @Test func cancelAndRingTimeoutEndTheRingingLeg() {
        var (cancelled, _) = CallPlan.start(caller: "1001", dialing: "1002")
        _ = cancelled.handle(.ringing(callee, earlyMedia: false))
        #expect(cancelled.handle(.callerCancelled) == [.reject(caller, status: 487), .cancel(callee), .finish(.cancelled, hangupBy: .caller, reason: nil)])
        var timedOut = connectedBefore()
        #expect(timedOut.handle(.ringTimeout(callee)) == [.reject(caller, status: 480), .cancel(callee), .finish(.noAnswer, hangupBy: nil, reason: "no answer")])
    }

    func connectedBefore() -> CallPlan {
        var (plan, _) = CallPlan.start(caller: "1001", dialing: "1002")
        _ = plan.handle(.ringing(callee, earlyMedia: false))
        return plan
    }

    @Test func holdGivesTheOtherSideMusicAndUnholdReconnects() {
        var plan = connected()
        #expect(plan.handle(.hold(caller, true)) == [.hear(caller, .silence), .hear(callee, .musicOnHold)])
        #expect(plan.handle(.hold(caller, false)) == [.hear(caller, .leg(callee)), .hear(callee, .leg(caller))])
        // Both on hold: each hears nothing from the other's phone, music from ours only where the other holds.
        _ = plan.handle(.hold(callee, true))
        #expect(plan.hearing[caller] == .musicOnHold)
        #expect(plan.hearing[callee] == .silence)
    }

    @Test func aBlindTransferConnectsTheTransfereeToTheTarget() {
        var plan = connected()
        // The callee (B) transfers the caller (A) to 1003 (C).
        #expect(plan.handle(.blindTransfer(by: callee, to: "1003")) == [
            .notifyTransfer(callee, status: 100, final: false), .dial(2, to: "1003", role: .transferTarget), .hear(caller, .ringback), .hear(callee, .silence),
            .hear(2, .silence),
        ])
        #expect(plan.handle(.ringing(2, earlyMedia: false)) == [.notifyTransfer(callee, status: 180, final: false)])
        // B hangs up as soon as it has asked: the transfer goes on.
        #expect(plan.handle(.hungUp(callee)) == [])
        #expect(plan.outcome == .running)
        #expect(plan.handle(.answered(2)) == [
            .notifyTransfer(callee, status: 200, final: true), .publish(.transferred(to: "1003")), .record(left: caller, right: 2),
            .hear(caller, .leg(2)), .hear(2, .leg(caller)),
        ])
        #expect(plan.handle(.hungUp(2)) == [.hangUp(caller), .finish(.answered, hangupBy: .callee, reason: nil)])
    }

    @Test func aTransferorStillOnTheLineIsHungUpWhenTheTargetAnswers() {
        var plan = connected()
        _ = plan.handle(.blindTransfer(by: callee, to: "1003"))
        let actions = plan.handle(.answered(2))
        #expect(actions.contains(.hangUp(callee)))
        #expect(plan.partner[caller] == 2)
    }

    @Test func aFailedBlindTransferKeepsTheTwoTalking() {
        var plan = connected()
        _ = plan.handle(.blindTransfer(by: callee, to: "1003"))
        #expect(plan.handle(.failed(2, status: 486)) == [
            .notifyTransfer(callee, status: 486, final: true), .hear(caller, .leg(callee)), .hear(callee, .leg(caller)),
        ])
        #expect(plan.outcome == .running)
        // …and a transferor on hold stays on hold: the transferee hears music again.
        var held = connected()
        _ = held.handle(.hold(callee, true))
        _ = held.handle(.blindTransfer(by: callee, to: "1003"))
        #expect(held.hearing[caller] == .ringback)
        _ = held.handle(.failed(2, status: 486))
        #expect(held.hearing[caller] == .musicOnHold)
    }

    @Test func aFailedTransferAfterTheTransferorLeftEndsTheCall() {
        var plan = connected()
        _ = plan.handle(.blindTransfer(by: callee, to: "1003"))
        _ = plan.handle(.hungUp(callee))
        #expect(plan.handle(.failed(2, status: 480)) == [
            .notifyTransfer(callee, status: 480, final: true), .hangUp(caller), .finish(.answered, hangupBy: .system, reason: "transfer failed (480)"),
        ])
    }

    @Test func theTransfereeHangingUpCancelsTheTarget() {
        var plan = connected()
        _ = plan.handle(.blindTransfer(by: callee, to: "1003"))
        let actions = plan.handle(.hungUp(caller))
        #expect(actions == [.hangUp(callee), .cancel(2), .finish(.answered, hangupBy: .caller, reason: "hung up during a transfer")])
    }

    @Test func aTransferWhileRingingOrTwiceIsRefused() {
        var ringing = connectedBefore()
        #expect(ringing.handle(.blindTransfer(by: callee, to: "1003")) == [.notifyTransfer(callee, status: 503, final: true)])
        var plan = connected()
        _ = plan.handle(.blindTransfer(by: callee, to: "1003"))
        #expect(plan.handle(.blindTransfer(by: callee, to: "1004")) == [.notifyTransfer(callee, status: 503, final: true)])
    }

    @Test func anAttendedTransferReplacesTheTransferorWithTheLegOfItsOtherCall() {
        // Call 1: A (0) ↔ B (1). Call 2: B' (0) ↔ C (1). B joins A and C.
        var first = connected()
        _ = first.handle(.hold(callee, true))
        let joining = first.reserveLeg()
        #expect(first.handle(.replace(callee, with: joining, number: "1003", role: .callee)) == [
            .hangUp(callee), .publish(.transferred(to: "1003")), .record(left: caller, right: joining), .hear(caller, .leg(joining)), .hear(joining, .leg(caller)),
        ])
        var second = connected()
        #expect(second.handle(.detached(callee)) == [.hangUp(caller), .finish(.answered, hangupBy: nil, reason: "transferred")])
    }

    @Test func theServerEndsEverythingThatIsLeft() {
        var plan = connected()
        _ = plan.handle(.blindTransfer(by: callee, to: "1003"))
        #expect(plan.handle(.serverEnded(reason: "shutdown")) == [
            .hangUp(caller), .hangUp(callee), .cancel(2), .notifyTransfer(callee, status: 487, final: true),
            .finish(.answered, hangupBy: .system, reason: "shutdown"),
        ])
        var ringing = connectedBefore()
        #expect(ringing.handle(.serverEnded(reason: "shutdown")) == [
            .reject(caller, status: 503), .cancel(callee), .finish(.failed, hangupBy: .system, reason: "shutdown"),
        ])
    }
}
