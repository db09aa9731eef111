import Logging
import Media
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

public enum MediaError: Error, CustomStringConvertible {
    case noFreePorts
    case notRunning

    public var description: String {
        switch self {
        case .noFreePorts: "every RTP port pair of --rtp-ports is in use"
        case .notRunning: "the media service has stopped"
        }
    }
}

/// The media side of the server: RTP sockets on their own event loops (one
/// per core), the port pool, and the thread pool recordings are written on.
/// Both legs of a call live on one loop, so a packet is forwarded by a
/// direct write to the other leg's socket.
public final class MediaService: Service, Sendable {
    public let bindHost: String
    /// The address written into SDP (`c=`): where phones send their RTP.
    public let advertisedHost: String
    let group: MultiThreadedEventLoopGroup
    let threadPool: NIOThreadPool
    let logger: Logger
    private let pool: Mutex<RTPPortPool>
    private let sessions = Mutex<Int>(0)
    private let stopping = Atomic<Bool>(false)
    /// RTP sockets opened again after closing mid-call, recordings completed and stopped by an error (for /metrics).
    let socketRestarts = Atomic<Int>(0)
    let recordingsWritten = Atomic<Int>(0)
    let recordingsFailed = Atomic<Int>(0)
    /// Each media loop's packet counters.
    let loopStats: [(loop: any EventLoop, stats: MediaLoopStats)]

    public init(bindHost: String, advertisedHost: String, ports: ClosedRange<Int>, loops: Int = System.coreCount, logger: Logger) {
        self.bindHost = bindHost
        self.advertisedHost = advertisedHost
        self.logger = logger
        group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, loops))
        loopStats = group.makeIterator().map { ($0, MediaLoopStats()) }
        threadPool = NIOThreadPool(numberOfThreads: 2)
        threadPool.start()
        pool = Mutex(RTPPortPool(range: ports))
    }

    public var activeSessions: Int { sessions.withLock { $0 } }

    /// Whether every media event loop still runs tasks (for /healthz).
    public var isRunning: Bool {
        get async {
            for loop in group.makeIterator() {
                guard (try? await loop.submit {}.get()) != nil else { return false }
            }
            return true
        }
    }
    public var freePortPairs: Int { pool.withLock { $0.available } }

    /// Opens a call's media: a port pair per leg on one event loop.
    public func openSession() -> EventLoopFuture<MediaSession> {
        let loop = group.next()
        var taken: [Int] = []
        for _ in 0..<2 {
            guard let port = pool.withLock({ $0.take() }) else {
                pool.withLock { pool in taken.forEach { pool.release($0) } }
                return loop.makeFailedFuture(MediaError.noFreePorts)
            }
            taken.append(port)
        }
        return bind(ports: taken, on: loop, attempts: 3)
    }

    private func bind(ports: [Int], on loop: any EventLoop, attempts: Int) -> EventLoopFuture<MediaSession> {
        let stats = loopStats.first { $0.loop === loop }?.stats ?? MediaLoopStats()
        let session = MediaSession(eventLoop: loop, ports: ports, stats: stats) { [self] ports in
            self.pool.withLock { pool in ports.forEach { pool.release($0) } }
            self.sessions.withLock { $0 -= 1 }
        }
        sessions.withLock { $0 += 1 }
        var binds: [EventLoopFuture<Void>] = []
        for leg in MediaLeg.allCases {
            let port = ports[leg.rawValue]
            for rtcp in [false, true] {
                let bound = socket(port: rtcp ? port + 1 : port, for: session, leg: leg, rtcp: rtcp, on: loop).map { channel in
                    if rtcp { session.legs[leg.rawValue].rtcp = channel } else { session.legs[leg.rawValue].rtp = channel }
                }
                binds.append(bound)
            }
        }
        return EventLoopFuture.whenAllComplete(binds, on: loop).flatMap { results in
            let failed = results.contains { if case .failure = $0 { true } else { false } }
            guard failed else { return loop.makeSucceededFuture(session) }
            // A port of the pair was taken by another program: give these
            // back (closing what did bind) and try other pairs.
            return session.close().flatMap { _ in
                guard attempts > 1 else { return loop.makeFailedFuture(MediaError.noFreePorts) }
                var fresh: [Int] = []
                for _ in 0..<2 {
                    guard let port = self.pool.withLock({ $0.take() }) else {
                        self.pool.withLock { pool in fresh.forEach { pool.release($0) } }
                        return loop.makeFailedFuture(MediaError.noFreePorts)
                    }
                    fresh.append(port)
                }
                return self.bind(ports: fresh, on: loop, attempts: attempts - 1)
            }
        }
    }

    /// One RTP or RTCP socket of a session. Should it close while the
    /// session is open, it is opened again on the same port (counted).
    private func socket(port: Int, for session: MediaSession, leg: MediaLeg, rtcp: Bool, on loop: any EventLoop) -> EventLoopFuture<any Channel> {
        DatagramBootstrap(group: loop)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(RTPRelayHandler(session: session, leg: leg, rtcp: rtcp))
                }
            }
            .bind(host: bindHost, port: port)
            .map { channel in
                channel.closeFuture.whenComplete { _ in
                    session.socketClosed(leg, rtcp: rtcp) { session in
                        guard !self.stopping.load(ordering: .relaxed) else { return loop.makeFailedFuture(MediaError.notRunning) }
                        self.socketRestarts.add(1, ordering: .relaxed)
                        self.logger.warning("RTP socket closed during a call; opening it again", metadata: ["rtp.port": "\(port)"])
                        return self.socket(port: port, for: session, leg: leg, rtcp: rtcp, on: loop)
                    }
                }
                return channel
            }
    }

    /// Records `session` from now on into a stereo WAV at `path`.
    public func record(_ session: MediaSession, path: String, onFailure: @escaping @Sendable (String) -> Void) {
        session.startRecording(path: path, threadPool: threadPool) { [self] reason in
            recordingsFailed.add(1, ordering: .relaxed)
            onFailure(reason)
        } onWritten: { [self] in
            recordingsWritten.add(1, ordering: .relaxed)
        }
    }

    /// Waits for graceful shutdown. The event loops and the recording
    /// threads stay up until `shutdownEventLoops()`, after the call engine
    /// (stopped later) has closed every session.
    public func run() async throws {
        try? await gracefulShutdown()
        stopping.store(true, ordering: .relaxed)
    }

    public func shutdownEventLoops() async {
        stopping.store(true, ordering: .relaxed)
        try? await group.shutdownGracefully()
        try? await threadPool.shutdownGracefully()
    }
}
