import Foundation

/// Bytes that can be read from the start, chunk by chunk, as often as needed (a file or a Data).
enum ByteChunks {
    case file(path: String)
    case memory(Data)

    static let chunkSize = 64 * 1024

    /// Calls `body` with successive chunks; `body` returns false to stop early.
    func forEach(_ body: (Data) throws -> Bool) throws {
        switch self {
        case .memory(let data):
            var start = data.startIndex
            while start < data.endIndex {
                let end = min(start + Self.chunkSize, data.endIndex)
                guard try body(data[start..<end]) else { return }
                start = end
            }
        case .file(let path):
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw SpreadsheetError.unreadableFile(path: path, reason: "no such readable file")
            }
            defer { try? handle.close() }
            while true {
                let chunk: Data?
                do {
                    chunk = try handle.read(upToCount: Self.chunkSize)
                } catch {
                    throw SpreadsheetError.unreadableFile(path: path, reason: error.localizedDescription)
                }
                guard let chunk, !chunk.isEmpty, try body(chunk) else { return }
            }
        }
    }
}
