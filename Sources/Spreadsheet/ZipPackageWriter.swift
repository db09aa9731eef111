import Foundation
import ZIPFoundation

/// Builds a zip file part by part, deflating each part.
final class ZipPackageWriter {
    private let archive: Archive
    private let path: String

    /// Creates a new zip at `url`, which must not exist yet.
    init(creatingAt url: URL) throws {
        path = url.path
        do {
            archive = try Archive(url: url, accessMode: .create)
        } catch {
            throw SpreadsheetError.unwritableFile(path: url.path, reason: "cannot create the zip archive")
        }
    }

    /// Adds a part from memory.
    func add(_ partName: String, data: Data) throws {
        do {
            try archive.addEntry(with: partName, type: .file, uncompressedSize: Int64(data.count),
                                 compressionMethod: .deflate) { position, size in
                let start = Int(position)
                return data.subdata(in: start..<min(start + size, data.count))
            }
        } catch {
            throw SpreadsheetError.unwritableFile(path: path, reason: "cannot add \(partName): \(error)")
        }
    }

    /// Adds a part from memory, as UTF-8 text.
    func add(_ partName: String, text: String) throws {
        try add(partName, data: Data(text.utf8))
    }

    /// Adds a part by streaming a file from disk in chunks.
    func add(_ partName: String, fileAt url: URL) throws {
        do {
            try archive.addEntry(with: partName, fileURL: url, compressionMethod: .deflate)
        } catch {
            throw SpreadsheetError.unwritableFile(path: path, reason: "cannot add \(partName): \(error)")
        }
    }
}
