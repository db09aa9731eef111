import CallCenter
import Foundation
import Spreadsheet

/// Reads a spreadsheet on its own thread and hands rows over in batches,
/// never more than a few batches ahead of the database: a 100,000-row
/// file streams through bounded memory. (The readers are synchronous, so
/// they run off the cooperative pool, where blocking is allowed.)
enum RowPump {
    enum Format: Sendable { case csv, xlsx }

    static func rows(of path: String, format: Format, batchSize: Int = CustomerImporter.batchSize) -> Batches {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: [ImportRow].self)
        let room = DispatchSemaphore(value: 4)
        let stop = Flag()
        continuation.onTermination = { _ in
            stop.set()
            room.signal()
        }
        let thread = Thread {
            var batch: [ImportRow] = []
            batch.reserveCapacity(batchSize)
            func flush() throws {
                guard !batch.isEmpty else { return }
                room.wait()
                if stop.isSet { throw CancellationError() }
                continuation.yield(batch)
                batch.removeAll(keepingCapacity: true)
            }
            do {
                let visit: (SpreadsheetRow) throws -> Void = { row in
                    batch.append(ImportRow(number: row.number, values: row.values))
                    if batch.count >= batchSize { try flush() }
                }
                switch format {
                case .csv: _ = try CSVReader().read(contentsOfFile: path, visit)
                case .xlsx: try XLSXReader(path: path).forEachRow(visit)
                }
                try flush()
                continuation.finish()
            } catch is CancellationError {
                continuation.finish()
            } catch {
                // The rows read before the bad one still land; then the import stops with the reason.
                try? flush()
                continuation.finish(throwing: error)
            }
        }
        thread.stackSize = 1 << 20
        thread.start()
        return Batches(stream: stream, room: room)
    }

    /// The batches; taking one makes room for the reader to read another.
    struct Batches: AsyncSequence {
        typealias Element = [ImportRow]
        let stream: AsyncThrowingStream<[ImportRow], any Error>
        let room: DispatchSemaphore

        struct Iterator: AsyncIteratorProtocol {
            var base: AsyncThrowingStream<[ImportRow], any Error>.AsyncIterator
            let room: DispatchSemaphore

            mutating func next() async throws -> [ImportRow]? {
                guard let batch = try await base.next() else { return nil }
                room.signal()
                return batch
            }
        }

        func makeAsyncIterator() -> Iterator { Iterator(base: stream.makeAsyncIterator(), room: room) }
    }
}

/// A one-way flag set from one thread and read from another.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
