#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a file could not be read or repaired as a PCM WAV recording.
public enum WAVError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file ends inside the RIFF header or a chunk header.
    case tooShort(fileBytes: Int)
    /// No `RIFF` … `WAVE` signature: not a WAV file at all.
    case notRIFFWAVE
    /// The `fmt ` or `data` chunk is missing (or `data` comes before `fmt `).
    case missingChunk(String)
    /// A `fmt ` chunk too short, or with zero channels or block alignment.
    case unsupportedFormat
    /// More audio than the 32-bit RIFF sizes can describe.
    case tooLarge(dataBytes: Int)
    /// A system call failed.
    case io(operation: String, errno: Int32)

    public var description: String {
        switch self {
        case .tooShort(let bytes): "WAV file too short (\(bytes) bytes) to hold its header"
        case .notRIFFWAVE: "Not a WAV file: no RIFF/WAVE signature"
        case .missingChunk(let id): "WAV file has no '\(id)' chunk"
        case .unsupportedFormat: "WAV 'fmt ' chunk is truncated or describes no audio frames"
        case .tooLarge(let bytes): "WAV data of \(bytes) bytes exceeds the 4 GiB RIFF limit"
        case .io(let operation, let code): "\(operation) failed: \(String(cString: strerror(code)))"
        }
    }
}
