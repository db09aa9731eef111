import Media
import NIOCore

/// One leg's media at the server: its RTP/RTCP sockets, where its phone
/// is, what it speaks, and what it hears. Lives in a `MediaCall`, on the
/// call's event loop.
struct MediaEndpoint {
    let leg: Int
    /// Its sockets, owned by this endpoint until the leg leaves.
    let pair: RTPSocketPair
    var port: Int { pair.port }
    var rtp: (any Channel)? { pair.rtp }
    var rtcp: (any Channel)? { pair.rtcp }
    var remoteRTP: SocketAddress?
    var remoteRTCP: SocketAddress?
    var latched = false
    var format: LegFormat?
    /// The phone asked for no media from us or to us (hold): no timeout.
    var quiet = false
    var lastPacket = NIODeadline.now()
    var lastFromRemote = NIODeadline.uptimeNanoseconds(0)
    var needsFlush = false
    var counters = LegCounters()
    var sequence = RTPSequenceTracker()

    /// What this phone hears, and the slot its packets are relayed to (the
    /// endpoint that hears this one), kept in step by `MediaCall.hear`.
    var source: MediaSource = .silence
    var forwardTo: Int?
    var plan: ForwardPlan?
    /// A clip or tone being played to this phone.
    var player: Player?
    /// This endpoint's own RTP stream (players and the mix), apart from relayed packets.
    var stream = OwnStream()
    /// Its place in the call's mixer: its audio goes in, and when it hears
    /// several others (`mixed`) the mix comes out to it.
    var mixIndex: Int?
    var mixed = false

    /// Recording channel (0 left, 1 right), if recorded.
    var recordChannel: Int?
    /// Key presses from RFC 4733 packets and, when enabled, from the audio.
    var events = TelephoneEventReceiver()
    var inband: DTMFDetector?

    /// Packets we build (players, rewrites, transcoding) go out of these,
    /// round-robin: by the time a buffer comes round again NIO has sent and
    /// released it, so rewriting it allocates nothing.
    var outputs: [ByteBuffer] = []
    var nextOutput = 0
    static let outputRing = 8

    init(leg: Int, pair: RTPSocketPair) {
        self.leg = leg
        self.pair = pair
    }

    mutating func takeOutput() -> Int {
        if outputs.count < Self.outputRing {
            outputs.append(ByteBufferAllocator().buffer(capacity: 256))
            return outputs.count - 1
        }
        nextOutput = (nextOutput + 1) % outputs.count
        return nextOutput
    }
}

/// A clip or tone played to one endpoint, as an RTP stream of its own
/// (its own SSRC, sequence and timestamps).
struct Player {
    enum Sound {
        case clip(AudioClip, loop: Bool, position: Int)
        case tone(TonePlayer)
    }

    var sound: Sound

    init(_ source: MediaSource) {
        switch source {
        case .tone(let pattern): sound = .tone(TonePlayer(pattern))
        case .clip(let clip, let loop): sound = .clip(clip, loop: loop, position: 0)
        case .silence, .leg, .mix: sound = .tone(TonePlayer(.silence))
        }
    }

    /// The next 20 ms of audio.
    mutating func render(into frame: UnsafeMutableBufferPointer<Int16>) {
        switch sound {
        case .tone(var tone):
            tone.render(into: frame)
            sound = .tone(tone)
        case .clip(let clip, let loop, var position):
            clip.samples.withUnsafeBufferPointer { samples in
                for i in frame.indices {
                    if position >= samples.count {
                        if loop, !samples.isEmpty { position = 0 } else {
                            frame[i] = 0
                            continue
                        }
                    }
                    frame[i] = samples[position]
                    position += 1
                }
            }
            sound = .clip(clip, loop: loop, position: position)
        }
    }
}

/// The RTP stream an endpoint sends of its own (a player, the mix): its
/// SSRC, sequence and timestamps; the marker opens a new talkspurt.
struct OwnStream {
    let ssrc = UInt32.random(in: 1...UInt32.max)
    var sequence = UInt16.random(in: 0...UInt16.max)
    var timestamp = UInt32.random(in: 0...UInt32.max)
    var marker = true
}
