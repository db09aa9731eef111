import Foundation

/// A zip part's inflated bytes as an `InputStream` for `XMLParser`, with no
/// temporary file: ZIPFoundation pushes chunks from a thread of its own,
/// the parser pulls them, and at most a few chunks wait in between.
/// Inflation stops with `SpreadsheetError.inflatedTooLarge` once the part
/// passes `maxBytes`, or `maxRatio` times its compressed size (a zip bomb:
/// 1 MB of zip that would become 1 GB of XML).
final class InflatingInputStream: InputStream {
    private let pipe = InflatePipe()
    private var status: Stream.Status = .notOpen

    /// Starts inflating at once; `inflate` calls its argument with each chunk and throws to stop.
    init(compressedSize: Int, limits: InflateLimits, inflate: @escaping @Sendable (_ consume: (Data) throws -> Void) throws -> Void) {
        super.init(data: Data())
        let pipe = self.pipe
        let thread = Thread {
            var inflated = 0
            var failure: (any Error)?
            do {
                try inflate { chunk in
                    inflated += chunk.count
                    if let refusal = limits.refusal(inflated: inflated, compressed: compressedSize) { throw refusal }
                    try pipe.push(chunk)
                }
            } catch {
                failure = error
            }
            pipe.finish(failure)
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Why inflation stopped early, if it did; read after the parse.
    var failure: (any Error)? { pipe.failure }

    override func open() { status = .open }

    override var streamStatus: Stream.Status { status }

    override var hasBytesAvailable: Bool { pipe.hasBytesAvailable }

    override func read(_ buffer: UnsafeMutablePointer<UInt8>, maxLength: Int) -> Int {
        pipe.read(into: buffer, maxLength: maxLength)
    }

    /// Stops the producer (the parser may stop early) and waits for it to end.
    override func close() {
        pipe.cancel()
        status = .closed
    }

    deinit { pipe.cancel() }
}

/// The hand-over between the inflating thread and the reader.
private final class InflatePipe: @unchecked Sendable {
    private let condition = NSCondition()
    private var chunks: [Data] = []
    private var offset = 0
    private var finished = false
    private var cancelled = false
    private var storedFailure: (any Error)?
    private let window = 4

    var failure: (any Error)? {
        condition.lock()
        defer { condition.unlock() }
        return storedFailure
    }

    var hasBytesAvailable: Bool {
        condition.lock()
        defer { condition.unlock() }
        return !chunks.isEmpty || !finished
    }

    func push(_ chunk: Data) throws {
        condition.lock()
        defer { condition.unlock() }
        while chunks.count >= window && !cancelled { condition.wait() }
        if cancelled { throw CancellationError() }
        chunks.append(chunk)
        condition.broadcast()
    }

    func finish(_ failure: (any Error)?) {
        condition.lock()
        if !cancelled { storedFailure = failure }
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    func read(into buffer: UnsafeMutablePointer<UInt8>, maxLength: Int) -> Int {
        condition.lock()
        defer { condition.unlock() }
        while chunks.isEmpty && !finished { condition.wait() }
        // A refused part ends the stream early; the reader reports `failure`, not the parser's complaint.
        guard let first = chunks.first, storedFailure == nil else { return 0 }
        let count = min(maxLength, first.count - offset)
        first.withUnsafeBytes { bytes in
            buffer.update(from: bytes.baseAddress!.advanced(by: offset).assumingMemoryBound(to: UInt8.self), count: count)
        }
        offset += count
        if offset == first.count {
            chunks.removeFirst()
            offset = 0
            condition.broadcast()
        }
        return count
    }

    /// Stops the producer and waits until it has let go of the archive.
    func cancel() {
        condition.lock()
        cancelled = true
        chunks.removeAll()
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }
}

/// How far a part may inflate.
struct InflateLimits: Sendable {
    /// Bytes of XML one part may inflate to (a sheet of a million rows fits).
    var maxBytes = 1 << 30
    /// Inflated ÷ compressed, checked once a part has passed `ratioFloor`:
    /// real sheets compress 5–30×; bombs a thousand times.
    var maxRatio = 100
    var ratioFloor = 16 << 20

    func refusal(inflated: Int, compressed: Int) -> SpreadsheetError? {
        if inflated > maxBytes { return .inflatedTooLarge(limit: maxBytes) }
        if inflated > ratioFloor, inflated / max(compressed, 1) > maxRatio { return .inflateRatio(limit: maxRatio) }
        return nil
    }
}
