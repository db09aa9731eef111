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
/// per core), the port pool, the frame clocks that pace players, and the
/// thread pool recordings are written on. All legs of a call live on one
/// loop, so a packet is forwarded by a direct write to another leg's socket.
public final class MediaService: Service, Sendable {
    public let bindHost: String
    /// `bindHost` parsed once when it is an IP literal: binding a call's
    /// sockets then skips the name lookup (getaddrinfo was 5% of a call's
    /// CPU at 1,000 calls/s).
    private let bindAddress: SocketAddress?
    /// The address written into SDP (`c=`): where phones send their RTP.
    public let advertisedHost: String
    /// What a held phone's other side hears, and the ringback of a transfer.
    public let musicOnHold: AudioClip
    public let ringback: TonePattern
    let group: MultiThreadedEventLoopGroup
    let threadPool: NIOThreadPool
    let logger: Logger
    private let pool: Mutex<RTPPortPool>
    private let calls = Mutex<Int>(0)
    private let stopping = Atomic<Bool>(false)
    /// RTP sockets opened again after closing mid-call, recordings completed and stopped by an error (for /metrics).
    let socketRestarts = Atomic<Int>(0)
    let recordingsWritten = Atomic<Int>(0)
    let recordingsFailed = Atomic<Int>(0)
    /// Each media loop's packet counters and frame clock.
    let loopStats: [(loop: any EventLoop, stats: MediaLoopStats)]
    private let tickers: [(loop: any EventLoop, ticker: FrameTicker)]
    /// Each media loop's queue of commands from the engine.
    private let commandQueues: [LoopCommands]
    /// Each media loop's socket pairs resting between calls.
    let caches: [(loop: any EventLoop, cache: RTPSocketCache)]
    /// Legs that got a rested pair instead of binding sockets (for /metrics).
    let pairsReused = Atomic<Int>(0)

    public init(
        bindHost: String, advertisedHost: String, ports: ClosedRange<Int>, loops: Int = System.coreCount,
        musicOnHold: AudioClip = AudioClip(name: "default", samples: MusicOnHold.defaultTrack(seconds: 30)),
        ringback: TonePattern = .ringbackChina, logger: Logger
    ) {
        self.bindHost = bindHost
        bindAddress = try? SocketAddress(ipAddress: bindHost, port: 0)
        self.advertisedHost = advertisedHost
        self.musicOnHold = musicOnHold
        self.ringback = ringback
        self.logger = logger
        group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, loops))
        loopStats = group.makeIterator().map { ($0, MediaLoopStats()) }
        tickers = group.makeIterator().map { ($0, FrameTicker(eventLoop: $0)) }
        commandQueues = group.makeIterator().map { LoopCommands(eventLoop: $0) }
        threadPool = NIOThreadPool(numberOfThreads: 2)
        threadPool.start()
        pool = Mutex(RTPPortPool(range: ports))
        // Up to half the ports rest between calls, split among the loops.
        let resting = min(1_024, ports.count / 2 / (2 * max(1, loops)))
        caches = group.makeIterator().map { ($0, RTPSocketCache(eventLoop: $0, limit: resting)) }
        for (loop, cache) in caches {
            loop.scheduleRepeatedTask(initialDelay: .seconds(5), delay: .seconds(5)) { [weak self] _ in
                guard let self else { return }
                cache.expire { self.discard($0) }
            }
        }
    }

    /// Calls with media open.
    public var activeSessions: Int { calls.withLock { $0 } }

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

    /// A call's media, on the next loop; legs are added as they come.
    public func openCall() -> MediaCall {
        let loop = group.next()
        calls.withLock { $0 += 1 }
        let stats = loopStats.first { $0.loop === loop }?.stats ?? MediaLoopStats()
        let commands = commandQueues.first { $0.eventLoop === loop }!
        return MediaCall(eventLoop: loop, service: self, stats: stats, commands: commands)
    }

    func callClosed() {
        calls.withLock { $0 -= 1 }
    }

    func ticker(for loop: any EventLoop) -> FrameTicker {
        tickers.first { $0.loop === loop }!.ticker
    }

    private func socketCache(for loop: any EventLoop) -> RTPSocketCache {
        caches.first { $0.loop === loop }!.cache
    }

    /// Finds `leg` of `call` an RTP/RTCP pair (on the call's loop): one that
    /// rested after an earlier call, or a new one bound on a free port —
    /// trying other ports when one is taken by another program.
    func bindEndpoint(for call: MediaCall, leg: Int, attempts: Int = 3) -> EventLoopFuture<Int> {
        let loop = call.eventLoop
        guard !stopping.load(ordering: .relaxed), !call.closed else { return loop.makeFailedFuture(MediaError.notRunning) }
        let cache = socketCache(for: loop)
        if let pair = cache.take(discard: discard) {
            pairsReused.add(1, ordering: .relaxed)
            call.attach(leg, pair: pair)
            return loop.makeSucceededFuture(pair.port)
        }
        guard let port = pool.withLock({ $0.take() }) else {
            // Every port is in a call or resting: better one that rested less than a refused call.
            guard let pair = cache.take(rested: false, discard: discard) else { return loop.makeFailedFuture(MediaError.noFreePorts) }
            call.attach(leg, pair: pair)
            return loop.makeSucceededFuture(pair.port)
        }
        let pair = RTPSocketPair(port: port, eventLoop: loop)
        call.attach(leg, pair: pair)
        let binds = [false, true].map { rtcp in
            socket(for: pair, rtcp: rtcp).map { pair.adopt($0, rtcp: rtcp) }
        }
        return EventLoopFuture.whenAllComplete(binds, on: loop).flatMap { results in
            let failed = results.contains { if case .failure = $0 { true } else { false } }
            guard failed else { return loop.makeSucceededFuture(port) }
            // A port of the pair was taken by another program: give it back and try another.
            call.detach(leg)
            guard attempts > 1 else { return loop.makeFailedFuture(MediaError.noFreePorts) }
            return self.bindEndpoint(for: call, leg: leg, attempts: attempts - 1)
        }
    }

    /// A leg is done with `pair` (on its loop): it rests for another call
    /// when it is whole and there is room, else it is closed.
    func recycle(_ pair: RTPSocketPair) {
        pair.release()
        guard pair.isOpen, !stopping.load(ordering: .relaxed), socketCache(for: pair.eventLoop).put(pair) else {
            discard(pair)
            return
        }
    }

    /// Closes `pair` for good and gives its port back.
    private func discard(_ pair: RTPSocketPair) {
        guard !pair.discarded else { return }
        pair.discarded = true
        pair.release()
        pair.rtp?.close(promise: nil)
        pair.rtcp?.close(promise: nil)
        pool.withLock { $0.release(pair.port) }
    }

    /// One RTP or RTCP socket of a pair. Should it close while a call uses
    /// it, it is opened again on the same port (counted); a resting pair
    /// that loses a socket is closed.
    private func socket(for pair: RTPSocketPair, rtcp: Bool) -> EventLoopFuture<any Channel> {
        let port = rtcp ? pair.port + 1 : pair.port
        let bootstrap = DatagramBootstrap(group: pair.eventLoop)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(RTPRelayHandler(pair: pair, rtcp: rtcp))
                }
            }
        let bound: EventLoopFuture<any Channel>
        if var address = bindAddress {
            address.port = port
            bound = bootstrap.bind(to: address)
        } else {
            bound = bootstrap.bind(host: bindHost, port: port)
        }
        return bound.map { channel in
            channel.closeFuture.whenComplete { _ in
                guard !pair.discarded, !self.stopping.load(ordering: .relaxed), (rtcp ? pair.rtcp : pair.rtp) === channel else { return }
                guard let call = pair.call, !call.closed else {
                    self.discard(pair)
                    return
                }
                self.socketRestarts.add(1, ordering: .relaxed)
                self.logger.warning("RTP socket closed during a call; opening it again", metadata: ["rtp.port": "\(port)"])
                self.socket(for: pair, rtcp: rtcp).whenSuccess { pair.adopt($0, rtcp: rtcp) }
            }
            return channel
        }
    }

    /// Records `call` from now on into a stereo WAV at `path`: `left` on the left channel, `right` on the right.
    public func record(_ call: MediaCall, path: String, left: Int, right: Int?, onFailure: @escaping @Sendable (String) -> Void) {
        call.startRecording(path: path, left: left, right: right, threadPool: threadPool) { [self] reason in
            recordingsFailed.add(1, ordering: .relaxed)
            onFailure(reason)
        } onWritten: { [self] in
            recordingsWritten.add(1, ordering: .relaxed)
        }
    }

    /// Waits for graceful shutdown. The event loops and the recording
    /// threads stay up until `shutdownEventLoops()`, after the call engine
    /// (stopped later) has closed every call.
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
