import Logging
import Media
import NIOCore
import NIOPosix

/// Writes a call as a stereo WAV (caller left, callee right, 8 kHz 16-bit)
/// on the call's media loop. Each leg's decoded audio waits in its own ring;
/// a clock tick takes one 20 ms frame from each (silence when a side is
/// quiet), 100 ms behind real time so ordinary jitter never leaves a gap.
/// The file is written on the I/O thread pool, and its header is rewritten
/// after each chunk so a crash leaves a playable file (the start-up repair
/// fixes the rest). A write error ends the recording with a logged reason;
/// the call goes on.
final class CallRecorder: @unchecked Sendable {
    static let sampleRate = 8000
    static let latencySamples = 800
    static let chunkBytes = 8_192

    let path: String
    let eventLoop: any EventLoop
    let threadPool: NIOThreadPool
    let onFailure: @Sendable (String) -> Void
    // Half a second per side: five times the write-out latency, and 16 KiB a call.
    private var rings = [SampleFIFO(capacity: 4_000), SampleFIFO(capacity: 4_000)]
    private var file: RecordingFile?
    private var pending: ByteBuffer
    private var writes: EventLoopFuture<Void>
    private var dataBytes = 0
    private var framesWritten = 0
    private var startedAt = NIODeadline.now()
    private var tick: RepeatedTask?
    private(set) var failed = false

    init(path: String, eventLoop: any EventLoop, threadPool: NIOThreadPool, onFailure: @escaping @Sendable (String) -> Void) {
        self.path = path
        self.eventLoop = eventLoop
        self.threadPool = threadPool
        self.onFailure = onFailure
        pending = ByteBufferAllocator().buffer(capacity: Self.chunkBytes + 1024)
        writes = eventLoop.makeSucceededVoidFuture()
    }

    func start() {
        startedAt = .now()
        let path = self.path
        let header = ByteBuffer(bytes: WAV.header(channels: 2, sampleRate: Self.sampleRate, bitsPerSample: 16, dataBytes: 0))
        writes = threadPool.runIfActive(eventLoop: eventLoop) { () -> RecordingFile in
            let file = try RecordingFile.create(path: path)
            try file.write(header, at: 0)
            return file
        }.map { file in self.file = file }
        watch(writes)
        tick = eventLoop.scheduleRepeatedTask(initialDelay: .milliseconds(20), delay: .milliseconds(20)) { _ in self.drain(final: false) }
    }

    /// Decodes one RTP payload into `channel`'s ring (0 = caller, 1 = callee).
    func append(_ payload: UnsafeRawBufferPointer, codec: AudioCodec, channel: Int) {
        guard !failed else { return }
        switch codec {
        case .pcmu: for byte in payload { rings[channel].push(G711.ulawToLinear(byte)) }
        case .pcma: for byte in payload { rings[channel].push(G711.alawToLinear(byte)) }
        }
    }

    /// Moves the frames due by the clock (or, at the end, everything left) into the file.
    private func drain(final: Bool) {
        guard !failed else { return }
        let elapsed = Int((NIODeadline.now() - startedAt).nanoseconds / 125_000)  // samples at 8 kHz
        var due = elapsed - Self.latencySamples - framesWritten
        if final { due = max(due, max(rings[0].count, rings[1].count)) }
        guard due > 0 else { return }
        due = min(due, Self.sampleRate * 2)
        for _ in 0..<due {
            pending.writeInteger(rings[0].pop(), endianness: .little)
            pending.writeInteger(rings[1].pop(), endianness: .little)
        }
        framesWritten += due
        if final || pending.readableBytes >= Self.chunkBytes { writePending() }
    }

    private func writePending() {
        guard pending.readableBytes > 0 else { return }
        let chunk = pending
        pending.clear()
        writes = writes.flatMap {
            guard let file = self.file else { return self.eventLoop.makeSucceededVoidFuture() }
            let offset = WAV.headerSize + self.dataBytes
            let total = self.dataBytes + chunk.readableBytes
            self.dataBytes = total
            let header = ByteBuffer(bytes: WAV.header(channels: 2, sampleRate: Self.sampleRate, bitsPerSample: 16, dataBytes: UInt32(total)))
            return self.threadPool.runIfActive(eventLoop: self.eventLoop) {
                try file.write(chunk, at: offset)
                try file.write(header, at: 0)
            }
        }
        watch(writes)
    }

    private func watch(_ future: EventLoopFuture<Void>) {
        future.whenFailure { error in
            guard !self.failed else { return }
            self.failed = true
            self.tick?.cancel()
            self.onFailure("\(error)")
        }
    }

    /// Writes what is left, the final header, and closes the file; returns the audio bytes written.
    func finish() -> EventLoopFuture<Int> {
        tick?.cancel()
        drain(final: true)
        return writes.recover { _ in }.map {
            self.file?.close()
            self.file = nil
            return self.dataBytes
        }
    }
}
