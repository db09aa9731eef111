/// `m-type "/" m-subtype *( SEMI m-parameter )` (RFC 3261 §20.15, §20.1);
/// in Accept either part may be `*`.
public struct SIPMediaType: Hashable, Sendable, CustomStringConvertible {
    public var type: String
    public var subtype: String
    public var parameters: [SIPParameter]

    public init(type: String, subtype: String, parameters: [SIPParameter] = []) {
        self.type = type
        self.subtype = subtype
        self.parameters = parameters
    }

    public static let sdp = SIPMediaType(type: "application", subtype: "sdp")
    public static let multipartMixed = SIPMediaType(type: "multipart", subtype: "mixed")

    /// Case-insensitive match of type and subtype; `*` in self matches anything.
    public func matches(_ other: SIPMediaType) -> Bool {
        (type == "*" || type.caseInsensitiveEquals(other.type))
            && (subtype == "*" || subtype.caseInsensitiveEquals(other.subtype))
    }

    public func parameter(_ name: String) -> String? { parameters.first(named: name)?.value }

    public var description: String { "\(type)/\(subtype)" + parameters.serialized() }

    public init(parsing text: String) throws(SIPSyntaxError) {
        var s = HeaderScanner(Array(text.utf8)[...])
        self = try SIPMediaType.parse(&s)
        try s.expectEnd()
    }

    static func parse(_ s: inout HeaderScanner) throws(SIPSyntaxError) -> SIPMediaType {
        s.skipLWS()
        guard let type = s.token() else { throw .invalidToken }
        guard s.consume(ASCII.slash) else { throw .invalidToken }
        s.skipLWS()
        guard let subtype = s.token() else { throw .invalidToken }
        return SIPMediaType(
            type: String(decoding: type, as: UTF8.self),
            subtype: String(decoding: subtype, as: UTF8.self),
            parameters: try s.parameters())
    }
}

/// `Event: event-type *( SEMI event-param )` (RFC 6665 §8.2.1).
public struct SIPEvent: Hashable, Sendable, CustomStringConvertible {
    public var package: String
    public var parameters: [SIPParameter]

    public init(package: String, parameters: [SIPParameter] = []) {
        self.package = package
        self.parameters = parameters
    }

    public var id: String? { parameters.first(named: "id")?.value }
    public var description: String { package + parameters.serialized() }

    static func parse(_ bytes: [UInt8]) throws(SIPSyntaxError) -> SIPEvent {
        var s = HeaderScanner(bytes[...])
        s.skipLWS()
        guard let package = s.token() else { throw .invalidToken }
        let params = try s.parameters()
        try s.expectEnd()
        return SIPEvent(package: String(decoding: package, as: UTF8.self), parameters: params)
    }
}
