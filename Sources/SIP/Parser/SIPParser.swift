import NIOCore

/// Limits that bound what one message may cost (RFC 3261 §18.3 leaves them to us).
public struct SIPParserConfiguration: Hashable, Sendable {
    /// Start line plus headers; past it the answer is 513.
    public var maxHeaderSectionBytes: Int
    /// Past it the answer is 413.
    public var maxBodyBytes: Int

    public init(maxHeaderSectionBytes: Int = 16 * 1024, maxBodyBytes: Int = 64 * 1024) {
        self.maxHeaderSectionBytes = maxHeaderSectionBytes
        self.maxBodyBytes = maxBodyBytes
    }
}

public enum SIPParser {
    /// Parses one UDP datagram (RFC 3261 §18.3): Content-Length bounds the
    /// body and octets after it are ignored (RFC 4475 §3.1.1.8); without
    /// Content-Length the body is the rest of the datagram.
    public static func parse(
        datagram: ByteBuffer, configuration: SIPParserConfiguration = SIPParserConfiguration()
    ) throws(SIPParseError) -> SIPMessage {
        let result = datagram.withUnsafeReadableBytes { raw in
            SIPHeadParser.parse(
                raw, from: 0, toEnd: true,
                maxHeaderBytes: configuration.maxHeaderSectionBytes, maxBodyBytes: configuration.maxBodyBytes)
        }
        let head: SIPHead
        switch result {
        case .success(let h): head = h
        case .failure(let e): throw e
        }
        let available = datagram.readableBytes - head.headerEnd
        let bodyLength: Int
        if let declared = head.contentLength {
            guard declared <= available else {
                let error = SIPParseError.truncatedBody(declared: declared, available: available)
                throw head.kind.isResponse ? .inResponse(error) : error
            }
            bodyLength = declared
        } else {
            bodyLength = available
        }
        return makeMessage(from: datagram, head: head, bodyLength: bodyLength)
    }

    /// Parses a message held in a string (tests, tools).
    public static func parse(_ text: String) throws(SIPParseError) -> SIPMessage {
        try parse(datagram: ByteBuffer(string: text))
    }

    static func makeMessage(from buffer: ByteBuffer, head: SIPHead, bodyLength: Int) -> SIPMessage {
        let base = buffer.readerIndex
        // Slices share the received storage: no copy.
        let storage = buffer.getSlice(at: base + head.messageStart, length: head.headerEnd - head.messageStart) ?? ByteBuffer()
        let lineText = buffer.getSlice(at: base + head.lineTextStart, length: head.lineTextEnd - head.lineTextStart) ?? ByteBuffer()
        let body = buffer.getSlice(at: base + head.headerEnd, length: bodyLength) ?? ByteBuffer()
        return SIPMessage(
            kind: head.kind, lineText: lineText,
            headers: SIPHeaders(storage: storage, entries: head.entries), body: body)
    }

    /// Reads the header lines of bytes that failed to parse, skipping the start
    /// line, so a stateless 400 can still copy Via, From, To, Call-ID and CSeq.
    public static func salvageHeaders(datagram: ByteBuffer) -> SIPHeaders? {
        let found: (Int, [SIPHeaders.Entry], Int)? = datagram.withUnsafeReadableBytes { raw in
            var start = 0
            while start < raw.count, raw[start] == ASCII.cr || raw[start] == ASCII.lf { start += 1 }
            guard let lf = SIPHeadParser.findLF(raw, from: start) else { return nil }
            var entries: [SIPHeaders.Entry] = []
            switch SIPHeadParser.parseHeaderLines(raw, from: lf + 1, messageStart: start, toEnd: true, into: &entries) {
            case .success(let end): return (start, entries, end)
            case .failure: return entries.isEmpty ? nil : (start, entries, raw.count)
            }
        }
        guard let (start, entries, end) = found,
              let storage = datagram.getSlice(at: datagram.readerIndex + start, length: end - start) else { return nil }
        return SIPHeaders(storage: storage, entries: entries)
    }
}

extension SIPMessage.Kind {
    var isResponse: Bool {
        if case .response = self { return true }
        return false
    }
}
