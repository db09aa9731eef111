/// What a `Range` request header asks of a file of known size
/// (RFC 9110 §14.1.2, §14.2): one byte range, served as 206; or the whole
/// file when the header is absent, not about bytes, malformed or asks for
/// several ranges (a server may ignore Range, §14.2); or nothing the file
/// holds (416).
enum ByteRange: Equatable, Sendable {
    case whole
    /// First and last byte, inclusive.
    case part(first: Int, last: Int)
    case unsatisfiable

    init(header: String?, size: Int) {
        guard let header else {
            self = .whole
            return
        }
        let text = header.trimmingCharacters(in: .whitespaces)
        guard text.lowercased().hasPrefix("bytes=") else {
            self = .whole
            return
        }
        let spec = text.dropFirst("bytes=".count).trimmingCharacters(in: .whitespaces)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else {
            self = .whole
            return
        }
        let firstText = spec[..<dash].trimmingCharacters(in: .whitespaces)
        let lastText = spec[spec.index(after: dash)...].trimmingCharacters(in: .whitespaces)
        func number(_ s: String) -> Int? { s.isEmpty || !s.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) ? nil : Int(s) }
        if firstText.isEmpty {
            // bytes=-N: the last N bytes.
            guard let suffix = number(lastText) else {
                self = .whole
                return
            }
            self = suffix == 0 || size == 0 ? .unsatisfiable : .part(first: max(0, size - suffix), last: size - 1)
            return
        }
        guard let first = number(firstText) else {
            self = .whole
            return
        }
        if lastText.isEmpty {
            self = first < size ? .part(first: first, last: size - 1) : .unsatisfiable
            return
        }
        guard let last = number(lastText), last >= first else {
            self = .whole
            return
        }
        self = first < size ? .part(first: first, last: min(last, size - 1)) : .unsatisfiable
    }
}
