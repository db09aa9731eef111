import Foundation

/// Where a call's recording lives on disk. The database stores a path
/// relative to `DATA/recordings/`; before a file is opened the path is
/// checked so that no stored value (a bug, a hand-edited row) can reach
/// a file outside that folder.
public struct RecordingFiles: Sendable {
    /// The recordings folder (`DATA/recordings`).
    public let root: String

    public init(root: String) {
        self.root = root
    }

    public enum Refusal: Error, Equatable, Sendable {
        /// Empty, absolute, with `..`, a NUL or a backslash.
        case invalidPath
        /// Resolves (through symbolic links) to somewhere outside the folder.
        case outsideRoot
    }

    /// The file's absolute, resolved path, or why the stored path is refused.
    /// The file itself need not exist (the caller checks that).
    public func resolve(_ stored: String) -> Result<String, Refusal> {
        guard !stored.isEmpty, stored.utf8.count <= 1024, !stored.hasPrefix("/"), !stored.hasPrefix("~"),
            !stored.contains("\0"), !stored.contains("\\")
        else { return .failure(.invalidPath) }
        let parts = stored.split(separator: "/", omittingEmptySubsequences: true)
        guard !parts.isEmpty, !parts.contains(where: { $0 == ".." || $0 == "." }) else { return .failure(.invalidPath) }
        let base = URL(fileURLWithPath: root, isDirectory: true).standardizedFileURL.resolvingSymlinksInPath().path
        let file = URL(fileURLWithPath: base, isDirectory: true).appendingPathComponent(parts.joined(separator: "/"))
            .standardizedFileURL.resolvingSymlinksInPath().path
        let prefix = base.hasSuffix("/") ? base : base + "/"
        guard file.hasPrefix(prefix), file.count > prefix.count else { return .failure(.outsideRoot) }
        return .success(file)
    }
}
