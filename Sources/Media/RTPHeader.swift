/// The RFC 3550 §5.1 fixed header, parsed in place from a datagram. A value
/// of plain scalars: parsing copies nothing and allocates nothing.
public struct RTPHeader: Hashable, Sendable {
    /// Version, flags, PT, sequence, timestamp, SSRC.
    public static let fixedSize = 12

    public var payloadType: UInt8
    public var marker: Bool
    public var sequence: UInt16
    public var timestamp: UInt32
    public var ssrc: UInt32
    /// Where the payload starts: after the CSRC list and any header extension.
    public var payloadOffset: Int
    /// Payload bytes, excluding the padding (RFC 3550 §5.1, P bit).
    public var payloadLength: Int

    /// Returns nil for anything that is not a well-formed RTP version 2 packet.
    public init?(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= Self.fixedSize else { return nil }
        let first = bytes[0]
        guard first >> 6 == 2 else { return nil }
        let hasPadding = first & 0x20 != 0
        let hasExtension = first & 0x10 != 0
        let csrcCount = Int(first & 0x0F)

        var offset = Self.fixedSize + 4 * csrcCount
        guard offset <= bytes.count else { return nil }
        if hasExtension {
            // §5.3.1: 16-bit profile field, then the length in 32-bit words
            // not counting this 4-byte extension header.
            guard offset + 4 <= bytes.count else { return nil }
            let words = Int(UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: offset + 2, as: UInt16.self)))
            offset += 4 + 4 * words
            guard offset <= bytes.count else { return nil }
        }

        var end = bytes.count
        if hasPadding {
            // The last octet counts the padding, itself included, so it is at least 1.
            let padding = Int(bytes[bytes.count - 1])
            guard padding >= 1, padding <= bytes.count - offset else { return nil }
            end -= padding
        }

        let second = bytes[1]
        marker = second & 0x80 != 0
        payloadType = second & 0x7F
        sequence = UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: 2, as: UInt16.self))
        timestamp = UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
        ssrc = UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        payloadOffset = offset
        payloadLength = end - offset
    }

    /// RFC 5761 §4: RTCP shares the port with RTP (rtcp-mux) and is told apart
    /// by the second octet, which for RTCP is a packet type 200…204 (SR, RR,
    /// SDES, BYE, APP); RTP payload types 72…76 are barred for that reason.
    public static func isRTCP(_ bytes: UnsafeRawBufferPointer) -> Bool {
        // Every RTCP packet has at least the 4-byte common header (§6.4).
        guard bytes.count >= 4, bytes[0] >> 6 == 2 else { return false }
        return (200...204).contains(bytes[1])
    }

    // MARK: In-place rewriting for the relay. The buffer must hold a fixed header.

    /// Changes the payload type, keeping the marker bit.
    public static func setPayloadType(_ payloadType: UInt8, in bytes: UnsafeMutableRawBufferPointer) {
        precondition(bytes.count >= fixedSize, "not an RTP header")
        bytes[1] = (bytes[1] & 0x80) | (payloadType & 0x7F)
    }

    public static func setSequence(_ sequence: UInt16, in bytes: UnsafeMutableRawBufferPointer) {
        precondition(bytes.count >= fixedSize, "not an RTP header")
        bytes.storeBytes(of: sequence.bigEndian, toByteOffset: 2, as: UInt16.self)
    }

    public static func setTimestamp(_ timestamp: UInt32, in bytes: UnsafeMutableRawBufferPointer) {
        precondition(bytes.count >= fixedSize, "not an RTP header")
        bytes.storeBytes(of: timestamp.bigEndian, toByteOffset: 4, as: UInt32.self)
    }

    public static func setSSRC(_ ssrc: UInt32, in bytes: UnsafeMutableRawBufferPointer) {
        precondition(bytes.count >= fixedSize, "not an RTP header")
        bytes.storeBytes(of: ssrc.bigEndian, toByteOffset: 8, as: UInt32.self)
    }
}
