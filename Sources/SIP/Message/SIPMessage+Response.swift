import NIOCore

extension SIPMessage {
    /// A response to this request per RFC 3261 §8.2.6.2: Via lines (with the
    /// `received`/`rport` the transport stamped), From, To, Call-ID and CSeq
    /// copied; a To tag added unless the status is 100 or the To has one;
    /// Timestamp echoed on 100 (§8.2.6.1).
    public func makeResponse(
        status: Int, reason: String? = nil, toTag: String? = nil, extraHeaders: [SIPHeaderLine] = []
    ) -> SIPMessage {
        SIPMessage.response(status: status, reason: reason, copying: headers, toTag: toTag, extraHeaders: extraHeaders)
    }

    static func response(
        status: Int, reason: String?, copying source: SIPHeaders, toTag: String?, extraHeaders: [SIPHeaderLine]
    ) -> SIPMessage {
        var headers = SIPHeaders()
        for e in source.entries where e.id == SIPHeaderName.via.id {
            headers.add(source.writtenName(of: e), source.value(of: e))
        }
        if let from = source.first(.from) { headers.add(.from, from) }
        if var to = source.first(.to) {
            if status > 100, let toTag, let parsed = try? SIPNameAddress(parsing: to), parsed.tag == nil {
                var tagged = parsed
                tagged.tag = toTag
                to = tagged.description
            }
            headers.add(.to, to)
        }
        if let callID = source.first(.callID) { headers.add(.callID, callID) }
        if let cseq = source.first(.cseq) { headers.add(.cseq, cseq) }
        if status == 100, let timestamp = source.first(.timestamp) { headers.add(.timestamp, timestamp) }
        for line in extraHeaders { headers.add(line.name, line.value) }
        return SIPMessage(status: status, reason: reason, headers: headers)
    }

    /// A stateless answer to bytes that failed to parse, when the error calls
    /// for one and the headers a response needs can still be read.
    public static func errorResponse(toUnparseable datagram: ByteBuffer, error: SIPParseError) -> SIPMessage? {
        guard case .reply(let status, let reason) = error.action,
              let headers = SIPParser.salvageHeaders(datagram: datagram),
              headers.contains(.via), headers.contains(.from), headers.contains(.to),
              headers.contains(.callID), headers.contains(.cseq) else { return nil }
        if let cseq = try? SIPCSeq.parse(headers.lineBytes(.cseq).first ?? []), cseq.method == .ack { return nil }
        return response(status: status, reason: reason, copying: headers, toTag: nil, extraHeaders: [])
    }

    /// Stamps the top Via with where the request came from (RFC 3261 §18.2.1,
    /// RFC 3581 §4): `received` when the sent-by host differs from the source
    /// address or `rport` is asked for, and the `rport` value when asked for.
    public mutating func stampTopVia(sourceAddress: String, sourcePort: Int) throws(SIPHeaderError) {
        var via = try topVia()
        let sentBy = via.host.hasPrefix("[") ? String(via.host.dropFirst().dropLast()) : via.host
        if sentBy != sourceAddress || via.hasRPort { via.received = sourceAddress }
        if via.hasRPort { via.rport = sourcePort }
        headers.replaceFirstValue(.via, with: via.description)
    }
}

/// A header to add to a generated message.
public struct SIPHeaderLine: Hashable, Sendable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}
