/// Whether the SIP event loop is overloaded, from two signs sampled every
/// 20 ms:
/// - **backlog**: the share of the UDP socket's receive buffer holding
///   datagrams not yet read — a loop that cannot keep up with its socket
///   still runs its timers on time between read batches, so lateness alone
///   misses it, while its queue grows until the kernel drops;
/// - **lateness**: how late the probe runs, when the loop is held up by long
///   work or the machine has no core free for it.
/// Overloaded when either is high (the backlog on three samples running, so
/// one burst does not flip it), back once both are low. A plain value:
/// observations in, a verdict out.
struct LoadGauge: Sendable, Equatable {
    /// Smoothed lateness above which new calls are refused…
    var overloadAt: Int64 = 80_000_000
    /// …and below which they may be taken again.
    var recoverAt: Int64 = 20_000_000
    /// Share of the receive buffer in use above which new calls are refused
    /// (of Hotline's 8 MiB: some 1,800 datagrams, ~200 ms of arrivals at
    /// full load, before a caller's first retransmission at 500 ms and half
    /// the way to the kernel dropping; a quarter was reached in passing on
    /// a shared 2-core machine by a loop that kept up, when the scheduler
    /// left it without a core for a tenth of a second)…
    var backlogOverloadAt = 0.5
    /// Samples in a row above it that make overload (60 ms).
    var backlogSamples = 3
    /// …and below which they may be taken again.
    var backlogRecoverAt = 0.05

    private(set) var smoothed: Double = 0
    private(set) var backlog: Double = 0
    private var backlogHighSamples = 0
    private(set) var overloaded = false

    mutating func observe(lagNanoseconds lag: Int64) {
        smoothed = 0.8 * smoothed + 0.2 * Double(max(lag, 0))
        decide()
    }

    /// The socket holds `queuedBytes` unread of a buffer of `capacity`.
    mutating func observe(queuedBytes: Int, capacity: Int) {
        backlog = capacity > 0 ? Double(max(queuedBytes, 0)) / Double(capacity) : 0
        backlogHighSamples = backlog > backlogOverloadAt ? backlogHighSamples + 1 : 0
        decide()
    }

    private mutating func decide() {
        if !overloaded {
            overloaded = smoothed > Double(overloadAt) || backlogHighSamples >= backlogSamples
        } else if smoothed < Double(recoverAt), backlog < backlogRecoverAt {
            overloaded = false
        }
    }
}
