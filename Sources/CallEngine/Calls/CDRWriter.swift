import CallCenter
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Writes the call detail records behind the calls, in order: a call's
/// row is opened when it starts and closed when it ends, so a crash leaves
/// an open row for the next start to close. Signalling never waits for the
/// disk. What queues up while a batch is written goes in the next batch:
/// one transaction and one statement per call touched, however many of its
/// changes arrived (a call that started and ended meanwhile is inserted
/// once, complete).
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
    private let queued = Mutex<[Operation]>([])
    private let counted = Mutex(CallStatistics())
    /// Wake-ups for the writer; collapsed, the queue holds the work.
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    public init(repository: any CallRecordRepository, logger: Logger) {
        self.repository = repository
        self.logger = logger
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    func open(_ call: UInt64, _ record: NewCallRecord) { enqueue(.open(call, record)) }
    func answered(_ call: UInt64, at: Date) { enqueue(.answered(call, at)) }
    func recording(_ call: UInt64, path: String) { enqueue(.recording(call, path)) }
    func close(_ call: UInt64, _ ending: CallEnding) { enqueue(.close(call, ending)) }

    /// Returns once everything queued before it is written.
    public func drain() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            enqueue(.barrier { done.resume() })
        }
    }

    private func enqueue(_ operation: Operation) {
        let first = queued.withLock { queue in
            queue.append(operation)
            return queue.count == 1
        }
        counted.withLock { $0.count(operation) }
        // A wake-up is pending from the first of what is queued; waking the
        // writer costs the signalling loop a system call, so once is enough.
        if first { wake.yield() }
    }

    /// Calls started, answered and ended by disposition since the start (for /metrics).
    public var statistics: CallStatistics { counted.withLock { $0 } }

    public func run() async throws {
        var calls = CallDrafts()
        await withGracefulShutdownHandler {
            for await _ in wakeups {
                await write(takeQueued(), into: &calls)
                // What arrives meanwhile waits for the next batch: a busy
                // server wakes the writer fifty times a second, not per event.
                try? await Task.sleep(for: .milliseconds(20))
            }
        } onGracefulShutdown: {
            // Stops after the call engine (service order): what is queued is written first.
            self.wake.finish()
        }
        await write(takeQueued(), into: &calls)
    }

    /// Everything queued so far, leaving the queue empty.
    private func takeQueued() -> [Operation] {
        queued.withLock { queue in
            defer { queue = [] }
            return queue
        }
    }

    private func write(_ operations: [Operation], into calls: inout CallDrafts) async {
        guard !operations.isEmpty else { return }
        var barriers: [@Sendable () -> Void] = []
        for operation in operations {
            if case .barrier(let done) = operation { barriers.append(done) } else { calls.apply(operation) }
        }
        let batch = calls.takeChanged()
        if !batch.isEmpty {
            do {
                calls.stored(batch, ids: try await repository.write(batch.map(\.draft)))
            } catch {
                logger.error("could not write call records", metadata: ["error": "\(error)", "calls": "\(batch.count)"])
                calls.failed(batch)
            }
        }
        for done in barriers { done() }
    }
}

/// The rows of the calls in progress, and which of them changed since the
/// last batch. Pure: the writer's bookkeeping, tested without a database.
struct CallDrafts {
    struct Change {
        var call: UInt64
        var draft: CallRecordDraft
    }

    private(set) var drafts: [UInt64: CallRecordDraft] = [:]
    private var changed: [UInt64] = []
    private var isChanged: Set<UInt64> = []

    mutating func apply(_ operation: CDRWriter.Operation) {
        let call: UInt64
        switch operation {
        case .open(let id, let record):
            call = id
            drafts[id] = CallRecordDraft(record: record)
        case .answered(let id, let at):
            call = id
            guard drafts[id]?.ending == nil, drafts[id]?.answeredAt == nil else { return }
            drafts[id]?.answeredAt = at
        case .recording(let id, let path):
            call = id
            drafts[id]?.recording = path
        case .close(let id, let ending):
            call = id
            guard drafts[id]?.ending == nil else { return }  // the first ending stands
            drafts[id]?.ending = ending
        case .barrier:
            return
        }
        if drafts[call] != nil, isChanged.insert(call).inserted { changed.append(call) }
    }

    /// The changed calls in the order they first changed.
    mutating func takeChanged() -> [Change] {
        defer {
            changed = []
            isChanged = []
        }
        return changed.compactMap { call in drafts[call].map { Change(call: call, draft: $0) } }
    }

    /// The batch is written: remember the new ids, forget the ended calls.
    mutating func stored(_ batch: [Change], ids: [Int64]) {
        for (change, id) in zip(batch, ids) {
            if change.draft.ending != nil {
                drafts.removeValue(forKey: change.call)
            } else {
                drafts[change.call]?.id = id
            }
        }
    }

    /// The batch was not written: an ended call is given up (logged by the
    /// writer); the others are tried again with their next change.
    mutating func failed(_ batch: [Change]) {
        for change in batch where change.draft.ending != nil {
            drafts.removeValue(forKey: change.call)
        }
    }
}

/// Call attempts, answers and endings by disposition. Labels are the
/// disposition names: a fixed set.
public struct CallStatistics: Sendable, Equatable {
    public var attempts = 0
    public var answered = 0
    public var ended: [CallDisposition: Int] = [:]

    mutating func count(_ operation: CDRWriter.Operation) {
        switch operation {
        case .open: attempts += 1
        case .answered: answered += 1
        case .close(_, let ending): ended[ending.disposition, default: 0] += 1
        case .recording, .barrier: break
        }
    }
}
