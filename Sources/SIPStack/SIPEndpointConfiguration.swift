import SIP

public struct SIPEndpointConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var timers: TransactionTimers
    public var parser: SIPParserConfiguration
    /// How long TCP connections may stay silent or slow, and how many one
    /// address and everyone together may hold.
    public var tcpLimits: TCPLimits
    /// What `Server`/`User-Agent` says.
    public var product: String

    public init(
        host: String, port: Int, timers: TransactionTimers = TransactionTimers(),
        parser: SIPParserConfiguration = SIPParserConfiguration(), tcpLimits: TCPLimits = TCPLimits(),
        product: String = "Hotline"
    ) {
        self.host = host
        self.port = port
        self.timers = timers
        self.parser = parser
        self.tcpLimits = tcpLimits
        self.product = product
    }
}

import NIOCore

/// Limits on SIP over TCP.
public struct TCPLimits: Sendable {
    /// Silence allowed once a registration or call was accepted on the
    /// connection (phones keep theirs alive with CRLF pings or re-registering).
    public var idle: TimeAmount = .seconds(600)
    /// Silence allowed before that: a connection that never authenticated
    /// anything does not get to sit on a descriptor.
    public var idleBeforeAccepted: TimeAmount = .seconds(30)
    /// A message must arrive whole this soon after its first byte.
    public var messageTime: TimeAmount = .seconds(10)
    public var maxConnections = 10_000
    /// Phones behind one NAT share an address; a generous cap still stops
    /// one client from taking every descriptor.
    public var maxConnectionsPerAddress = 128
    var checkInterval: TimeAmount = .seconds(1)

    public init() {}
}
