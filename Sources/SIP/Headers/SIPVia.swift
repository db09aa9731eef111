/// One Via value (RFC 3261 §20.42, §18.2.1; RFC 3581 rport).
public struct SIPVia: Hashable, Sendable, CustomStringConvertible {
    public var protocolName: String
    public var protocolVersion: String
    /// The transport token as written (`UDP`, `TCP`, `TLS`, `SCTP`, `WS`, or an unknown one).
    public var transport: String
    /// sent-by host; an IPv6 reference keeps its brackets.
    public var host: String
    public var port: Int?
    public var parameters: [SIPParameter]

    public init(transport: String, host: String, port: Int? = nil, parameters: [SIPParameter] = []) {
        self.protocolName = "SIP"
        self.protocolVersion = "2.0"
        self.transport = transport
        self.host = host
        self.port = port
        self.parameters = parameters
    }

    public var branch: String? {
        get { parameters.first(named: "branch")?.value }
        set {
            if let newValue { parameters.set("branch", rawValue: newValue) } else { parameters.remove(named: "branch") }
        }
    }

    /// Whether the branch carries the RFC 3261 magic cookie (§8.1.1.7); if not,
    /// transactions are matched the RFC 2543 way (§17.2.3).
    public var hasMagicCookie: Bool {
        guard let branch, branch.utf8.count > 7 else { return false }
        return branch.hasPrefix("z9hG4bK")
    }

    /// The `received` parameter (RFC 3261 §18.2.1).
    public var received: String? {
        get { parameters.first(named: "received")?.value }
        set {
            if let newValue { parameters.set("received", rawValue: newValue) } else { parameters.remove(named: "received") }
        }
    }

    /// Whether `rport` is present, with or without a value (RFC 3581 §3).
    public var hasRPort: Bool { parameters.contains(named: "rport") }

    /// The value of `rport`, when filled in.
    public var rport: Int? {
        get { parameters.first(named: "rport")?.value.flatMap { Int($0) } }
        set { parameters.set("rport", rawValue: newValue.map(String.init)) }
    }

    public var maddr: String? { parameters.first(named: "maddr")?.value }
    public var ttl: Int? { parameters.first(named: "ttl")?.value.flatMap { Int($0) } }

    public var sentBy: String { port.map { "\(host):\($0)" } ?? host }

    public var description: String {
        "\(protocolName)/\(protocolVersion)/\(transport) \(sentBy)" + parameters.serialized()
    }

    public init(parsing text: String) throws(SIPSyntaxError) {
        var scanner = HeaderScanner(Array(text.utf8)[...])
        self = try SIPVia.parse(&scanner)
        try scanner.expectEnd()
    }

    /// `sent-protocol LWS sent-by *( SEMI via-params )`; SLASH and COLON allow SWS (RFC 4475 §3.1.1.1).
    static func parse(_ s: inout HeaderScanner) throws(SIPSyntaxError) -> SIPVia {
        s.skipLWS()
        guard let name = s.token() else { throw .invalidProtocol }
        guard s.consume(ASCII.slash) else { throw .invalidProtocol }
        s.skipLWS()
        guard let version = s.token() else { throw .invalidProtocol }
        guard s.consume(ASCII.slash) else { throw .invalidProtocol }
        s.skipLWS()
        guard let transport = s.token() else { throw .invalidProtocol }
        guard let b = s.peek, b.isWhitespace else { throw .invalidHost }
        s.skipLWS()
        let hostStart = s.i
        if s.peek == ASCII.leftBracket {
            while let c = s.peek, c != ASCII.rightBracket { s.i += 1 }
            guard s.peek == ASCII.rightBracket else { throw .invalidHost }
            s.i += 1
            guard s.bytes[(hostStart + 1)..<(s.i - 1)].allSatisfy({ $0.is(.ipv6) }) else { throw .invalidHost }
        } else {
            while let c = s.peek, c.is(.hostname) { s.i += 1 }
        }
        guard s.i > hostStart else { throw .invalidHost }
        var via = SIPVia(
            transport: String(decoding: transport, as: UTF8.self),
            host: String(decoding: s.bytes[hostStart..<s.i], as: UTF8.self))
        via.protocolName = String(decoding: name, as: UTF8.self)
        via.protocolVersion = String(decoding: version, as: UTF8.self)
        if s.consume(ASCII.colon) {
            s.skipLWS()
            guard let digits = s.digits(), digits.count <= 5, let port = Int(String(decoding: digits, as: UTF8.self)),
                  port <= 65535 else { throw .invalidPort }
            via.port = port
        }
        via.parameters = try s.parameters()
        return via
    }
}
