import Media
import Testing

@Suite struct RTPRewriteTests {
    @Test func settersRewriteFieldsInPlaceAndKeepTheMarker() throws {
        var packet: [UInt8] = [0x80, 0x80 | 8, 0, 1, 0, 0, 0, 160, 0, 0, 0, 9, 0xD5]
        packet.withUnsafeMutableBytes { bytes in
            RTPHeader.setPayloadType(0, in: bytes)
            RTPHeader.setSequence(0xBEEF, in: bytes)
            RTPHeader.setTimestamp(0x0102_0304, in: bytes)
            RTPHeader.setSSRC(0xCAFE_F00D, in: bytes)
        }
        let header = try #require(packet.withUnsafeBytes { RTPHeader($0) })
        #expect(header.marker)
        #expect(header.payloadType == 0)
        #expect(header.sequence == 0xBEEF)
        #expect(header.timestamp == 0x0102_0304)
        #expect(header.ssrc == 0xCAFE_F00D)
        #expect(packet.last == 0xD5)
    }
}

@Suite struct RTCPDetectionTests {
    static func isRTCP(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { RTPHeader.isRTCP($0) }
    }

    @Test func senderAndReceiverReportsAreRTCP() {
        #expect(Self.isRTCP([0x80, 200, 0x00, 0x06, 0, 0, 0, 1]))
        #expect(Self.isRTCP([0x81, 201, 0x00, 0x07, 0, 0, 0, 1]))
        #expect(Self.isRTCP([0x81, 203, 0x00, 0x01, 0, 0, 0, 1]))
        #expect(Self.isRTCP([0x80, 204, 0x00, 0x01, 0, 0, 0, 1]))
    }

    @Test func rtpAudioIsNotRTCP() {
        #expect(!Self.isRTCP([0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]))
        #expect(!Self.isRTCP([0x80, 0x80 | 8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]))
        #expect(!Self.isRTCP([0x80, 0x80 | 101, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]))
    }

    @Test func wrongVersionOrTooShortIsNotRTCP() {
        #expect(!Self.isRTCP([0x40, 200, 0x00, 0x06, 0, 0, 0, 1]))
        #expect(!Self.isRTCP([0x80, 200, 0x00]))
        #expect(!Self.isRTCP([]))
    }
}
