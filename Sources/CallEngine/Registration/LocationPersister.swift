import Logging
import ServiceKit

/// Writes the location table's changes to storage in the background
/// (every `interval`) and once more when the server stops, after SIP has
/// stopped taking registrations. A crash loses at most the last interval's
/// refreshes, which the phones repeat anyway.
public enum LocationPersister {
    public static func service(table: LocationTable, interval: Duration = .seconds(1), logger: Logger) -> PeriodicService {
        let flush: @Sendable () async -> Void = {
            do {
                try await table.flush()
            } catch {
                logger.error("could not persist registrations; retrying", metadata: ["error": "\(error)", "sip.pending": "\(table.pendingWrites)"])
            }
        }
        return PeriodicService("location-persister", every: interval, logger: logger, round: flush, final: flush)
    }
}
