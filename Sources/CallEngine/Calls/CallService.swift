import CallCenter
import Foundation
import Logging
import Media
import MediaEngine
import ServiceLifecycle

/// The call engine's lifetime: at start, calls left open by a crash are
/// closed as `interrupted` and their recordings repaired; at graceful
/// shutdown every call is ended with BYE and its CDR and recording completed
/// before SIP and media stop (CONTRACT.md).
public final class CallService: Service, Sendable {
    let calls: CallEngine
    let cdr: CDRWriter
    let media: MediaService
    let logger: Logger

    public init(calls: CallEngine, cdr: CDRWriter, media: MediaService, logger: Logger) {
        self.calls = calls
        self.cdr = cdr
        self.media = media
        self.logger = logger
    }

    /// Closes the rows of calls that were in progress when the server
    /// stopped without ending them, and makes their WAVs playable.
    public static func recoverInterrupted(
        _ repository: any CallRecordRepository, recordingsDirectory: String, at: Date, logger: Logger
    ) async throws -> Int {
        let interrupted = try await repository.closeInterrupted(endedAt: at)
        for call in interrupted {
            guard let recording = call.recording, !recording.contains("..") else { continue }
            do {
                let result = try WAV.repair(fileAt: recordingsDirectory + "/" + recording)
                logger.info("recording of an interrupted call checked", metadata: ["call": "\(call.id)", "result": "\(result)"])
            } catch {
                logger.warning("recording of an interrupted call cannot be repaired", metadata: ["call": "\(call.id)", "error": "\(error)"])
            }
        }
        if !interrupted.isEmpty {
            logger.warning("calls interrupted by the last stop were closed", metadata: ["count": "\(interrupted.count)"])
        }
        return interrupted.count
    }

    public func run() async throws {
        try? await gracefulShutdown()
        let calls = self.calls
        let open = try await calls.eventLoop.submit { () -> Int in
            let open = calls.activeCalls
            calls.endAll(reason: "server shutting down")
            return open
        }.get()
        if open > 0 {
            logger.info("ended the calls in progress", metadata: ["count": "\(open)"])
            // Recordings finish as the media sessions close; their CDRs are
            // queued then. Bounded: a stuck disk must not hold up the stop.
            for _ in 0..<50 where media.activeSessions > 0 {
                try? await Task.sleep(for: .milliseconds(100))
            }
            // Let the BYEs be answered (their transactions live on the SIP loop).
            try? await Task.sleep(for: .milliseconds(200))
        }
        await cdr.drain()
    }
}
