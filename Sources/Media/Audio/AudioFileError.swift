/// Why a prompt could not be loaded. Compared by kind only (`detail` says
/// what exactly), so tests and callers can match `.truncated` and so on.
public struct AudioFileError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Kind: Hashable, Sendable {
        case notWAV, malformed, unsupportedEncoding, tooLong, tooLarge, truncated, unreadable
    }

    private let kind: Kind
    /// The specifics, for logs: the format tag, the duration, the errno…
    public let detail: String

    private init(_ kind: Kind, _ detail: String = "") {
        self.kind = kind
        self.detail = detail
    }

    /// No `RIFF`…`WAVE` signature.
    public static let notWAV = AudioFileError(.notWAV)
    /// A RIFF WAVE whose chunks contradict each other (no `fmt `, `data` before it, a short `fmt `).
    public static let malformed = AudioFileError(.malformed)
    /// An encoding, sample size, channel count or rate we do not decode.
    public static let unsupportedEncoding = AudioFileError(.unsupportedEncoding)
    /// Longer than the caller's duration limit.
    public static let tooLong = AudioFileError(.tooLong)
    /// A file larger than the caller's byte limit.
    public static let tooLarge = AudioFileError(.tooLarge)
    /// The file ends inside a header or before the audio its `data` chunk declares.
    public static let truncated = AudioFileError(.truncated)
    /// The file could not be opened or read.
    public static let unreadable = AudioFileError(.unreadable)

    static func notWAV(_ detail: String) -> Self { Self(.notWAV, detail) }
    static func malformed(_ detail: String) -> Self { Self(.malformed, detail) }
    static func unsupportedEncoding(_ detail: String) -> Self { Self(.unsupportedEncoding, detail) }
    static func tooLong(_ detail: String) -> Self { Self(.tooLong, detail) }
    static func tooLarge(_ detail: String) -> Self { Self(.tooLarge, detail) }
    static func truncated(_ detail: String) -> Self { Self(.truncated, detail) }
    static func unreadable(_ detail: String) -> Self { Self(.unreadable, detail) }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.kind == rhs.kind }
    public func hash(into hasher: inout Hasher) { hasher.combine(kind) }

    public var description: String {
        let what = switch kind {
        case .notWAV: "not a WAV file"
        case .malformed: "malformed WAV file"
        case .unsupportedEncoding: "unsupported WAV encoding"
        case .tooLong: "audio too long"
        case .tooLarge: "file too large"
        case .truncated: "WAV file truncated"
        case .unreadable: "file unreadable"
        }
        return detail.isEmpty ? what : "\(what): \(detail)"
    }
}
