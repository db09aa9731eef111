import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import WebAPI

/// The services that stopped when nobody asked them to, for `/healthz`
/// while the rest of the process winds down.
final class ServiceBoard: Sendable {
    private let failures = Mutex<[HealthProblem]>([])

    func failed(_ name: String, _ reason: String) {
        failures.withLock { $0.append(HealthProblem(part: name, reason: reason)) }
    }

    var problems: [HealthProblem] { failures.withLock { $0 } }
}

/// Runs a service and turns an early end into an error naming it: a service
/// that stops before shutdown was asked for (it returned, or it threw) takes
/// the whole process down through a graceful shutdown and a non-zero exit,
/// so a supervisor restarts it, instead of leaving it half alive.
struct Supervised: Service, CustomStringConvertible {
    let name: String
    let service: any Service
    let board: ServiceBoard
    let watchdog: ShutdownWatchdog
    let logger: Logger

    var description: String { name }

    func run() async throws {
        do {
            try await service.run()
        } catch {
            if Task.isShuttingDownGracefully || Task.isCancelled { return }
            fail("\(error)")
            throw ServiceStopped(name: name, reason: "\(error)")
        }
        if Task.isShuttingDownGracefully || Task.isCancelled { return }
        fail("stopped without being asked to")
        throw ServiceStopped(name: name, reason: "stopped without being asked to")
    }

    private func fail(_ reason: String) {
        board.failed(name, reason)
        logger.critical("a service stopped; shutting the server down", metadata: ["service": "\(name)", "reason": "\(reason)"])
        watchdog.arm(reason: "\(name) stopped")
    }
}

struct ServiceStopped: Error, CustomStringConvertible {
    let name: String
    let reason: String
    var description: String { "the \(name) service stopped: \(reason)" }
}
