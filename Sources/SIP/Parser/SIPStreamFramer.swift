import NIOCore

/// Frames SIP messages on a byte stream (TCP, TLS): a value the channel
/// handler feeds and drains (STYLE habit 1). Content-Length is mandatory
/// (RFC 3261 §18.3); CRLFs between messages are keep-alives (RFC 5626 §4.4.1).
public struct SIPStreamFramer: Sendable {
    public enum Event: Sendable, Equatable {
        case message(SIPMessage)
        /// A double CRLF ping: the transport answers with a single CRLF pong.
        case keepAlivePing
        /// A single CRLF, the pong to our ping.
        case keepAlivePong
    }

    public let configuration: SIPParserConfiguration
    private var buffer: ByteBuffer
    /// Where the search for the end of the header section resumes.
    private var scanned = 0
    private var pending: SIPHead?
    private var failure: SIPParseError?

    public init(configuration: SIPParserConfiguration = SIPParserConfiguration()) {
        self.configuration = configuration
        self.buffer = ByteBuffer()
    }

    /// Bytes read from the connection.
    public mutating func feed(_ bytes: ByteBuffer) {
        // After a framing error nothing more is framed, so nothing more is kept.
        guard failure == nil else { return }
        if buffer.readableBytes == 0 {
            buffer = bytes
        } else {
            var bytes = bytes
            buffer.writeBuffer(&bytes)
        }
    }

    /// Bytes held and not yet framed.
    public var bufferedBytes: Int { buffer.readableBytes }

    /// Whether part of a message (not just keep-alive CR/LF bytes) waits for the rest.
    public var holdsPartialMessage: Bool {
        if pending != nil { return true }
        guard let first = buffer.readableBytesView.first else { return false }
        return first != ASCII.cr && first != ASCII.lf
    }

    /// The next complete event, or nil until more bytes arrive. After an error
    /// the stream cannot be re-synchronised: every later call throws it again.
    public mutating func next() throws(SIPParseError) -> Event? {
        if let failure { throw failure }
        if pending == nil {
            if let keepAlive = takeKeepAlive() { return keepAlive }
            // A CR or LF still first means a keep-alive waiting for its next byte.
            guard let first = buffer.readableBytesView.first, first != ASCII.cr, first != ASCII.lf else { return nil }
            guard let headerEnd = findHeaderEnd() else {
                if buffer.readableBytes > configuration.maxHeaderSectionBytes {
                    return try fail(.headerSectionTooLarge(limit: configuration.maxHeaderSectionBytes))
                }
                return nil
            }
            if headerEnd > configuration.maxHeaderSectionBytes {
                return try fail(.headerSectionTooLarge(limit: configuration.maxHeaderSectionBytes))
            }
            let config = configuration
            let result = buffer.withUnsafeReadableBytes { raw in
                SIPHeadParser.parse(
                    UnsafeRawBufferPointer(rebasing: raw[0..<headerEnd]), from: 0, toEnd: false,
                    maxHeaderBytes: config.maxHeaderSectionBytes, maxBodyBytes: config.maxBodyBytes)
            }
            switch result {
            case .failure(let e): return try fail(e)
            case .success(let head):
                guard head.contentLength != nil else {
                    return try fail(head.kind.isResponse ? .inResponse(.missingContentLength) : .missingContentLength)
                }
                pending = head
            }
        }
        guard let head = pending, let length = head.contentLength else { return nil }
        guard buffer.readableBytes >= head.headerEnd + length else { return nil }
        let message = SIPParser.makeMessage(from: buffer, head: head, bodyLength: length)
        buffer.moveReaderIndex(forwardBy: head.headerEnd + length)
        pending = nil
        scanned = 0
        if buffer.readableBytes == 0 {
            buffer = ByteBuffer()
        } else if buffer.readerIndex > 16 * 1024 {
            // Pipelined traffic never empties the buffer: drop what was framed.
            buffer.discardReadBytes()
        }
        return .message(message)
    }

    private mutating func fail(_ error: SIPParseError) throws(SIPParseError) -> Event? {
        failure = error
        throw error
    }

    /// CRLFCRLF is a ping; a CRLF followed by anything but CR is a pong (or
    /// padding before a message, RFC 3261 §7.5, which is harmless to report).
    private mutating func takeKeepAlive() -> Event? {
        // Stray LFs and lone CRs are skipped in a loop: a peer may send any
        // number of them (recursing here overflowed the stack, found by fuzzing).
        var view = buffer.readableBytesView
        while let first = view.first, first == ASCII.lf || (first == ASCII.cr && view.count >= 2 && view[view.startIndex + 1] != ASCII.lf) {
            buffer.moveReaderIndex(forwardBy: 1)
            view = buffer.readableBytesView
        }
        guard let first = view.first, first == ASCII.cr, view.count >= 2 else { return nil }
        let s = view.startIndex
        guard view.count >= 3 else { return nil }
        if view[s + 2] != ASCII.cr {
            buffer.moveReaderIndex(forwardBy: 2)
            return .keepAlivePong
        }
        guard view.count >= 4 else { return nil }
        if view[s + 3] == ASCII.lf {
            buffer.moveReaderIndex(forwardBy: 4)
            return .keepAlivePing
        }
        buffer.moveReaderIndex(forwardBy: 2)
        return .keepAlivePong
    }

    /// Offset just past CRLFCRLF (or LFLF), searching only bytes not yet seen.
    private mutating func findHeaderEnd() -> Int? {
        let found: Int? = buffer.withUnsafeReadableBytes { raw in
            var i = max(scanned - 3, 0)
            while i < raw.count {
                if raw[i] == ASCII.lf {
                    if i + 1 < raw.count, raw[i + 1] == ASCII.lf { return i + 2 }
                    if i + 2 < raw.count, raw[i + 1] == ASCII.cr, raw[i + 2] == ASCII.lf { return i + 3 }
                }
                i += 1
            }
            return nil
        }
        if found == nil { scanned = buffer.readableBytes }
        return found
    }
}
