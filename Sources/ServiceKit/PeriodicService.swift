import Logging
import ServiceLifecycle

/// Work done every `interval` until the server stops: flushing
/// registrations, announcing due appointments, probing phones. A round that
/// fails is logged and the next one runs; a stop cuts the wait short (not a
/// round in progress), then `final` runs once (a last flush).
public struct PeriodicService: Service, CustomStringConvertible {
    public let description: String
    let interval: Duration
    let logger: Logger
    let round: @Sendable () async throws -> Void
    let final: (@Sendable () async -> Void)?

    public init(
        _ name: String, every interval: Duration, logger: Logger, round: @escaping @Sendable () async throws -> Void,
        final: (@Sendable () async -> Void)? = nil
    ) {
        description = name
        self.interval = interval
        self.logger = logger
        self.round = round
        self.final = final
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                break
            }
            if Task.isShuttingDownGracefully { break }
            do {
                try await round()
            } catch {
                logger.warning("a round of periodic work failed; the next one runs as usual", metadata: ["service": "\(description)", "error": "\(error)"])
            }
        }
        await final?()
    }
}
