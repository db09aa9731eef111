import Testing

@testable import SIPStack

@Suite struct LoadGaugeTests {
    @Test func aLoopThatRunsLateIsOverloadedUntilItCatchesUp() {
        var gauge = LoadGauge()
        gauge.observe(lagNanoseconds: 100_000_000)
        #expect(!gauge.overloaded, "one late probe is not overload")
        for _ in 0..<10 { gauge.observe(lagNanoseconds: 100_000_000) }
        #expect(gauge.overloaded)
        // Between the thresholds it stays as it is (hysteresis)…
        for _ in 0..<20 { gauge.observe(lagNanoseconds: 40_000_000) }
        #expect(gauge.overloaded)
        // …and recovers once the loop is on time again.
        for _ in 0..<20 { gauge.observe(lagNanoseconds: 1_000_000) }
        #expect(!gauge.overloaded)
    }

    @Test func aSocketThatStaysBackedUpIsOverloadedThoughTheLoopIsOnTime() {
        var gauge = LoadGauge()
        let buffer = 8 << 20
        // A busy but healthy loop: a few datagrams wait now and then.
        for i in 0..<500 { gauge.observe(queuedBytes: i % 7 == 0 ? 60_000 : 2_000, capacity: buffer) }
        #expect(!gauge.overloaded)
        // A burst fills 60% of the buffer for two samples: not overload.
        for _ in 0..<2 { gauge.observe(queuedBytes: buffer * 6 / 10, capacity: buffer) }
        gauge.observe(queuedBytes: 10_000, capacity: buffer)
        #expect(!gauge.overloaded, "a short burst is not overload")
        // A third of the buffer, however long, is a loop catching up.
        for _ in 0..<10 { gauge.observe(queuedBytes: buffer / 3, capacity: buffer) }
        #expect(!gauge.overloaded, "a third of the buffer is not overload")
        // The queue stays high, while the timers still run on time.
        for _ in 0..<3 {
            gauge.observe(queuedBytes: buffer * 6 / 10, capacity: buffer)
            gauge.observe(lagNanoseconds: 1_000_000)
        }
        #expect(gauge.overloaded)
        // It drains: calls are taken again only once the queue is nearly empty.
        gauge.observe(queuedBytes: buffer / 10, capacity: buffer)
        #expect(gauge.overloaded, "hysteresis: half-way down is not enough")
        gauge.observe(queuedBytes: 4_000, capacity: buffer)
        #expect(!gauge.overloaded)
    }

    @Test func bothSignsMustBeLowToRecover() {
        var gauge = LoadGauge()
        for _ in 0..<3 { gauge.observe(queuedBytes: 900, capacity: 1_000) }
        #expect(gauge.overloaded)
        for _ in 0..<20 { gauge.observe(lagNanoseconds: 200_000_000) }
        gauge.observe(queuedBytes: 0, capacity: 1_000)
        #expect(gauge.overloaded, "still late")
        for _ in 0..<40 { gauge.observe(lagNanoseconds: 0) }
        #expect(!gauge.overloaded)
    }

    @Test func anUnknownBufferSizeCountsAsEmpty() {
        var gauge = LoadGauge()
        for _ in 0..<5 { gauge.observe(queuedBytes: 1_000, capacity: 0) }
        #expect(!gauge.overloaded)
    }
}
