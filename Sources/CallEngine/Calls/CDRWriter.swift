import CallCenter
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Writes the call detail records behind the calls, in order: a call's
/// row is opened when it starts and closed when it ends, so a crash leaves
/// an open row for the next start to close. Signalling never waits for the
/// disk; one consumer keeps each call's writes in sequence.
public final class CDRWriter: Service, Sendable {
    enum Operation: Sendable {
        case open(UInt64, NewCallRecord)
        case answered(UInt64, Date)
        case recording(UInt64, String)
        case close(UInt64, CallEnding)
        case barrier(@Sendable () -> Void)
    }

    let repository: any CallRecordRepository
    let logger: Logger
    private let operations: AsyncStream<Operation>
    private let continuation: AsyncStream<Operation>.Continuation

    public init(repository: any CallRecordRepository, logger: Logger) {
        self.repository = repository
        self.logger = logger
        (operations, continuation) = AsyncStream.makeStream(of: Operation.self)
    }

    func open(_ call: UInt64, _ record: NewCallRecord) { continuation.yield(.open(call, record)) }
    func answered(_ call: UInt64, at: Date) { continuation.yield(.answered(call, at)) }
    func recording(_ call: UInt64, path: String) { continuation.yield(.recording(call, path)) }
    func close(_ call: UInt64, _ ending: CallEnding) { continuation.yield(.close(call, ending)) }

    /// Returns once everything queued before it is written.
    public func drain() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            continuation.yield(.barrier { done.resume() })
        }
    }

    public func run() async throws {
        var ids: [UInt64: Int64] = [:]
        await withGracefulShutdownHandler {
            for await operation in operations {
                await perform(operation, ids: &ids)
            }
        } onGracefulShutdown: {
            // Stops after the call engine (service order): what is queued is written first.
            self.continuation.finish()
        }
    }

    private func perform(_ operation: Operation, ids: inout [UInt64: Int64]) async {
        do {
            switch operation {
            case .open(let call, let record):
                ids[call] = try await repository.open(record)
            case .answered(let call, let at):
                if let id = ids[call] { try await repository.answered(id, at: at) }
            case .recording(let call, let path):
                if let id = ids[call] { try await repository.setRecording(id, path: path) }
            case .close(let call, let ending):
                if let id = ids.removeValue(forKey: call) { try await repository.close(id, ending) }
            case .barrier(let done):
                done()
            }
        } catch {
            logger.error("could not write a call record", metadata: ["error": "\(error)"])
        }
    }
}
