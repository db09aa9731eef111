import NIOCore

/// How long web clients may take and how many connections they may hold.
/// Every connection is bounded in time: a client that connects and says
/// nothing, sends its request slowly, or stops halfway is closed, so idle
/// or slow clients can neither exhaust descriptors nor hold up a shutdown.
public struct HTTPLimits: Sendable {
    /// The first request's head must arrive whole within this of connecting.
    public var headerTimeout: TimeAmount = .seconds(10)
    /// Bytes of a request head (request line and headers) accepted.
    public var maxHeadBytes = 64 * 1024
    /// A request body must keep coming: no more than this between its parts…
    public var bodyIdleTimeout: TimeAmount = .seconds(30)
    /// …and no longer than this in all (a 64 MiB import over a slow link fits).
    public var bodyTimeout: TimeAmount = .minutes(15)
    /// A kept-alive connection between requests.
    public var idleTimeout: TimeAmount = .seconds(60)
    public var maxConnections = 4_096
    public var maxConnectionsPerAddress = 64
    /// After a shutdown begins, requests in progress get this long before
    /// their connections are closed.
    public var shutdownGrace: Duration = .seconds(5)

    public init() {}
}
