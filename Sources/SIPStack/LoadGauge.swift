/// Whether the SIP event loop is overloaded, from how late a probe that
/// should run every `period` actually runs: a loop that cannot keep up
/// with its sockets runs its timers late. Smoothed, with hysteresis, so a
/// single slow moment does not flip it. A plain value: lags in, a verdict out.
struct LoadGauge: Sendable, Equatable {
    /// Smoothed lag above which new calls are refused…
    var overloadAt: Int64 = 40_000_000
    /// …and below which they are taken again.
    var recoverAt: Int64 = 10_000_000
    private(set) var smoothed: Double = 0
    private(set) var overloaded = false

    mutating func observe(lagNanoseconds lag: Int64) {
        smoothed = 0.8 * smoothed + 0.2 * Double(max(lag, 0))
        if !overloaded, smoothed > Double(overloadAt) {
            overloaded = true
        } else if overloaded, smoothed < Double(recoverAt) {
            overloaded = false
        }
    }
}
