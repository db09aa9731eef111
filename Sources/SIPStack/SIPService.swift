import Logging
import NIOCore
import NIOPosix
import SIP
import ServiceLifecycle

/// The SIP stack as a long-running service: UDP and TCP on one address,
/// one event loop for the whole transaction layer.
public final class SIPService: Service, @unchecked Sendable {
    public let endpoint: SIPEndpoint
    private let group: MultiThreadedEventLoopGroup
    private let logger: Logger
    private var udp: (any Channel)?
    private var tcp: (any Channel)?

    public init(configuration: SIPEndpointConfiguration, handler: any SIPRequestHandler, logger: Logger) {
        // One loop: the transaction tables are confined to it.
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.logger = logger
        endpoint = SIPEndpoint(eventLoop: group.next(), configuration: configuration, handler: handler, logger: logger)
    }

    /// Binds UDP and TCP and returns the bound address (a port of 0 picks a
    /// free port, the same one for both transports).
    public func bind() async throws -> (host: String, port: Int) {
        let endpoint = self.endpoint
        let config = endpoint.configuration
        let udp = try await DatagramBootstrap(group: group)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.socketOption(.so_rcvbuf), value: 4 << 20)
            // Up to 16 datagrams per wake-up; their answers leave in one flush.
            .channelOption(.maxMessagesPerRead, value: 16)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(SIPDatagramHandler(endpoint: endpoint)) }
            }
            .bind(host: config.host, port: config.port).get()
        let port = udp.localAddress?.port ?? config.port
        let tcp = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(allTimeout: config.tcpIdleTimeout))
                    try channel.pipeline.syncOperations.addHandler(SIPStreamHandler(endpoint: endpoint))
                }
            }
            .bind(host: config.host, port: port).get()
        self.udp = udp
        self.tcp = tcp
        try await endpoint.eventLoop.submit {
            endpoint.udpChannel = udp
            endpoint.localAddress = Self.hostPort(config.host == "0.0.0.0" || config.host == "::" ? "127.0.0.1" : config.host, port)
        }.get()
        logger.info("SIP listening", metadata: ["sip.address": "\(config.host):\(port)", "sip.transports": "udp,tcp"])
        return (config.host, port)
    }

    /// Runs until graceful shutdown, then closes the sockets.
    public func run() async throws {
        if udp == nil { _ = try await bind() }
        await withGracefulShutdownHandler {
            try? await self.udp?.closeFuture.get()
        } onGracefulShutdown: {
            self.udp?.close(promise: nil)
            self.tcp?.close(promise: nil)
        }
        try? await tcp?.close()
        let endpoint = self.endpoint
        try? await endpoint.eventLoop.submit {
            for channel in endpoint.tcpConnections.values { channel.close(promise: nil) }
        }.get()
        try await group.shutdownGracefully()
    }

    /// Sets the address used in our own Via and Contact (the public address phones reach).
    public func setAdvertisedAddress(_ address: String) async throws {
        let endpoint = self.endpoint
        try await endpoint.eventLoop.submit { endpoint.localAddress = address }.get()
    }

    static func hostPort(_ host: String, _ port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
