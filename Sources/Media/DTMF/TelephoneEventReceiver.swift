/// Turns a stream of RFC 4733 telephone-event packets into key presses,
/// each reported once.
///
/// A sender repeats every event: a first packet (marker set, §2.5.1.2),
/// updates with a growing duration, and the end packet three times
/// (§2.5.1.4); all of them carry the event's start as RTP timestamp. So a
/// press is reported on the first packet seen with a timestamp newer than
/// the last event's, whichever kind it is: a lost first packet only delays
/// the report to the next update, and a press of which only an end packet
/// arrived is still reported, once. Packets of the current event, however
/// often repeated, and packets older than it (reordered or duplicated
/// late) report nothing. Timestamps compare modulo 2³² (RFC 3550 §5.1), so
/// they may wrap.
///
/// An event longer than the 16-bit duration (8.2 s at 8 kHz) is sent in
/// segments (§2.5.1.3): each starts a new timestamp, the previous one plus
/// its duration, without the marker and without an end packet before it.
/// Such a continuation is not a new press.
///
/// One receiver per RTP source: call `reset()` when the SSRC changes.
public struct TelephoneEventReceiver: Sendable {
    private var started = false
    /// The newest event: its timestamp, code, longest duration seen, and whether it ended.
    private var timestamp: UInt32 = 0
    private var event: UInt8 = 0
    private var duration: UInt16 = 0
    private var ended = false

    /// A segment follows one that reached within a second of the maximum duration.
    static let segmentThreshold: UInt16 = .max - 8000

    public init() {}

    public mutating func reset() {
        self = TelephoneEventReceiver()
    }

    /// Takes one packet; returns the event code (0–9, 10 `*`, 11 `#`, 12–15
    /// `A`–`D`, or a non-DTMF event such as 16, flash) when it is a new press.
    public mutating func receive(timestamp: UInt32, marker: Bool, event packet: TelephoneEvent) -> UInt8? {
        guard started else {
            start(timestamp, packet)
            return packet.event
        }
        let delta = Int32(bitPattern: timestamp &- self.timestamp)
        if delta == 0 {
            if packet.event == event {
                duration = max(duration, packet.duration)
                ended = ended || packet.end
            }
            return nil
        }
        guard delta > 0 else { return nil }
        let continuesSegment = !marker && packet.event == event && !ended
            && duration >= Self.segmentThreshold && delta <= Int32(UInt16.max) + 1
        start(timestamp, packet)
        return continuesSegment ? nil : packet.event
    }

    /// The key for `receive`'s result, nil for events that are not keys.
    public mutating func receiveKey(timestamp: UInt32, marker: Bool, event packet: TelephoneEvent) -> Character? {
        receive(timestamp: timestamp, marker: marker, event: packet).flatMap(TelephoneEvent.character(for:))
    }

    private mutating func start(_ timestamp: UInt32, _ packet: TelephoneEvent) {
        started = true
        self.timestamp = timestamp
        event = packet.event
        duration = packet.duration
        ended = packet.end
    }
}
