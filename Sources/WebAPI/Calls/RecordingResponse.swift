import CallCenter
import Foundation
import Hummingbird
import Logging

/// A call's recording as a file and as an HTTP response with byte ranges.
enum RecordingResponse {
    static let contentType = "audio/wav"

    /// The recording's resolved path; 404 `no_recording` when the call has
    /// none, `recording_missing` when the file is not there or its stored
    /// path would leave the recordings folder.
    static func file(of call: CallRecord, in recordings: RecordingFiles, logger: Logger) throws -> String {
        guard let stored = call.recording else {
            throw APIError(.notFound, code: "no_recording", message: "This call was not recorded")
        }
        switch recordings.resolve(stored) {
        case .failure(let refusal):
            logger.warning("refused a stored recording path", metadata: ["call.id": "\(call.id)", "recording.refusal": "\(refusal)"])
            throw APIError(.notFound, code: "recording_missing", message: "The recording's stored path is not inside the recordings folder")
        case .success(let path):
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                throw APIError(.notFound, code: "recording_missing", message: "The recording file is missing")
            }
            return path
        }
    }

    /// `ID_YYYYMMDD-HHMMSSZ_FROM_TO.EXT`: sortable, and safe in any file system.
    static func fileName(of call: CallRecord, extension ext: String) -> String {
        let stamp = RFC3339.string(call.startedAt)  // 2026-03-05T08:01:02.000Z
        let digits = stamp.prefix(19).filter { $0 != "-" && $0 != ":" }.replacingOccurrences(of: "T", with: "-")
        return "\(call.id)_\(digits)Z_\(safe(call.from))_\(safe(call.to)).\(ext)"
    }

    private static func safe(_ text: String) -> String {
        let kept = text.prefix(40).map { c -> Character in
            c.isASCII && (c.isLetter || c.isNumber || c == "+" || c == "-") ? c : "_"
        }
        return kept.isEmpty ? "unknown" : String(kept)
    }

    /// Streams the file, or the one range the `Range` header asks for.
    static func stream(_ path: String, range header: String?, downloadName: String, attachment: Bool) throws -> Response {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        var headers: HTTPFields = [
            .contentType: contentType, .acceptRanges: "bytes", .cacheControl: "private, no-cache",
            .contentDisposition: "\(attachment ? "attachment" : "inline"); filename=\"\(downloadName)\"",
        ]
        let first: Int
        let count: Int
        let status: HTTPResponse.Status
        switch ByteRange(header: header, size: size) {
        case .whole:
            (first, count, status) = (0, size, .ok)
        case .part(let from, let last):
            (first, count, status) = (from, last - from + 1, .partialContent)
            headers[.contentRange] = "bytes \(from)-\(last)/\(size)"
        case .unsatisfiable:
            var error = APIError(.rangeNotSatisfiable, code: "range_not_satisfiable", message: "The recording has \(size) bytes; the range asks for none of them")
            error.headers[.contentRange] = "bytes */\(size)"
            error.headers[.acceptRanges] = "bytes"
            throw error
        }
        let body = ResponseBody(contentLength: count) { writer in
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw APIError(.notFound, code: "recording_missing", message: "The recording file is missing")
            }
            defer { try? handle.close() }
            try handle.seek(toOffset: UInt64(first))
            var left = count
            while left > 0, let chunk = try handle.read(upToCount: min(left, 1 << 16)), !chunk.isEmpty {
                left -= chunk.count
                try await writer.write(ByteBuffer(bytes: chunk))
            }
            try await writer.finish(nil)
        }
        return Response(status: status, headers: headers, body: body)
    }
}
