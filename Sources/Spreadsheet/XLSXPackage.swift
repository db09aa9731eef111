import Foundation
import ZIPFoundation

/// Read access to the parts of an .xlsx zip, turning zip failures into `SpreadsheetError`s.
final class XLSXPackage {
    /// Small parts (workbook, relationships, styles) are read into memory only up to this size.
    static let smallPartLimit = 16 * 1024 * 1024

    private let archive: Archive

    /// Opens the zip at `path`, refusing a file that is missing or not a zip.
    init(path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              FileManager.default.isReadableFile(atPath: path) else {
            throw SpreadsheetError.unreadableFile(path: path, reason: "no such readable file")
        }
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw SpreadsheetError.notAZipFile
        }
    }

    /// Names of all parts, in zip order.
    var partNames: [String] { archive.map(\.path) }

    /// True when the part exists.
    func contains(_ partName: String) -> Bool { entry(partName) != nil }

    /// A small part's bytes, or nil when absent; a part larger than `smallPartLimit` is refused.
    func data(of partName: String) throws -> Data? {
        guard let entry = entry(partName) else { return nil }
        guard entry.uncompressedSize <= Self.smallPartLimit else {
            throw SpreadsheetError.malformedWorkbook("\(partName) is unreasonably large")
        }
        var data = Data()
        try extract(entry, partName: partName) { chunk in
            data.append(chunk)
            // The header's size can lie; count what actually comes out.
            if data.count > Self.smallPartLimit {
                throw SpreadsheetError.malformedWorkbook("\(partName) is unreasonably large")
            }
        }
        return data
    }

    /// A part's inflated bytes as a stream, within `limits` (see `InflatingInputStream`).
    func stream(_ partName: String, limits: InflateLimits = InflateLimits()) throws -> InflatingInputStream {
        guard let entry = entry(partName) else {
            throw SpreadsheetError.malformedWorkbook("\(partName) is missing")
        }
        let part = UncheckedPart(archive: archive, entry: entry)
        return InflatingInputStream(compressedSize: Int(entry.compressedSize), limits: limits) { consume in
            try Self.extract(part.entry, from: part.archive, partName: partName, consumer: consume)
        }
    }

    /// Part names are case-insensitive in OPC, but zips store them case-sensitively: try exact first.
    private func entry(_ partName: String) -> Entry? {
        let name = partName.hasPrefix("/") ? String(partName.dropFirst()) : partName
        if let exact = archive[name] { return exact }
        let lowered = name.lowercased()
        return archive.first { $0.path.lowercased() == lowered }
    }

    private func extract(_ entry: Entry, partName: String, consumer: (Data) throws -> Void) throws {
        try Self.extract(entry, from: archive, partName: partName, consumer: consumer)
    }

    private static func extract(_ entry: Entry, from archive: Archive, partName: String, consumer: (Data) throws -> Void) throws {
        do {
            _ = try archive.extract(entry, consumer: consumer)
        } catch let error as SpreadsheetError {
            throw error
        } catch {
            throw SpreadsheetError.malformedWorkbook("\(partName) cannot be unpacked (\(error))")
        }
    }
}

/// The archive and entry handed to the inflating thread. Safe: while a
/// part streams, that thread is the archive's only user (parts are read one
/// at a time, and the stream waits for the thread before it is released).
private struct UncheckedPart: @unchecked Sendable {
    let archive: Archive
    let entry: Entry
}
