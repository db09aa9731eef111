/// An RFC 4733 §2.3 telephone-event payload (DTMF over RTP):
///
///     event (8) | E (1) R (1) volume (6) | duration (16)
public struct TelephoneEvent: Hashable, Sendable {
    public static let size = 4

    /// 0–9 digits, 10 `*`, 11 `#`, 12–15 `A`–`D` (§3.2).
    public var event: UInt8
    /// Set on the last packets of the event (§2.5.1.3).
    public var end: Bool
    /// Power level in −dBm0, 0…63 (§2.3.4).
    public var volume: UInt8
    /// In timestamp units since the event's RTP timestamp (§2.3.5).
    public var duration: UInt16

    public init(event: UInt8, end: Bool, volume: UInt8, duration: UInt16) {
        self.event = event
        self.end = end
        self.volume = volume
        self.duration = duration
    }

    /// Returns nil when the payload is shorter than one event.
    public init?(_ payload: UnsafeRawBufferPointer) {
        guard payload.count >= Self.size else { return nil }
        event = payload[0]
        end = payload[1] & 0x80 != 0
        volume = payload[1] & 0x3F
        duration = UInt16(bigEndian: payload.loadUnaligned(fromByteOffset: 2, as: UInt16.self))
    }

    /// Writes the 4 payload bytes; the reserved bit is sent as zero (§2.3.3).
    public func write(into payload: UnsafeMutableRawBufferPointer) {
        precondition(payload.count >= Self.size, "telephone-event needs 4 bytes")
        payload[0] = event
        payload[1] = (end ? 0x80 : 0) | (volume & 0x3F)
        payload.storeBytes(of: duration.bigEndian, toByteOffset: 2, as: UInt16.self)
    }

    /// The DTMF key for an event code, or nil for non-DTMF events (§3.2).
    public static func character(for event: UInt8) -> Character? {
        switch event {
        case 0...9: Character(Unicode.Scalar(UInt8(ascii: "0") + event))
        case 10: "*"
        case 11: "#"
        case 12...15: Character(Unicode.Scalar(UInt8(ascii: "A") + event - 12))
        default: nil
        }
    }

    /// The event code for a DTMF key (case-insensitive for A–D), for sending digits.
    public static func event(for character: Character) -> UInt8? {
        // asciiValue first: a Character range would also admit "0" plus a combining mark.
        guard let ascii = character.asciiValue else { return nil }
        switch ascii {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return ascii - UInt8(ascii: "0")
        case UInt8(ascii: "*"): return 10
        case UInt8(ascii: "#"): return 11
        case UInt8(ascii: "A")...UInt8(ascii: "D"): return ascii - UInt8(ascii: "A") + 12
        case UInt8(ascii: "a")...UInt8(ascii: "d"): return ascii - UInt8(ascii: "a") + 12
        default: return nil
        }
    }
}
