import Media
import Testing

@Suite("RTP relay: forwarding plan and port pool")
struct RelayPlanTests {
    @Test func sameCodecForwardsUntouched() {
        let plan = ForwardPlan(from: LegFormat(codec: .pcma, telephoneEventPayloadType: 101), to: LegFormat(codec: .pcma, telephoneEventPayloadType: 101))
        #expect(plan.verdict(payloadType: 8) == .forward)
        #expect(plan.verdict(payloadType: 101) == .forward)
        #expect(plan.verdict(payloadType: 13) == .forward)
        #expect(plan.verdict(payloadType: 0) == .drop)  // not negotiated on this leg
    }

    @Test func differentCodecsTranscode() {
        let plan = ForwardPlan(from: LegFormat(codec: .pcmu, telephoneEventPayloadType: 101), to: LegFormat(codec: .pcma, telephoneEventPayloadType: 96))
        #expect(plan.verdict(payloadType: 0) == .transcode(.ulawToAlaw, payloadType: 8))
        #expect(plan.verdict(payloadType: 101) == .rewrite(payloadType: 96))
        #expect(plan.verdict(payloadType: 13) == .drop)
        let back = ForwardPlan(from: plan.to, to: plan.from)
        #expect(back.verdict(payloadType: 8) == .transcode(.alawToUlaw, payloadType: 0))
        #expect(back.verdict(payloadType: 96) == .rewrite(payloadType: 101))
    }

    @Test func telephoneEventsAreDroppedWhenTheOtherSideHasNone() {
        let plan = ForwardPlan(from: LegFormat(codec: .pcmu, telephoneEventPayloadType: 101), to: LegFormat(codec: .pcmu))
        #expect(plan.verdict(payloadType: 101) == .drop)
    }

    @Test func dynamicAudioPayloadTypeIsRewritten() {
        let plan = ForwardPlan(from: LegFormat(codec: .pcmu, audioPayloadType: 96), to: LegFormat(codec: .pcmu))
        #expect(plan.verdict(payloadType: 96) == .rewrite(payloadType: 0))
    }

    @Test func portPoolHandsOutEvenPairsRoundRobin() {
        var pool = RTPPortPool(range: 10001...10008)
        #expect(pool.capacity == 3)  // 10002, 10004, 10006 (10008 has no RTCP port in range)
        let a = pool.take(), b = pool.take(), c = pool.take()
        #expect([a, b, c] == [10002, 10004, 10006])
        #expect(pool.take() == nil)
        pool.release(10004)
        #expect(pool.available == 1)
        #expect(pool.take() == 10004)
    }
}
