/// Typed header access, decoded on demand. Each throws `SIPHeaderError`
/// naming the header: `.missing`, `.repeated` (a single-value header on
/// several lines) or `.syntax`.
extension SIPMessage {
    /// All Via values, top first, across lines (RFC 3261 §20.42).
    public func vias() throws(SIPHeaderError) -> [SIPVia] {
        try SIPSyntaxError.wrap(.via) { () throws(SIPSyntaxError) -> [SIPVia] in
            var result: [SIPVia] = []
            for line in headers.lineBytes(.via) {
                for element in try listElements(line) {
                    var s = HeaderScanner(element)
                    result.append(try SIPVia.parse(&s))
                    try s.expectEnd()
                }
            }
            return result
        }
    }

    public func topVia() throws(SIPHeaderError) -> SIPVia {
        guard let entry = headers.entries.first(where: { headers.matches($0, .via) }) else {
            throw SIPHeaderError(.via, .missing)
        }
        let line = headers.valueBytes(of: entry)
        return try SIPSyntaxError.wrap(.via) { () throws(SIPSyntaxError) -> SIPVia in
            guard let element = try listElements(line).first else { throw .empty }
            var s = HeaderScanner(element)
            let via = try SIPVia.parse(&s)
            try s.expectEnd()
            return via
        }
    }

    public func from() throws(SIPHeaderError) -> SIPNameAddress { try nameAddress(.from) }
    public func to() throws(SIPHeaderError) -> SIPNameAddress { try nameAddress(.to) }

    /// Refer-To (RFC 3515), nil when absent.
    public func referTo() throws(SIPHeaderError) -> SIPNameAddress? {
        headers.contains(.referTo) ? try nameAddress(.referTo) : nil
    }

    public func callID() throws(SIPHeaderError) -> String {
        let line = try single(.callID)
        // callid = word [ "@" word ] (RFC 3261 §25.1).
        guard !line.isEmpty, line.allSatisfy({ $0.is(.word) || $0 == ASCII.at }) else {
            throw SIPHeaderError(.callID, .syntax(.invalidToken))
        }
        return String(decoding: line, as: UTF8.self)
    }

    public func cseq() throws(SIPHeaderError) -> SIPCSeq {
        let line = try single(.cseq)
        return try SIPSyntaxError.wrap(.cseq) { () throws(SIPSyntaxError) in try SIPCSeq.parse(line) }
    }

    /// Max-Forwards, 0…255 (RFC 3261 §20.22); nil when absent.
    public func maxForwards() throws(SIPHeaderError) -> Int? {
        try number(.maxForwards, max: 255).map { Int($0) }
    }

    /// Content-Length as written; nil when absent.
    public func contentLength() throws(SIPHeaderError) -> Int? {
        try number(.contentLength, max: UInt64(Int32.max)).map { Int($0) }
    }

    /// Expires in seconds (RFC 3261 §20.19); nil when absent.
    public func expires() throws(SIPHeaderError) -> UInt32? {
        try number(.expires, max: UInt64(UInt32.max)).map { UInt32($0) }
    }

    public func minExpires() throws(SIPHeaderError) -> UInt32? {
        try number(.minExpires, max: UInt64(UInt32.max)).map { UInt32($0) }
    }

    /// The Contact header: nil when absent, `*`, or the addresses of every line.
    public func contacts() throws(SIPHeaderError) -> SIPContactList? {
        let lines = headers.lineBytes(.contact)
        guard !lines.isEmpty else { return nil }
        if lines.count == 1, lines[0] == [ASCII.star] { return .wildcard }
        return .addresses(try addressList(.contact, lines))
    }

    public func routes() throws(SIPHeaderError) -> [SIPNameAddress] {
        try addressList(.route, headers.lineBytes(.route))
    }

    public func recordRoutes() throws(SIPHeaderError) -> [SIPNameAddress] {
        try addressList(.recordRoute, headers.lineBytes(.recordRoute))
    }

    public func contentType() throws(SIPHeaderError) -> SIPMediaType? {
        guard headers.contains(.contentType) else { return nil }
        let line = try single(.contentType)
        return try SIPSyntaxError.wrap(.contentType) { () throws(SIPSyntaxError) -> SIPMediaType in
            var s = HeaderScanner(line[...])
            let type = try SIPMediaType.parse(&s)
            try s.expectEnd()
            return type
        }
    }

    /// Accept media ranges (RFC 3261 §20.1); nil when absent.
    public func accept() throws(SIPHeaderError) -> [SIPMediaType]? {
        let lines = headers.lineBytes(.accept)
        guard !lines.isEmpty else { return nil }
        return try SIPSyntaxError.wrap(.accept) { () throws(SIPSyntaxError) -> [SIPMediaType] in
            var result: [SIPMediaType] = []
            for line in lines {
                for element in splitAtTopLevelCommas(line[...]) where !element.isEmpty {
                    var s = HeaderScanner(element)
                    result.append(try SIPMediaType.parse(&s))
                    try s.expectEnd()
                }
            }
            return result
        }
    }

    public func supported() throws(SIPHeaderError) -> [String] { try optionTags(.supported) }
    public func require() throws(SIPHeaderError) -> [String] { try optionTags(.require) }
    public func proxyRequire() throws(SIPHeaderError) -> [String] { try optionTags(.proxyRequire) }
    public func unsupported() throws(SIPHeaderError) -> [String] { try optionTags(.unsupported) }

    public func allow() throws(SIPHeaderError) -> [SIPMethod] {
        try optionTags(.allow).map(SIPMethod.init)
    }

    public func event() throws(SIPHeaderError) -> SIPEvent? {
        guard headers.contains(.event) else { return nil }
        let line = try single(.event)
        return try SIPSyntaxError.wrap(.event) { () throws(SIPSyntaxError) in try SIPEvent.parse(line) }
    }

    public var userAgent: String? { headers.first(.userAgent) }

    public func wwwAuthenticate() throws(SIPHeaderError) -> [SIPAuthHeader] { try auth(.wwwAuthenticate) }
    public func proxyAuthenticate() throws(SIPHeaderError) -> [SIPAuthHeader] { try auth(.proxyAuthenticate) }
    public func authorization() throws(SIPHeaderError) -> [SIPAuthHeader] { try auth(.authorization) }
    public func proxyAuthorization() throws(SIPHeaderError) -> [SIPAuthHeader] { try auth(.proxyAuthorization) }

    // MARK: helpers

    func single(_ name: SIPHeaderName) throws(SIPHeaderError) -> [UInt8] {
        var found: SIPHeaders.Entry?
        for e in headers.entries where headers.matches(e, name) {
            guard found == nil else { throw SIPHeaderError(name, .repeated) }
            found = e
        }
        guard let found else { throw SIPHeaderError(name, .missing) }
        return headers.valueBytes(of: found)
    }

    func nameAddress(_ name: SIPHeaderName) throws(SIPHeaderError) -> SIPNameAddress {
        let line = try single(name)
        return try SIPSyntaxError.wrap(name) { () throws(SIPSyntaxError) -> SIPNameAddress in
            var s = HeaderScanner(line[...])
            let address = try SIPNameAddress.parse(&s)
            try s.expectEnd()
            return address
        }
    }

    func number(_ name: SIPHeaderName, max: UInt64) throws(SIPHeaderError) -> UInt64? {
        guard headers.contains(name) else { return nil }
        let line = try single(name)
        return try SIPSyntaxError.wrap(name) { () throws(SIPSyntaxError) in try parseNumberHeader(line, max: max) }
    }

    func addressList(_ name: SIPHeaderName, _ lines: [[UInt8]]) throws(SIPHeaderError) -> [SIPNameAddress] {
        try SIPSyntaxError.wrap(name) { () throws(SIPSyntaxError) -> [SIPNameAddress] in
            var result: [SIPNameAddress] = []
            for line in lines {
                for element in try listElements(line) {
                    var s = HeaderScanner(element)
                    result.append(try SIPNameAddress.parse(&s))
                    try s.expectEnd()
                }
            }
            return result
        }
    }

    func optionTags(_ name: SIPHeaderName) throws(SIPHeaderError) -> [String] {
        var result: [String] = []
        for line in headers.lineBytes(name) {
            for element in splitAtTopLevelCommas(line[...]) where !element.isEmpty {
                guard element.allSatisfy({ $0.is(.token) }) else { throw SIPHeaderError(name, .syntax(.invalidToken)) }
                result.append(String(decoding: element, as: UTF8.self))
            }
        }
        return result
    }

    func auth(_ name: SIPHeaderName) throws(SIPHeaderError) -> [SIPAuthHeader] {
        try headers.lineBytes(name).map { (line) throws(SIPHeaderError) -> SIPAuthHeader in
            try SIPSyntaxError.wrap(name) { () throws(SIPSyntaxError) in try SIPAuthHeader.parse(line) }
        }
    }
}
