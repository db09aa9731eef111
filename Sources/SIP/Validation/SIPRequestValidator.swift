/// Semantic checks a UAS, registrar or B2BUA makes after parsing and
/// before any transaction work (RFC 3261 §8.2, §10.3, §16.3; RFC 4475 §3.3).
/// A value: configure it once, call it per message.
public struct SIPRequestValidator: Sendable {
    /// Request-URI schemes served; others get 416 (RFC 3261 §8.2.2.1).
    public var supportedSchemes: Set<String>
    /// Option tags this server implements; a Require naming others gets 420 (§8.2.2.3).
    public var supportedExtensions: Set<String>
    /// Methods whose body must be a session description we understand (§8.2.3).
    public var sessionMethods: Set<SIPMethod>
    /// Body types accepted for `sessionMethods`; multipart/mixed passes when a part is one of them.
    public var acceptedBodyTypes: [SIPMediaType]
    /// RFC 3261 §8.1.1 requires Max-Forwards, but RFC 2543 peers omit it and
    /// RFC 4475 §3.4.1 asks that such INVITEs be processed; off by default.
    public var requireMaxForwards: Bool
    /// Also reject unknown Proxy-Require tags (the proxy role, RFC 3261 §16.3 step 5).
    public var checkProxyRequire: Bool

    public init(
        supportedSchemes: Set<String> = ["sip", "sips"],
        supportedExtensions: Set<String> = [],
        sessionMethods: Set<SIPMethod> = [.invite, .ack, .update, .prack],
        acceptedBodyTypes: [SIPMediaType] = [.sdp],
        requireMaxForwards: Bool = false,
        checkProxyRequire: Bool = false
    ) {
        self.supportedSchemes = supportedSchemes
        self.supportedExtensions = Set(supportedExtensions.map(\.asciiLowercased))
        self.sessionMethods = sessionMethods
        self.acceptedBodyTypes = acceptedBodyTypes
        self.requireMaxForwards = requireMaxForwards
        self.checkProxyRequire = checkProxyRequire
    }

    /// Validates a request or a response.
    public func validate(_ message: SIPMessage) -> SIPVerdict {
        message.isRequest ? validate(request: message) : validate(response: message)
    }

    public func validate(request: SIPMessage) -> SIPVerdict {
        validate(request: request, decodedVias: nil)
    }

    /// The same for a request whose Via values the transport has decoded
    /// already (they are not decoded twice).
    public func validate(request: SIPMessage, decodedVias: [SIPVia]?) -> SIPVerdict {
        guard let method = request.method else { return .drop }
        let verdict = check(request, method, decodedVias: decodedVias)
        // An ACK is never answered (RFC 3261 §17.2.1): a bad one is dropped.
        if method == .ack, verdict != .accept { return .drop }
        return verdict
    }

    private func check(_ request: SIPMessage, _ method: SIPMethod, decodedVias: [SIPVia]?) -> SIPVerdict {
        // §8.1.1: the headers every request carries.
        var required: [SIPHeaderName] = [.to, .from, .callID, .cseq, .via]
        if requireMaxForwards { required.append(.maxForwards) }
        let missing = required.filter { !request.headers.contains($0) }
        if !missing.isEmpty {
            return .reply(400, "Missing " + missing.map(\.canonical).joined(separator: ", "))
        }
        // §7.3.1: these appear once (RFC 4475 §3.3.8, §3.3.9).
        let single: [SIPHeaderName] = [.to, .from, .callID, .cseq, .maxForwards, .contentLength, .contentType, .expires]
        if let repeated = single.first(where: { request.headers.lineCount($0) > 1 }) {
            return .reply(400, "Multiple \(repeated.canonical) Headers")
        }
        let cseq: SIPCSeq
        let to: SIPNameAddress
        let contacts: SIPContactList?
        do {
            to = try request.to()
            _ = try request.from()
            _ = try request.callID()
            cseq = try request.cseq()
            if decodedVias == nil { _ = try request.vias() }
            _ = try request.maxForwards()
            _ = try request.contentLength()
            _ = try request.contentType()
            contacts = try request.contacts()
            _ = try request.routes()
            _ = try request.recordRoutes()
        } catch {
            return .reply(400, error.description)
        }
        // RFC 4475 §3.1.2.17–18.
        guard cseq.method == method else { return .reply(400, "CSeq Method Mismatch") }

        let uri: SIPAnyURI
        do {
            uri = try request.requestURI()
        } catch {
            return .reply(400, "Malformed Request-URI")
        }
        guard supportedSchemes.contains(uri.scheme) else { return .reply(416) }
        // Headers in a Request-URI are not allowed (RFC 3261 §19.1.5 table; RFC 4475 §3.1.2.11).
        if let sip = uri.sipURI, !sip.headers.isEmpty { return .reply(400, "Headers Not Allowed In Request-URI") }

        if method == .register, let verdict = checkRegister(request, to: to, contacts: contacts) { return verdict }

        if method != .ack, method != .cancel, let verdict = checkExtensions(request) { return verdict }
        if let verdict = checkBody(request, method) { return verdict }
        if method == .invite, let verdict = checkAccept(request) { return verdict }
        return .accept
    }

    /// RFC 3261 §10.3 steps 3 and 6.
    private func checkRegister(_ request: SIPMessage, to: SIPNameAddress, contacts: SIPContactList?) -> SIPVerdict? {
        // The AOR is a SIP or SIPS URI (RFC 4475 §3.3.4).
        guard to.uri.sipURI != nil else { return .reply(400, "Address-of-Record Not A SIP URI") }
        if case .wildcard = contacts {
            let expires = try? request.expires()
            guard request.headers.lineCount(.contact) == 1, expires == 0 else {
                return .reply(400, "Wildcard Contact Requires Expires 0")
            }
        }
        return nil
    }

    /// §8.2.2.3: list every Require tag we do not implement.
    private func checkExtensions(_ request: SIPMessage) -> SIPVerdict? {
        var tags: [String]
        do {
            tags = try request.require()
            if checkProxyRequire { tags += try request.proxyRequire() }
        } catch {
            return .reply(400, error.description)
        }
        let unknown = tags.filter { !supportedExtensions.contains($0.asciiLowercased) }
        guard !unknown.isEmpty else { return nil }
        return .reply(420, nil, [SIPHeaderLine("Unsupported", unknown.joined(separator: ", "))])
    }

    /// §8.2.3: a session body must be of a type we understand.
    private func checkBody(_ request: SIPMessage, _ method: SIPMethod) -> SIPVerdict? {
        guard request.body.readableBytes > 0, sessionMethods.contains(method) else { return nil }
        let accept = [SIPHeaderLine("Accept", acceptedBodyTypes.map(\.description).joined(separator: ", "))]
        if let encoding = request.headers.first(.contentEncoding), !encoding.isEmpty,
           !encoding.caseInsensitiveEquals("identity") {
            return .reply(415, nil, accept + [SIPHeaderLine("Accept-Encoding", "identity")])
        }
        guard let type = (try? request.contentType()) ?? nil else { return .reply(400, "Missing Content-Type") }
        if acceptedBodyTypes.contains(where: { $0.matches(type) }) { return nil }
        if type.matches(.multipartMixed), let boundary = type.parameter("boundary") {
            let parts = Multipart.partContentTypes(body: request.body, boundary: boundary)
            if parts.contains(where: { part in acceptedBodyTypes.contains { $0.matches(part) } }) { return nil }
        }
        return .reply(415, nil, accept)
    }

    /// An INVITE whose Accept excludes SDP leaves no body to answer with
    /// (RFC 3261 §21.4.7; RFC 4475 §3.3.15).
    private func checkAccept(_ request: SIPMessage) -> SIPVerdict? {
        guard let ranges = try? request.accept() else { return nil }
        if ranges.isEmpty || ranges.contains(where: { $0.matches(.sdp) }) { return nil }
        return .reply(406, nil, [SIPHeaderLine("Warning", "399 - \"Accept lacks application/sdp\"")])
    }

    /// A response the transaction layer may see, or `.drop` (RFC 3261 §18.1.2;
    /// RFC 4475 §3.1.2.19, §3.3.10).
    public func validate(response: SIPMessage) -> SIPVerdict {
        guard let status = response.statusCode, (100...699).contains(status) else { return .drop }
        for name in [SIPHeaderName.via, .from, .to, .callID, .cseq] where !response.headers.contains(name) {
            return .drop
        }
        let vias: [SIPVia]
        do {
            vias = try response.vias()
            _ = try response.from()
            _ = try response.to()
            _ = try response.callID()
            _ = try response.cseq()
        } catch {
            return .drop
        }
        // Forwarding to a broadcast address would make us an amplifier.
        if vias.contains(where: { $0.host == "255.255.255.255" || $0.received == "255.255.255.255" }) { return .drop }
        return .accept
    }

    /// Before relaying a request onward (B2BUA leg or proxy): Max-Forwards 0
    /// means 483 (RFC 3261 §16.3 step 3; RFC 4475 §3.3.11). An endpoint
    /// consuming the request does not call this.
    public func relayVerdict(_ request: SIPMessage) -> SIPVerdict {
        guard let maxForwards = (try? request.maxForwards()) ?? nil else { return .accept }
        if maxForwards == 0 { return request.method == .ack ? .drop : .reply(483) }
        return .accept
    }
}
