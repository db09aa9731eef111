import NIOCore

extension SDPSession {
    /// Parses an SDP body (RFC 4566 §5). Lines end in CRLF or LF.
    public init(parsing buffer: ByteBuffer) throws(SDPParseError) {
        try self.init(parsing: String(decoding: buffer.readableBytesView, as: UTF8.self))
    }

    public init(parsing text: String) throws(SDPParseError) {
        var session = SDPSession(origin: SDPOrigin(sessionID: "0", sessionVersion: 0, address: ""))
        session.timing = []
        var sawVersion = false, sawOrigin = false, sawName = false
        var number = 0
        // Split on the LF byte: "\r\n" is a single Character, so Character splitting would miss it.
        for rawLine in text.utf8.split(separator: ASCII.lf, omittingEmptySubsequences: false) {
            number += 1
            var utf8 = Array(rawLine)
            if utf8.last == ASCII.cr { utf8.removeLast() }
            if utf8.isEmpty { continue }
            let line = String(decoding: utf8, as: UTF8.self)
            guard utf8.count >= 2, utf8[1] == UInt8(ascii: "="), utf8[0].is(.alpha) else {
                throw .malformedLine(number: number)
            }
            let type = Character(Unicode.Scalar(utf8[0]))
            let value = String(line.dropFirst(2))
            if !sawVersion {
                guard type == "v" else { throw .missingVersion }
                guard value == "0" else { throw .unsupportedVersion }
                sawVersion = true
                continue
            }
            if type == "m" {
                session.media.append(try SDPSession.parseMedia(value, line: number))
                continue
            }
            if var media = session.media.popLast() {
                switch type {
                case "c": media.connection = try SDPSession.parseConnection(value, line: number)
                case "a": media.attributes.append(SDPSession.parseAttribute(value))
                default: media.otherLines.append(SDPLine(type, value))
                }
                session.media.append(media)
                continue
            }
            switch type {
            case "o":
                session.origin = try SDPSession.parseOrigin(value)
                sawOrigin = true
            case "s":
                session.sessionName = value
                sawName = true
            case "c": session.connection = try SDPSession.parseConnection(value, line: number)
            case "t": session.timing.append(try SDPSession.parseTiming(value, line: number))
            case "a": session.attributes.append(SDPSession.parseAttribute(value))
            default: session.otherLines.append(SDPLine(type, value))
            }
        }
        guard sawVersion else { throw .missingVersion }
        guard sawOrigin else { throw .missingOrigin }
        guard sawName else { throw .missingSessionName }
        self = session
    }

    static func fields(_ value: String) -> [String] {
        value.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
    }

    static func parseOrigin(_ value: String) throws(SDPParseError) -> SDPOrigin {
        let f = fields(value)
        guard f.count == 6, let version = UInt64(f[2]) else { throw .malformedOrigin }
        return SDPOrigin(username: f[0], sessionID: f[1], sessionVersion: version,
                         networkType: f[3], addressType: f[4], address: f[5])
    }

    static func parseConnection(_ value: String, line: Int) throws(SDPParseError) -> SDPConnection {
        let f = fields(value)
        guard f.count == 3 else { throw .malformedConnection(line: line) }
        return SDPConnection(networkType: f[0], addressType: f[1], address: f[2])
    }

    static func parseTiming(_ value: String, line: Int) throws(SDPParseError) -> SDPTiming {
        let f = fields(value)
        guard f.count == 2, let start = UInt64(f[0]), let stop = UInt64(f[1]) else { throw .malformedTiming(line: line) }
        return SDPTiming(start: start, stop: stop)
    }

    static func parseMedia(_ value: String, line: Int) throws(SDPParseError) -> SDPMedia {
        let f = fields(value)
        guard f.count >= 3 else { throw .malformedMedia(line: line) }
        let portParts = f[1].split(separator: "/", omittingEmptySubsequences: false)
        guard let port = Int(portParts[0]), (0...65535).contains(port) else { throw .malformedMedia(line: line) }
        var media = SDPMedia(type: f[0], port: port, proto: f[2], formats: Array(f.dropFirst(3)))
        if portParts.count == 2 {
            guard let count = Int(portParts[1]) else { throw .malformedMedia(line: line) }
            media.portCount = count
        } else if portParts.count > 2 {
            throw .malformedMedia(line: line)
        }
        return media
    }

    static func parseAttribute(_ value: String) -> SDPAttribute {
        guard let colon = value.firstIndex(of: ":") else { return SDPAttribute(value) }
        return SDPAttribute(String(value[..<colon]), String(value[value.index(after: colon)...]))
    }
}

extension SDPSession {
    /// Writes the description in RFC 4566 §5 order, CRLF line ends.
    public var text: String {
        var out = "v=\(version)\r\n"
        out += "o=\(origin.text)\r\n"
        out += "s=\(sessionName)\r\n"
        // i u e p come before c; b after it; r z k after t (RFC 4566 §5).
        let beforeConnection: Set<Character> = ["i", "u", "e", "p"]
        for l in otherLines where beforeConnection.contains(l.type) { out += "\(l.type)=\(l.value)\r\n" }
        if let connection { out += "c=\(connection.text)\r\n" }
        for l in otherLines where l.type == "b" { out += "b=\(l.value)\r\n" }
        for t in timing { out += "t=\(t.start) \(t.stop)\r\n" }
        for l in otherLines where !beforeConnection.contains(l.type) && l.type != "b" { out += "\(l.type)=\(l.value)\r\n" }
        for a in attributes { out += "a=\(a.text)\r\n" }
        for m in media {
            let port = m.portCount.map { "\(m.port)/\($0)" } ?? "\(m.port)"
            out += "m=" + ([m.type, port, m.proto] + m.formats).joined(separator: " ") + "\r\n"
            for l in m.otherLines where l.type == "i" { out += "i=\(l.value)\r\n" }
            if let c = m.connection { out += "c=\(c.text)\r\n" }
            for l in m.otherLines where l.type != "i" { out += "\(l.type)=\(l.value)\r\n" }
            for a in m.attributes { out += "a=\(a.text)\r\n" }
        }
        return out
    }

    /// Writes the description into a caller-provided buffer.
    public func write(into buffer: inout ByteBuffer) {
        buffer.writeString(text)
    }
}

extension SDPMedia {
    public mutating func addRtpMap(_ map: SDPRtpMap) {
        attributes.append(SDPAttribute("rtpmap", map.text))
    }
}
