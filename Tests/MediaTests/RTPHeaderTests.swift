import Media
import Testing

@Suite struct RTPHeaderTests {
    /// V=2 P X CC=2 | M PT=101 | seq | ts | ssrc | 2 CSRCs | extension of
    /// one word | 5 payload bytes | 3 padding bytes.
    static let fullPacket: [UInt8] = [
        0xB2, 0xE5, 0x12, 0x34,
        0xDE, 0xAD, 0xBE, 0xEF,
        0x01, 0x02, 0x03, 0x04,
        0xAA, 0xAA, 0xAA, 0xAA,
        0xBB, 0xBB, 0xBB, 0xBB,
        0xBE, 0xDE, 0x00, 0x01,
        0x10, 0x20, 0x30, 0x40,
        0x01, 0x02, 0x03, 0x04, 0x05,
        0x00, 0x00, 0x03,
    ]

    static func parse(_ bytes: [UInt8]) -> RTPHeader? {
        bytes.withUnsafeBytes { RTPHeader($0) }
    }

    @Test func parsesCSRCsExtensionAndPadding() throws {
        let header = try #require(Self.parse(Self.fullPacket))
        #expect(header.payloadType == 101)
        #expect(header.marker)
        #expect(header.sequence == 0x1234)
        #expect(header.timestamp == 0xDEAD_BEEF)
        #expect(header.ssrc == 0x0102_0304)
        #expect(header.payloadOffset == 28)
        #expect(header.payloadLength == 5)
        #expect(Self.fullPacket[28] == 0x01)
    }

    @Test func parsesAMinimalPCMUPacket() throws {
        let packet: [UInt8] = [0x80, 0x00, 0x00, 0x01, 0, 0, 0, 160, 0, 0, 0, 9] + [UInt8](repeating: 0xFF, count: 160)
        let header = try #require(Self.parse(packet))
        #expect(header.payloadType == 0)
        #expect(!header.marker)
        #expect(header.payloadOffset == 12)
        #expect(header.payloadLength == 160)
    }

    @Test func paddingMayTakeTheWholePayload() throws {
        let packet: [UInt8] = [0xA0, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x00, 0x02]
        let header = try #require(Self.parse(packet))
        #expect(header.payloadLength == 0)
    }

    @Test func rejectsVersionOne() {
        var packet = Self.fullPacket
        packet[0] = 0x72
        #expect(Self.parse(packet) == nil)
    }

    @Test func rejectsTruncatedHeaders() {
        #expect(Self.parse(Array(Self.fullPacket.prefix(11))) == nil)
        // Two CSRCs announced, one present.
        #expect(Self.parse(Array(Self.fullPacket.prefix(19))) == nil)
        // Extension header cut, then extension body cut.
        var noPadding = Self.fullPacket
        noPadding[0] = 0x92
        #expect(Self.parse(Array(noPadding.prefix(22))) == nil)
        #expect(Self.parse(Array(noPadding.prefix(27))) == nil)
        #expect(Self.parse(Array(noPadding.prefix(28))) != nil)
    }

    @Test func rejectsPaddingLargerThanThePayload() {
        var packet = Self.fullPacket
        packet[packet.count - 1] = 9
        #expect(Self.parse(packet) == nil)
    }

    @Test func rejectsZeroPaddingCount() {
        var packet = Self.fullPacket
        packet[packet.count - 1] = 0
        #expect(Self.parse(packet) == nil)
    }
}
