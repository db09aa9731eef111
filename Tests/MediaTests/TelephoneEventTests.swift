import Media
import Testing

@Suite struct TelephoneEventTests {
    @Test func parsesEventEndVolumeAndDuration() throws {
        // Digit 5, end, reserved bit set (must be ignored), −10 dBm0, 800 units.
        let payload: [UInt8] = [0x05, 0xCA, 0x03, 0x20]
        let event = try #require(payload.withUnsafeBytes { TelephoneEvent($0) })
        #expect(event == TelephoneEvent(event: 5, end: true, volume: 10, duration: 800))
    }

    @Test func writeThenParseRoundTrips() throws {
        let sent = TelephoneEvent(event: 11, end: false, volume: 63, duration: 0xFFFF)
        var payload = [UInt8](repeating: 0xEE, count: 4)
        payload.withUnsafeMutableBytes { sent.write(into: $0) }
        #expect(payload == [11, 0x3F, 0xFF, 0xFF])
        let received = try #require(payload.withUnsafeBytes { TelephoneEvent($0) })
        #expect(received == sent)
    }

    @Test func writeClearsTheReservedBit() {
        var payload = [UInt8](repeating: 0xFF, count: 4)
        payload.withUnsafeMutableBytes { TelephoneEvent(event: 1, end: true, volume: 7, duration: 160).write(into: $0) }
        #expect(payload == [1, 0x87, 0x00, 0xA0])
    }

    @Test func rejectsShortPayloads() {
        let payload: [UInt8] = [0x05, 0x8A, 0x03]
        #expect(payload.withUnsafeBytes { TelephoneEvent($0) } == nil)
    }

    @Test func mapsEventCodesToDTMFKeysAndBack() {
        let keys = Array("0123456789*#ABCD")
        for (code, key) in keys.enumerated() {
            #expect(TelephoneEvent.character(for: UInt8(code)) == key)
            #expect(TelephoneEvent.event(for: key) == UInt8(code))
        }
        #expect(TelephoneEvent.character(for: 16) == nil)
        #expect(TelephoneEvent.character(for: 255) == nil)
        #expect(TelephoneEvent.event(for: "d") == 15)
        #expect(TelephoneEvent.event(for: "E") == nil)
        #expect(TelephoneEvent.event(for: "0\u{301}") == nil)
    }
}
