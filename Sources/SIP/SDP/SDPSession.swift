import NIOCore

/// A session description: session-level fields and media descriptions.
public struct SDPSession: Hashable, Sendable {
    public var version: Int
    public var origin: SDPOrigin
    public var sessionName: String
    /// i, u, e, p, b, z, k, r and unknown session lines, in received order.
    public var otherLines: [SDPLine]
    public var connection: SDPConnection?
    public var timing: [SDPTiming]
    public var attributes: [SDPAttribute]
    public var media: [SDPMedia]

    public init(origin: SDPOrigin, sessionName: String = "-", connection: SDPConnection? = nil,
                timing: [SDPTiming] = [SDPTiming()], attributes: [SDPAttribute] = [], media: [SDPMedia] = []) {
        self.version = 0
        self.origin = origin
        self.sessionName = sessionName
        self.otherLines = []
        self.connection = connection
        self.timing = timing
        self.attributes = attributes
        self.media = media
    }

    /// Session-level direction, nil when not stated.
    public var direction: SDPDirection? {
        get { attributes.direction }
        set { attributes.setDirection(newValue) }
    }
}

/// One `m=` section.
public struct SDPMedia: Hashable, Sendable {
    public var type: String
    public var port: Int
    public var portCount: Int?
    public var proto: String
    /// Payload types (RTP) or format tokens, as written.
    public var formats: [String]
    /// i, b, k and unknown media lines, in received order.
    public var otherLines: [SDPLine]
    public var connection: SDPConnection?
    public var attributes: [SDPAttribute]

    public init(type: String, port: Int, proto: String = "RTP/AVP", formats: [String],
                connection: SDPConnection? = nil, attributes: [SDPAttribute] = []) {
        self.type = type
        self.port = port
        self.portCount = nil
        self.proto = proto
        self.formats = formats
        self.otherLines = []
        self.connection = connection
        self.attributes = attributes
    }

    public var direction: SDPDirection? {
        get { attributes.direction }
        set { attributes.setDirection(newValue) }
    }

    public var rtpMaps: [SDPRtpMap] {
        attributes.compactMap { a in
            guard a.name == "rtpmap", let v = a.value else { return nil }
            return SDPMedia.parseRtpMap(v)
        }
    }

    public func rtpMap(payloadType: Int) -> SDPRtpMap? { rtpMaps.first { $0.payloadType == payloadType } }

    /// The `a=fmtp` parameters of a payload type, as written.
    public func fmtp(payloadType: Int) -> String? {
        for a in attributes where a.name == "fmtp" {
            guard let v = a.value, let space = v.firstIndex(of: " ") else { continue }
            if Int(v[..<space]) == payloadType { return String(v[v.index(after: space)...]) }
        }
        return nil
    }

    public var ptime: Int? { attributes.first { $0.name == "ptime" }?.value.flatMap { Int($0) } }

    public var rtcp: SDPRtcp? {
        guard let v = attributes.first(where: { $0.name == "rtcp" })?.value else { return nil }
        let parts = v.split(separator: " ")
        guard let first = parts.first, let port = Int(first) else { return nil }
        let connection = parts.count == 4
            ? SDPConnection(networkType: String(parts[1]), addressType: String(parts[2]), address: String(parts[3])) : nil
        return SDPRtcp(port: port, connection: connection)
    }

    static func parseRtpMap(_ v: String) -> SDPRtpMap? {
        guard let space = v.firstIndex(of: " "), let pt = Int(v[..<space]) else { return nil }
        let parts = v[v.index(after: space)...].split(separator: "/")
        guard parts.count >= 2, let rate = Int(parts[1]) else { return nil }
        return SDPRtpMap(payloadType: pt, encoding: String(parts[0]), clockRate: rate,
                         channels: parts.count > 2 ? Int(parts[2]) : nil)
    }
}

extension Array where Element == SDPAttribute {
    var direction: SDPDirection? {
        for a in self where a.value == nil {
            if let d = SDPDirection(rawValue: a.name) { return d }
        }
        return nil
    }

    mutating func setDirection(_ direction: SDPDirection?) {
        removeAll { $0.value == nil && SDPDirection(rawValue: $0.name) != nil }
        if let direction { append(SDPAttribute(direction.rawValue)) }
    }
}
