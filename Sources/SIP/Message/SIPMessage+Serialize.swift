import NIOCore

extension SIPMessage {
    /// Writes the message into a caller-provided buffer (RFC 3261 §7): CRLF
    /// line ends, received header lines verbatim, and a Content-Length that
    /// matches the body (added when missing, rewritten when wrong).
    public func write(into out: inout ByteBuffer) {
        switch kind {
        case .request(let method):
            out.writeString(method.name)
            out.writeInteger(ASCII.sp)
            out.writeImmutableBuffer(lineText)
            out.writeStaticString(" SIP/2.0\r\n")
        case .response(let status):
            out.writeStaticString("SIP/2.0 ")
            // Status-Code is three digits (RFC 3261 §25.1), even for a parsed "000".
            if (0..<100).contains(status) { out.writeString(status < 10 ? "00" : "0") }
            out.writeString(String(status))
            out.writeInteger(ASCII.sp)
            out.writeImmutableBuffer(lineText)
            out.writeStaticString("\r\n")
        }
        let bodyLength = body.readableBytes
        var wroteLength = false
        for e in headers.entries {
            if e.id == SIPHeaderName.contentLengthID {
                // Only one Content-Length goes out, and it tells the truth.
                if wroteLength { continue }
                wroteLength = true
                let current = headers.value(of: e)
                if current != String(bodyLength) {
                    out.writeString(headers.writtenName(of: e))
                    out.writeStaticString(": ")
                    out.writeString(String(bodyLength))
                    out.writeStaticString("\r\n")
                    continue
                }
            }
            if let slice = headers.storage.getSlice(at: Int(e.lineStart), length: Int(e.valueEnd - e.lineStart)) {
                out.writeImmutableBuffer(slice)
            }
            out.writeStaticString("\r\n")
        }
        if !wroteLength {
            out.writeStaticString("Content-Length: ")
            out.writeString(String(bodyLength))
            out.writeStaticString("\r\n")
        }
        out.writeStaticString("\r\n")
        out.writeImmutableBuffer(body)
    }

    /// The message as bytes in a new buffer.
    public func serialized() -> ByteBuffer {
        var out = ByteBuffer()
        out.reserveCapacity(headers.storage.readableBytes + body.readableBytes + 128)
        write(into: &out)
        return out
    }

    /// The message as text (tests, logs).
    public var text: String { String(buffer: serialized()) }
}
