import Logging
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// The SIP loop watches its own load for the 503s of an overloaded server
/// (`LoadGauge`): every 20 ms it measures how late the probe runs and how
/// much the UDP socket holds unread.
extension SIPEndpoint {
    func startLoadProbe(period: TimeAmount = .milliseconds(20)) {
        let due = NIODeadline.now() + period
        eventLoop.scheduleTask(deadline: due) {
            let before = self.load.overloaded
            self.load.observe(lagNanoseconds: (NIODeadline.now() - due).nanoseconds)
            self.loadChanged(from: before)
            self.sampleUDPBacklog()
            self.startLoadProbe(period: period)
        }
    }

    /// Says when shedding starts and stops (hysteresis keeps this rare).
    func loadChanged(from before: Bool) {
        guard load.overloaded != before else { return }
        let metadata: Logger.Metadata = [
            "sip.backlog_percent": "\(Int(load.backlog * 100))",
            "sip.lateness_ms": "\(Int(load.smoothed / 1_000_000))",
        ]
        if load.overloaded {
            logger.warning("SIP loop overloaded: new calls are refused with 503 until it catches up", metadata: metadata)
        } else {
            logger.info("SIP loop caught up: new calls are taken again", metadata: metadata)
        }
    }

    public var isOverloaded: Bool { load.overloaded }

    /// Bytes waiting in the UDP socket's receive queue against its size
    /// (Linux `SO_MEMINFO`: one getsockopt). A loop that cannot keep up
    /// still runs its timers on time between read batches, so lateness
    /// alone misses it; the queue does not.
    private func sampleUDPBacklog() {
        #if os(Linux)
        guard let provider = udpChannel as? any SocketOptionProvider else { return }
        let info: EventLoopFuture<SocketMemoryInfo> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SocketMemoryInfo.option))
        info.whenSuccess { memory in
            let before = self.load.overloaded
            self.load.observe(queuedBytes: Int(memory.counters.0), capacity: Int(memory.counters.1))
            self.loadChanged(from: before)
        }
        #endif
    }
}

#if os(Linux)
/// `SO_MEMINFO`'s first counters (linux/sock_diag.h): receive memory in use,
/// receive buffer size, then the send side and the rest, which we ignore.
struct SocketMemoryInfo: Sendable {
    static let option: Int32 = 55  // SO_MEMINFO
    var counters: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0, 0, 0, 0, 0, 0)
}
#endif
