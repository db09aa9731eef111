import Dispatch
import Foundation
import Logging
import Synchronization

/// Guarantees that a stop ends the process: once armed (the first SIGTERM
/// or SIGINT, or a failed service) the process exits after `limit` whatever
/// is still running; a second signal exits at once. Graceful shutdown
/// normally finishes long before.
final class ShutdownWatchdog: Sendable {
    let limit: Duration
    private let armed = Atomic<Bool>(false)
    private let signalsSeen = Atomic<Int>(0)
    private let logger: Logger
    private nonisolated(unsafe) var sources: [any DispatchSourceSignal] = []

    init(limit: Duration, logger: Logger) {
        self.limit = limit
        self.logger = logger
    }

    /// Watches SIGTERM and SIGINT beside the service group (which handles
    /// them too); call once at start.
    func watchSignals() {
        for signal in [SIGTERM, SIGINT] {
            let source = DispatchSource.makeSignalSource(signal: signal, queue: .global())
            source.setEventHandler { [self] in
                let seen = signalsSeen.add(1, ordering: .relaxed).newValue
                if seen >= 2 {
                    logger.warning("second stop signal: exiting now")
                    exit(signal == SIGINT ? 130 : 143)
                }
                arm(reason: signal == SIGINT ? "SIGINT" : "SIGTERM")
            }
            source.resume()
            sources.append(source)
        }
    }

    func arm(reason: String) {
        guard !armed.exchange(true, ordering: .relaxed) else { return }
        let seconds = Double(limit.components.seconds)
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [logger] in
            logger.critical("shutdown did not finish in time; exiting", metadata: ["reason": "\(reason)", "limit_seconds": "\(Int(seconds))"])
            exit(1)
        }
    }
}
