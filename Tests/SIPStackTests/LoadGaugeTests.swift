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
        for _ in 0..<20 { gauge.observe(lagNanoseconds: 20_000_000) }
        #expect(gauge.overloaded)
        // …and recovers once the loop is on time again.
        for _ in 0..<20 { gauge.observe(lagNanoseconds: 1_000_000) }
        #expect(!gauge.overloaded)
    }
}
