/// `multipart/form-data` (RFC 7578) in memory: the parts of an upload form.
struct MultipartForm: Sendable {
    struct Part: Sendable {
        var name: String
        var fileName: String?
        var contentType: String?
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    enum ParseError: Error, CustomStringConvertible {
        case notMultipart, noBoundary, malformed(String)
        var description: String {
            switch self {
            case .notMultipart: "the upload must be multipart/form-data"
            case .noBoundary: "the multipart boundary is missing"
            case .malformed(let why): "the multipart body is malformed: \(why)"
            }
        }
    }

    var parts: [Part]

    func part(_ name: String) -> Part? { parts.first { $0.name == name } }

    init(parts: [Part]) { self.parts = parts }

    init(body: [UInt8], contentType: String) throws {
        let pieces = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard pieces.first?.lowercased() == "multipart/form-data" else { throw ParseError.notMultipart }
        guard let raw = pieces.dropFirst().first(where: { $0.lowercased().hasPrefix("boundary=") })?.dropFirst("boundary=".count),
            !raw.isEmpty, raw.count <= 200
        else { throw ParseError.noBoundary }
        let boundary = raw.hasPrefix("\"") && raw.hasSuffix("\"") && raw.count >= 2 ? String(raw.dropFirst().dropLast()) : String(raw)
        let delimiter = Array("--\(boundary)".utf8)
        let separator = Array("\r\n--\(boundary)".utf8)
        guard var position = Self.find(delimiter, in: body, from: 0) else { throw ParseError.malformed("no boundary line") }
        position += delimiter.count
        var parts: [Part] = []
        while true {
            if body.count >= position + 2, body[position] == UInt8(ascii: "-"), body[position + 1] == UInt8(ascii: "-") { break }
            guard body.count >= position + 2, body[position] == 13, body[position + 1] == 10 else { throw ParseError.malformed("boundary line not ended") }
            position += 2
            guard let headerEnd = Self.find([13, 10, 13, 10], in: body, from: position) else { throw ParseError.malformed("part headers not ended") }
            let headers = String(decoding: body[position..<headerEnd], as: UTF8.self)
            guard let end = Self.find(separator, in: body, from: headerEnd + 4) else { throw ParseError.malformed("part not closed") }
            var part = Part(name: "", fileName: nil, contentType: nil, body: Array(body[(headerEnd + 4)..<end]))
            for line in headers.split(separator: "\r\n") {
                let pair = line.split(separator: ":", maxSplits: 1)
                guard pair.count == 2 else { continue }
                let value = pair[1].trimmingCharacters(in: .whitespaces)
                switch pair[0].lowercased() {
                case "content-disposition":
                    part.name = Self.parameter("name", in: value) ?? ""
                    part.fileName = Self.parameter("filename", in: value)
                case "content-type":
                    part.contentType = value
                default: break
                }
            }
            parts.append(part)
            position = end + separator.count
        }
        self.parts = parts
    }

    /// A `name="value"` parameter of a Content-Disposition value.
    static func parameter(_ name: String, in value: String) -> String? {
        for piece in value.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == name else { continue }
            let raw = pair[1]
            return raw.hasPrefix("\"") && raw.hasSuffix("\"") && raw.count >= 2 ? String(raw.dropFirst().dropLast()) : raw
        }
        return nil
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first {
                var matched = true
                for offset in 1..<needle.count where haystack[index + offset] != needle[offset] {
                    matched = false
                    break
                }
                if matched { return index }
            }
            index += 1
        }
        return nil
    }
}
