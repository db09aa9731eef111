import Media
import Testing

@Suite struct TelephoneEventReceiverTests {
    struct Packet {
        var timestamp: UInt32
        var marker: Bool
        var event: TelephoneEvent
    }

    /// What a sender puts on the wire for one press (RFC 4733 §2.5.1): a
    /// first packet with the marker, an update every 20 ms (160 units),
    /// then the end packet three times.
    static func press(_ key: Character, at timestamp: UInt32, updates: Int = 4) -> [Packet] {
        let code = TelephoneEvent.event(for: key)!
        var packets = [Packet(timestamp: timestamp, marker: true, event: TelephoneEvent(event: code, end: false, volume: 10, duration: 160))]
        for n in 1...updates {
            packets.append(Packet(timestamp: timestamp, marker: false, event: TelephoneEvent(event: code, end: false, volume: 10, duration: UInt16(160 * (n + 1)))))
        }
        let end = TelephoneEvent(event: code, end: true, volume: 10, duration: UInt16(160 * (updates + 2)))
        packets += Array(repeating: Packet(timestamp: timestamp, marker: false, event: end), count: 3)
        return packets
    }

    static func keys(_ packets: [Packet], into receiver: inout TelephoneEventReceiver) -> String {
        var keys = ""
        for p in packets {
            if let key = receiver.receiveKey(timestamp: p.timestamp, marker: p.marker, event: p.event) { keys.append(key) }
        }
        return keys
    }

    static func keys(_ packets: [Packet]) -> String {
        var receiver = TelephoneEventReceiver()
        return keys(packets, into: &receiver)
    }

    @Test func aPressIsReportedOnceDespiteItsUpdatesAndThreeEndPackets() {
        let packets = Self.press("5", at: 1000)
        var receiver = TelephoneEventReceiver()
        let reports = packets.map { receiver.receive(timestamp: $0.timestamp, marker: $0.marker, event: $0.event) }
        #expect(reports == [5, nil, nil, nil, nil, nil, nil, nil])
    }

    @Test func aLostFirstPacketReportsOnTheFirstUpdate() {
        let packets = Self.press("#", at: 1000)
        var receiver = TelephoneEventReceiver()
        let reports = packets.dropFirst().map { receiver.receive(timestamp: $0.timestamp, marker: $0.marker, event: $0.event) }
        #expect(reports == [11, nil, nil, nil, nil, nil, nil])
    }

    @Test func aPressOfWhichOnlyEndPacketsArriveIsReportedOnce() {
        #expect(Self.keys(Self.press("1", at: 1000) + Array(Self.press("2", at: 3000).suffix(3))) == "12")
        #expect(Self.keys(Array(Self.press("D", at: 50).suffix(2))) == "D")
    }

    @Test func twoPressesOfTheSameKeyAreTwoReports() {
        #expect(Self.keys(Self.press("7", at: 1000) + Self.press("7", at: 3000)) == "77")
    }

    @Test func twoPressesOfTheSameKeyWithBothFirstPacketsLostAreTwoReports() {
        let packets = Array(Self.press("7", at: 1000).dropFirst()) + Array(Self.press("7", at: 3000).dropFirst())
        #expect(Self.keys(packets) == "77")
    }

    @Test func aLateEndPacketOfTheEarlierPressReportsNothing() {
        let first = Self.press("3", at: 1000)
        let second = Self.press("3", at: 2500)
        let packets = Array(first.prefix(5)) + Array(second.prefix(2)) + Array(first.suffix(3)) + Array(second.dropFirst(2))
        #expect(Self.keys(packets) == "33")
    }

    @Test func reorderedAndDuplicatedPacketsReportEachPressOnce() {
        var random = SplitMix64(seed: 4733)
        let presses = "0123456789*#ABCD"
        for _ in 0..<50 {
            var packets: [Packet] = []
            for (index, key) in presses.enumerated() {
                packets += Self.press(key, at: UInt32(index) * 1600 + 40)
            }
            // Duplicate a fifth of the packets, then swap neighbours at random
            // (a packet carried along by successive swaps drifts several places).
            packets = packets.flatMap { Int.random(in: 0..<5, using: &random) == 0 ? [$0, $0] : [$0] }
            for i in stride(from: 1, to: packets.count, by: 1) where Int.random(in: 0..<3, using: &random) == 0 {
                packets.swapAt(i - 1, i)
            }
            #expect(Self.keys(packets) == presses)
        }
    }

    @Test func timestampsThatWrapAroundStillOrderThePresses() {
        let before = Self.press("4", at: 0xFFFF_FE00)
        let after = Self.press("4", at: 0x0000_0200)
        let packets = before + Array(after.prefix(3)) + [before[7]] + Array(after.dropFirst(3))
        #expect(Self.keys(packets) == "44")
    }

    @Test func anEventLongerThanTheDurationFieldIsOnePress() {
        // §2.5.1.3: 10 s of "9" as a 65 535-unit segment then a second one
        // starting where it ended, without the marker.
        let code = TelephoneEvent.event(for: "9")!
        let first: [Packet] = stride(from: 160, through: 65_535, by: 160).map {
            Packet(timestamp: 8000, marker: $0 == 160, event: TelephoneEvent(event: code, end: false, volume: 10, duration: UInt16($0)))
        } + [Packet(timestamp: 8000, marker: false, event: TelephoneEvent(event: code, end: false, volume: 10, duration: 65_535))]
        let second: [Packet] = stride(from: 160, through: 14_464, by: 160).map {
            Packet(timestamp: 8000 + 65_535, marker: false, event: TelephoneEvent(event: code, end: false, volume: 10, duration: UInt16($0)))
        } + Array(repeating: Packet(timestamp: 8000 + 65_535, marker: false, event: TelephoneEvent(event: code, end: true, volume: 10, duration: 14_465)), count: 3)
        #expect(Self.keys(first + second) == "9")
        // The same key pressed again afterwards is a new press.
        #expect(Self.keys(first + second + Self.press("9", at: 8000 + 65_535 + 20_000)) == "99")
    }

    @Test func nonKeyEventsAreReportedAsCodesButNotAsKeys() {
        let flash = TelephoneEvent(event: 16, end: false, volume: 10, duration: 160)
        var receiver = TelephoneEventReceiver()
        #expect(receiver.receive(timestamp: 100, marker: true, event: flash) == 16)
        #expect(receiver.receive(timestamp: 100, marker: false, event: flash) == nil)
        #expect(receiver.receiveKey(timestamp: 900, marker: true, event: flash) == nil)
    }

    @Test func resetForgetsTheLastEvent() {
        var receiver = TelephoneEventReceiver()
        let packets = Self.press("6", at: 1000)
        #expect(Self.keys(packets, into: &receiver) == "6")
        receiver.reset()
        #expect(Self.keys(packets, into: &receiver) == "6")
    }
}
