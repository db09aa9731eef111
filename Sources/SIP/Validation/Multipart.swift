import NIOCore

/// The Content-Type of each part of a multipart body (RFC 2046 §5.1), enough
/// to see whether a multipart/mixed INVITE carries SDP.
enum Multipart {
    static func partContentTypes(body: ByteBuffer, boundary: String) -> [SIPMediaType] {
        let bytes = Array(body.readableBytesView)
        let delimiter = Array(("--" + boundary).utf8)
        var types: [SIPMediaType] = []
        var i = 0
        while let start = find(delimiter, in: bytes, from: i) {
            var j = start + delimiter.count
            // "--" after the delimiter closes the body.
            if j + 1 < bytes.count, bytes[j] == ASCII.minus, bytes[j + 1] == ASCII.minus { break }
            // Part headers run to the first empty line; default type is text/plain.
            var partType = SIPMediaType(type: "text", subtype: "plain")
            while j < bytes.count, bytes[j] != ASCII.lf { j += 1 }
            j += 1
            while j < bytes.count {
                var end = j
                while end < bytes.count, bytes[end] != ASCII.lf { end += 1 }
                let line = trimmed(bytes[j..<end])
                j = end + 1
                if line.isEmpty { break }
                if let colon = line.firstIndex(of: ASCII.colon),
                   asciiCaseInsensitiveEqual(trimmed(line[line.startIndex..<colon]), "content-type".utf8) {
                    var s = HeaderScanner(line[(colon + 1)...])
                    if let type = try? SIPMediaType.parse(&s) { partType = type }
                }
            }
            types.append(partType)
            i = j
        }
        return types
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, from <= haystack.count - needle.count else { return nil }
        var i = from
        while i <= haystack.count - needle.count {
            if haystack[i] == needle[0], haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
