import Foundation

/// A .zip of finished files (a backup of several workbooks).
public enum ZipBundle {
    /// Writes the files, deflated, under their names into a new zip at `path`.
    public static func write(_ files: [(name: String, path: String)], to path: String) throws {
        let writer = try ZipPackageWriter(creatingAt: URL(fileURLWithPath: path))
        for file in files {
            try writer.add(file.name, fileAt: URL(fileURLWithPath: file.path))
        }
    }
}
