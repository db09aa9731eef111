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
        headers.storage.reserveCapacity(512)
        for e in source.entries where e.id == SIPHeaderName.via.id {
            headers.appendCopy(of: e, from: source)
        }
        if let from = source.firstEntry(.from) { headers.appendCopy(of: from, from: source, as: .from) }
        if let to = source.firstEntry(.to) {
            if status > 100, let toTag {
                // Parameters after the address are header parameters in either
                // form (name-addr or addr-spec, RFC 3261 §20.39), so a tag can
                // be appended; a value mentioning "tag" at all is parsed to
                // tell an existing tag from a URI parameter of that name.
                if source.valueContainsASCIICaseInsensitive(to, "tag") {
                    headers.add(.to, tagging(source.value(of: to), with: toTag))
                } else {
                    headers.appendCopy(of: to, from: source, as: .to, tag: toTag)
                }
            } else {
                headers.appendCopy(of: to, from: source, as: .to)
            }
        }
        if let callID = source.firstEntry(.callID) { headers.appendCopy(of: callID, from: source, as: .callID) }
        if let cseq = source.firstEntry(.cseq) { headers.appendCopy(of: cseq, from: source, as: .cseq) }
        if status == 100, let timestamp = source.firstEntry(.timestamp) { headers.appendCopy(of: timestamp, from: source, as: .timestamp) }
        for line in extraHeaders { headers.add(line.name, line.value) }
        return SIPMessage(status: status, reason: reason, headers: headers)
    }

    /// A To value with `tag` added unless it has one.
    static func tagging(_ to: String, with tag: String) -> String {
        guard var parsed = try? SIPNameAddress(parsing: to), parsed.tag == nil else { return to }
        parsed.tag = tag
        return parsed.description
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
        stampTopVia(try topVia(), sourceAddress: sourceAddress, sourcePort: sourcePort)
    }

    /// The same with the top Via already decoded; returns it as stamped. The
    /// line is rewritten only when something was added.
    @discardableResult
    public mutating func stampTopVia(_ topVia: SIPVia, sourceAddress: String, sourcePort: Int) -> SIPVia {
        var via = topVia
        let sentBy = via.host.hasPrefix("[") ? String(via.host.dropFirst().dropLast()) : via.host
        guard sentBy != sourceAddress || via.hasRPort else { return via }
        via.received = sourceAddress
        if via.hasRPort { via.rport = sourcePort }
        headers.replaceFirstValue(.via, with: via.description)
        return via
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
