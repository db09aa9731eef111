/// Session Description Protocol values (RFC 4566). Lines this layer does not
/// model are kept in order so an offer can be answered or relayed intact.

/// One `type=value` line.
public struct SDPLine: Hashable, Sendable {
    public var type: Character
    public var value: String

    public init(_ type: Character, _ value: String) {
        self.type = type
        self.value = value
    }
}

/// `a=name[:value]`.
public struct SDPAttribute: Hashable, Sendable {
    public var name: String
    public var value: String?

    public init(_ name: String, _ value: String? = nil) {
        self.name = name
        self.value = value
    }

    var text: String { value.map { name + ":" + $0 } ?? name }
}

/// `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>` (§5.2).
public struct SDPOrigin: Hashable, Sendable {
    public var username: String
    public var sessionID: String
    public var sessionVersion: UInt64
    public var networkType: String
    public var addressType: String
    public var address: String

    public init(username: String = "-", sessionID: String, sessionVersion: UInt64, networkType: String = "IN",
                addressType: String = "IP4", address: String) {
        self.username = username
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
        self.networkType = networkType
        self.addressType = addressType
        self.address = address
    }

    var text: String { "\(username) \(sessionID) \(sessionVersion) \(networkType) \(addressType) \(address)" }
}

/// `c=<nettype> <addrtype> <connection-address>` (§5.7).
public struct SDPConnection: Hashable, Sendable {
    public var networkType: String
    public var addressType: String
    /// The address, with any `/ttl/count` suffix kept.
    public var address: String

    public init(networkType: String = "IN", addressType: String = "IP4", address: String) {
        self.networkType = networkType
        self.addressType = addressType
        self.address = address
    }

    var text: String { "\(networkType) \(addressType) \(address)" }
}

/// `t=<start-time> <stop-time>` (§5.9).
public struct SDPTiming: Hashable, Sendable {
    public var start: UInt64
    public var stop: UInt64

    public init(start: UInt64 = 0, stop: UInt64 = 0) {
        self.start = start
        self.stop = stop
    }
}

/// Media direction attributes (RFC 3264 §5.1).
public enum SDPDirection: String, Hashable, Sendable, CaseIterable {
    case sendrecv, sendonly, recvonly, inactive
}

/// `a=rtpmap:<payload type> <encoding name>/<clock rate>[/<channels>]` (§6).
public struct SDPRtpMap: Hashable, Sendable {
    public var payloadType: Int
    public var encoding: String
    public var clockRate: Int
    public var channels: Int?

    public init(payloadType: Int, encoding: String, clockRate: Int, channels: Int? = nil) {
        self.payloadType = payloadType
        self.encoding = encoding
        self.clockRate = clockRate
        self.channels = channels
    }

    var text: String { "\(payloadType) \(encoding)/\(clockRate)" + (channels.map { "/\($0)" } ?? "") }
}

/// `a=rtcp:<port> [<nettype> <addrtype> <address>]` (RFC 3605).
public struct SDPRtcp: Hashable, Sendable {
    public var port: Int
    public var connection: SDPConnection?
}

public enum SDPParseError: Error, Hashable, Sendable {
    case malformedLine(number: Int)
    case missingVersion
    case unsupportedVersion
    case missingOrigin
    case malformedOrigin
    case missingSessionName
    case malformedConnection(line: Int)
    case malformedTiming(line: Int)
    case malformedMedia(line: Int)
}
