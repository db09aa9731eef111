/// Reads the start line and splits the header section of one message
/// (RFC 3261 §7.1–§7.3, §25). Works on raw bytes and records offsets only:
/// one array of entries is the only allocation for a known method.
struct SIPHead {
    var kind: SIPMessage.Kind
    /// Absolute offsets in the scanned bytes.
    var messageStart: Int
    var lineTextStart: Int
    var lineTextEnd: Int
    /// Offsets relative to `messageStart`.
    var entries: [SIPHeaders.Entry]
    /// Absolute offset of the first body byte.
    var headerEnd: Int
    var contentLength: Int?
}

enum SIPHeadParser {
    /// Parses a head from `raw[start...]`. With `toEnd`, the end of the bytes
    /// also ends the header section (a datagram missing its empty line).
    static func parse(
        _ raw: UnsafeRawBufferPointer, from start: Int, toEnd: Bool, maxHeaderBytes: Int, maxBodyBytes: Int
    ) -> Result<SIPHead, SIPParseError> {
        var i = start
        // RFC 3261 §7.5: CRLFs before the start line are ignored.
        while i < raw.count, raw[i] == ASCII.cr || raw[i] == ASCII.lf { i += 1 }
        if i == raw.count { return .failure(.keepAlive) }
        let messageStart = i
        guard let lf = findLF(raw, from: i) else { return .failure(.incompleteHeaderSection) }
        let lineEnd = (lf > i && raw[lf - 1] == ASCII.cr) ? lf - 1 : lf

        var head = SIPHead(
            kind: .request(.ack), messageStart: messageStart, lineTextStart: 0, lineTextEnd: 0,
            entries: [], headerEnd: 0, contentLength: nil)
        let isResponse = lineEnd - i >= 4 && asciiCaseInsensitiveEqual(raw[i..<(i + 4)], "SIP/".utf8)
        func fail(_ e: SIPParseError) -> Result<SIPHead, SIPParseError> {
            .failure(isResponse ? .inResponse(e) : e)
        }
        if let error = isResponse
            ? parseStatusLine(raw, i, lineEnd, &head)
            : parseRequestLine(raw, i, lineEnd, &head) {
            return fail(error)
        }
        switch parseHeaderLines(raw, from: lf + 1, messageStart: messageStart, toEnd: toEnd, into: &head.entries) {
        case .failure(let e): return fail(e)
        case .success(let end): head.headerEnd = end
        }
        if head.headerEnd - messageStart > maxHeaderBytes { return fail(.headerSectionTooLarge(limit: maxHeaderBytes)) }
        switch contentLength(raw, head.entries, messageStart: messageStart, maxBody: maxBodyBytes) {
        case .failure(let e): return fail(e)
        case .success(let length): head.contentLength = length
        }
        return .success(head)
    }

    static func findLF(_ raw: UnsafeRawBufferPointer, from: Int) -> Int? {
        var j = from
        while j < raw.count {
            if raw[j] == ASCII.lf { return j }
            j += 1
        }
        return nil
    }

    /// `Method SP Request-URI SP SIP-Version`, single spaces (RFC 4475 §3.1.2.7–10).
    static func parseRequestLine(_ raw: UnsafeRawBufferPointer, _ start: Int, _ end: Int, _ head: inout SIPHead) -> SIPParseError? {
        var i = start
        while i < end, raw[i].is(.token) { i += 1 }
        guard i > start else { return .invalidMethod }
        guard i < end, raw[i] == ASCII.sp else { return i == end || raw[i].isWhitespace ? .malformedRequestLine : .invalidMethod }
        let method = SIPMethod(bytes: UnsafeRawBufferPointer(rebasing: raw[start..<i]))
        i += 1
        let uriStart = i
        while i < end, raw[i] > ASCII.sp, raw[i] != 0x7F { i += 1 }
        guard i > uriStart, i < end, raw[i] == ASCII.sp else { return .malformedRequestLine }
        let uriEnd = i
        i += 1
        let versionStart = i
        while i < end, raw[i] > ASCII.sp { i += 1 }
        guard i == end else { return .malformedRequestLine }
        if let error = checkVersion(raw, versionStart, end) { return error }
        // absoluteURI starts with a scheme (RFC 3261 §25.1); `<sip:…>` does not (RFC 4475 §3.1.2.7).
        guard raw[uriStart].is(.alpha) else { return .malformedRequestURI }
        var j = uriStart + 1
        while j < uriEnd, raw[j].is(.scheme) { j += 1 }
        guard j < uriEnd - 1, raw[j] == ASCII.colon else { return .malformedRequestURI }
        head.kind = .request(method)
        head.lineTextStart = uriStart
        head.lineTextEnd = uriEnd
        return nil
    }

    /// `SIP-Version SP Status-Code SP Reason-Phrase`, a three-digit code (RFC 4475 §3.1.2.19).
    static func parseStatusLine(_ raw: UnsafeRawBufferPointer, _ start: Int, _ end: Int, _ head: inout SIPHead) -> SIPParseError? {
        var i = start
        while i < end, raw[i] > ASCII.sp { i += 1 }
        if let error = checkVersion(raw, start, i) { return error }
        guard i < end, raw[i] == ASCII.sp else { return .malformedStatusLine }
        i += 1
        let codeStart = i
        var code = 0
        while i < end, raw[i].is(.digit), i - codeStart < 4 {
            code = code * 10 + Int(raw[i] - ASCII.zero)
            i += 1
        }
        guard i - codeStart == 3 else { return .malformedStatusLine }
        // The SP before an empty reason phrase is sometimes left out; tolerate that.
        if i < end {
            guard raw[i] == ASCII.sp else { return .malformedStatusLine }
            i += 1
        }
        head.kind = .response(status: code)
        head.lineTextStart = i
        head.lineTextEnd = end
        return nil
    }

    /// "SIP" "/" 1*DIGIT "." 1*DIGIT, with only 2.0 supported (RFC 3261 §7.1).
    static func checkVersion(_ raw: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> SIPParseError? {
        guard end - start >= 7, asciiCaseInsensitiveEqual(raw[start..<(start + 4)], "SIP/".utf8) else {
            return .malformedRequestLine
        }
        var i = start + 4
        var major = 0, minor = 0
        let majorStart = i
        while i < end, raw[i].is(.digit), i - majorStart < 4 { major = major * 10 + Int(raw[i] - ASCII.zero); i += 1 }
        guard i > majorStart, i < end, raw[i] == ASCII.dot else { return .malformedRequestLine }
        i += 1
        let minorStart = i
        while i < end, raw[i].is(.digit), i - minorStart < 4 { minor = minor * 10 + Int(raw[i] - ASCII.zero); i += 1 }
        guard i > minorStart, i == end else { return .malformedRequestLine }
        guard major == 2, minor == 0 else {
            return .unsupportedVersion(String(decoding: UnsafeRawBufferPointer(rebasing: raw[start..<end]), as: UTF8.self))
        }
        return nil
    }

    /// Header lines up to the empty line; returns the offset after it. A line
    /// starting with SP or HTAB continues the previous one (folding, §7.3.1).
    static func parseHeaderLines(
        _ raw: UnsafeRawBufferPointer, from: Int, messageStart: Int, toEnd: Bool, into entries: inout [SIPHeaders.Entry]
    ) -> Result<Int, SIPParseError> {
        entries.reserveCapacity(24)
        var pos = from
        var lineNumber = 1
        while true {
            guard pos < raw.count else {
                return toEnd ? .success(raw.count) : .failure(.incompleteHeaderSection)
            }
            let lf = findLF(raw, from: pos)
            if lf == nil, !toEnd { return .failure(.incompleteHeaderSection) }
            let lineBreak = lf ?? raw.count
            let end = (lineBreak > pos && raw[lineBreak - 1] == ASCII.cr) ? lineBreak - 1 : lineBreak
            lineNumber += 1
            if end == pos { return .success(min(lineBreak + 1, raw.count)) }
            let first = raw[pos]
            if first == ASCII.sp || first == ASCII.htab {
                guard !entries.isEmpty else { return .failure(.malformedHeaderLine(line: lineNumber)) }
                entries[entries.count - 1].valueEnd = Int32(end - messageStart)
                entries[entries.count - 1].folded = true
            } else {
                var j = pos
                while j < end, raw[j].is(.token) { j += 1 }
                let nameEnd = j
                while j < end, raw[j].isWSP { j += 1 }
                guard nameEnd > pos, j < end, raw[j] == ASCII.colon else {
                    return .failure(.malformedHeaderLine(line: lineNumber))
                }
                j += 1
                while j < end, raw[j].isWSP { j += 1 }
                let id = SIPHeaderName.identify(UnsafeRawBufferPointer(rebasing: raw[pos..<nameEnd]))
                entries.append(SIPHeaders.Entry(
                    lineStart: Int32(pos - messageStart), nameEnd: Int32(nameEnd - messageStart),
                    valueStart: Int32(j - messageStart), valueEnd: Int32(end - messageStart), id: id, folded: false))
            }
            guard lf != nil else { return .success(raw.count) }
            pos = lineBreak + 1
        }
    }

    /// The one Content-Length value, if any (RFC 3261 §20.14).
    static func contentLength(
        _ raw: UnsafeRawBufferPointer, _ entries: [SIPHeaders.Entry], messageStart: Int, maxBody: Int
    ) -> Result<Int?, SIPParseError> {
        var found: Int?
        for e in entries where e.id == SIPHeaderName.contentLengthID {
            guard found == nil else { return .failure(.multipleContentLength) }
            var a = messageStart + Int(e.valueStart)
            var b = messageStart + Int(e.valueEnd)
            while a < b, raw[a].isWhitespace { a += 1 }
            while b > a, raw[b - 1].isWhitespace { b -= 1 }
            guard a < b else { return .failure(.invalidContentLength) }
            var value = 0
            for k in a..<b {
                guard raw[k].is(.digit) else { return .failure(.invalidContentLength) }
                value = value * 10 + Int(raw[k] - ASCII.zero)
                if value > maxBody { return .failure(.bodyTooLarge(limit: maxBody)) }
            }
            found = value
        }
        return .success(found)
    }
}

extension SIPHeaderName {
    static let contentLengthID: UInt8 = SIPHeaderName.contentLength.id
}
