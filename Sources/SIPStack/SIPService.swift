import Logging
import NIOCore
import NIOPosix
import SIP
import ServiceLifecycle
import Synchronization

/// The SIP stack as a long-running service: UDP and TCP on one address,
/// one event loop for the whole transaction layer.
///
/// On failure: a socket that closes while the server is not stopping (a
/// send error NIO treats as fatal, an exhausted descriptor table) is opened
/// again on the same port; if that fails `socketRetries` times, `run`
/// throws and the process stops with the reason (docs/OPERATIONS.md).
public final class SIPService: Service, @unchecked Sendable {
    public let endpoint: SIPEndpoint
    private let group: MultiThreadedEventLoopGroup
    private let logger: Logger
    // Set by `bind` before `run`, then only on the endpoint's loop.
    private var udp: (any Channel)?
    private var tcp: (any Channel)?
    private var boundPort: Int?
    private let stopping = Atomic<Bool>(false)
    private let restarts = Atomic<Int>(0)
    let socketRetries = 5

    public init(configuration: SIPEndpointConfiguration, handler: any SIPRequestHandler, logger: Logger) {
        // One loop: the transaction tables are confined to it.
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.logger = logger
        endpoint = SIPEndpoint(eventLoop: group.next(), configuration: configuration, handler: handler, logger: logger)
    }

    /// Binds UDP and TCP and returns the bound address (a port of 0 picks a
    /// free port, the same one for both transports).
    public func bind() async throws -> (host: String, port: Int) {
        let config = endpoint.configuration
        let (udp, port, tcp) = try await bindBoth(config.port)
        self.udp = udp
        self.tcp = tcp
        boundPort = port
        let endpoint = self.endpoint
        try await endpoint.eventLoop.submit {
            endpoint.udpChannel = udp
            endpoint.localAddress = Self.hostPort(config.host == "0.0.0.0" || config.host == "::" ? "127.0.0.1" : config.host, port)
            endpoint.startLoadProbe()
        }.get()
        logger.info("SIP listening", metadata: ["sip.address": "\(config.host):\(port)", "sip.transports": "udp,tcp"])
        return (config.host, port)
    }

    /// UDP, then TCP on the port UDP got. A port the system picked for UDP
    /// (configured 0) can be taken for TCP by another program's connection:
    /// then it picks again, a few times.
    private func bindBoth(_ configured: Int) async throws -> (udp: any Channel, port: Int, tcp: any Channel) {
        var attempt = 0
        while true {
            attempt += 1
            let udp = try await bindUDP(port: configured)
            let port = udp.localAddress?.port ?? configured
            do {
                return (udp, port, try await bindTCP(port: port))
            } catch {
                try? await udp.close()
                guard configured == 0, attempt < 20 else { throw error }
            }
        }
    }

    private func bindUDP(port: Int) async throws -> any Channel {
        let endpoint = self.endpoint
        return try await DatagramBootstrap(group: group)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.socketOption(.so_rcvbuf), value: 4 << 20)
            // Up to 16 datagrams per wake-up; their answers leave in one flush.
            .channelOption(.maxMessagesPerRead, value: 16)
            // Any datagram whole (NIO's default of 2 KiB cut a large INVITE short).
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: SIPDatagramHandler.largestDatagram))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(SIPDatagramHandler(endpoint: endpoint)) }
            }
            .bind(host: endpoint.configuration.host, port: port).get()
    }

    private func bindTCP(port: Int) async throws -> any Channel {
        let endpoint = self.endpoint
        return try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(SIPStreamHandler(endpoint: endpoint))
                }
            }
            .bind(host: endpoint.configuration.host, port: port).get()
    }

    /// Runs until graceful shutdown, then closes the sockets. The event loop
    /// stays up for the services stopped after this one (the call engine's
    /// last BYEs): `shutdownEventLoop()` ends it once they are all done.
    public func run() async throws {
        if udp == nil { _ = try await bind() }
        try await withGracefulShutdownHandler {
            try await self.superviseSockets()
        } onGracefulShutdown: {
            self.stopping.store(true, ordering: .relaxed)
            let endpoint = self.endpoint
            endpoint.eventLoop.execute {
                self.udp?.close(promise: nil)
                self.tcp?.close(promise: nil)
                for channel in endpoint.tcpConnections.values { channel.close(promise: nil) }
            }
        }
    }

    /// Whether both sockets are open (for /healthz).
    public var isServing: Bool {
        get async {
            let loop = endpoint.eventLoop
            return (try? await loop.submit { (self.udp?.isActive ?? false) && (self.tcp?.isActive ?? false) }.get()) ?? false
        }
    }

    /// How often a socket had to be opened again (for /metrics).
    public var socketRestarts: Int { restarts.load(ordering: .relaxed) }

    public func shutdownEventLoop() async {
        try? await group.shutdownGracefully()
    }

    private enum Socket { case udp, tcp }

    /// Waits for either socket to close; one that closes while the server
    /// is not stopping is opened again on the same port.
    private func superviseSockets() async throws {
        while true {
            let closed = await firstClosed()
            if stopping.load(ordering: .relaxed) || Task.isCancelled { return }
            restarts.add(1, ordering: .relaxed)
            logger.error("SIP socket closed unexpectedly; opening it again", metadata: ["sip.transport": "\(closed == .udp ? "udp" : "tcp")"])
            try await reopen(closed)
        }
    }

    private func firstClosed() async -> Socket {
        let loop = endpoint.eventLoop
        let promise = loop.makePromise(of: Socket.self)
        loop.execute {
            let done = NIOLoopBoundBox(false, eventLoop: loop)
            let sockets: [(future: EventLoopFuture<Void>?, socket: Socket)] = [(self.udp?.closeFuture, .udp), (self.tcp?.closeFuture, .tcp)]
            for (future, socket) in sockets {
                future?.whenComplete { _ in
                    guard !done.value else { return }
                    done.value = true
                    promise.succeed(socket)
                }
            }
        }
        return (try? await promise.futureResult.get()) ?? .udp
    }

    private func reopen(_ socket: Socket) async throws {
        let port = boundPort ?? endpoint.configuration.port
        var lastError: (any Error)?
        for attempt in 0..<socketRetries {
            if attempt > 0 { try? await Task.sleep(for: .milliseconds(100 << attempt)) }
            if stopping.load(ordering: .relaxed) { return }
            do {
                switch socket {
                case .udp:
                    let channel = try await bindUDP(port: port)
                    let endpoint = self.endpoint
                    try await endpoint.eventLoop.submit {
                        self.udp = channel
                        endpoint.udpChannel = channel
                    }.get()
                case .tcp:
                    let channel = try await bindTCP(port: port)
                    try await endpoint.eventLoop.submit { self.tcp = channel }.get()
                }
                logger.notice("SIP socket open again", metadata: ["sip.port": "\(port)"])
                return
            } catch {
                lastError = error
            }
        }
        throw SIPServiceError.socketLost(port: port, reason: "\(lastError.map { "\($0)" } ?? "unknown")")
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

public enum SIPServiceError: Error, CustomStringConvertible {
    case socketLost(port: Int, reason: String)

    public var description: String {
        switch self {
        case .socketLost(let port, let reason): "the SIP socket on port \(port) closed and could not be opened again: \(reason)"
        }
    }
}
