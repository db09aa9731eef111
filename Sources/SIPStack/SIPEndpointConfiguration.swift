import SIP

public struct SIPEndpointConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var timers: TransactionTimers
    public var parser: SIPParserConfiguration
    /// A TCP connection with no traffic this long is closed (phones keep
    /// theirs alive with CRLF pings or re-registration).
    public var tcpIdleTimeout: TimeAmount
    public var maxTCPConnections: Int
    /// What `Server`/`User-Agent` says.
    public var product: String

    public init(
        host: String, port: Int, timers: TransactionTimers = TransactionTimers(),
        parser: SIPParserConfiguration = SIPParserConfiguration(), tcpIdleTimeout: TimeAmount = .seconds(600),
        maxTCPConnections: Int = 10_000, product: String = "Hotline"
    ) {
        self.host = host
        self.port = port
        self.timers = timers
        self.parser = parser
        self.tcpIdleTimeout = tcpIdleTimeout
        self.maxTCPConnections = maxTCPConnections
        self.product = product
    }
}

import NIOCore
