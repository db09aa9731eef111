import Logging
import ServiceLifecycle

/// Writes the location table's changes to storage in the background
/// (every `interval`) and once more when the server stops, after SIP has
/// stopped taking registrations. A crash loses at most the last interval's
/// refreshes, which the phones repeat anyway.
public struct LocationPersister: Service {
    let table: LocationTable
    let interval: Duration
    let logger: Logger

    public init(table: LocationTable, interval: Duration = .seconds(1), logger: Logger) {
        self.table = table
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                break
            }
            await flush()
        }
        await flush()
    }

    private func flush() async {
        do {
            try await table.flush()
        } catch {
            logger.error("could not persist registrations; retrying", metadata: ["error": "\(error)", "sip.pending": "\(table.pendingWrites)"])
        }
    }
}
