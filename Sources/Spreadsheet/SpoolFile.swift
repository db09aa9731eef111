import Foundation

/// A temporary file written through a buffer, so the worksheet XML lives on disk rather than in memory.
final class SpoolFile {
    let url: URL
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private let flushThreshold = 256 * 1024
    private var isClosed = false

    /// Creates an empty file in the temporary directory.
    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("spreadsheet-\(UUID().uuidString).xml")
        guard FileManager.default.createFile(atPath: url.path, contents: nil),
              let handle = FileHandle(forWritingAtPath: url.path) else {
            throw SpreadsheetError.unwritableFile(path: url.path, reason: "cannot create a temporary file")
        }
        self.handle = handle
        buffer.reserveCapacity(flushThreshold)
    }

    /// Appends bytes, flushing to disk once the buffer is large.
    func write(_ bytes: [UInt8]) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= flushThreshold { try flush() }
    }

    /// Appends a string's UTF-8 bytes.
    func write(_ text: String) throws {
        try write(Array(text.utf8))
    }

    /// Writes what is buffered and closes the file, which stays on disk until `remove()`.
    func close() throws {
        guard !isClosed else { return }
        try flush()
        try handle.close()
        isClosed = true
    }

    /// Deletes the file; safe to call more than once.
    func remove() {
        if !isClosed {
            try? handle.close()
            isClosed = true
        }
        try? FileManager.default.removeItem(at: url)
    }

    deinit { remove() }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw SpreadsheetError.unwritableFile(path: url.path, reason: error.localizedDescription)
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
