import Media
import Testing

@Suite struct IdleQueueTests {
    let ms: UInt64 = 1_000_000

    /// Takes with a quarantine, accepting everything.
    func take(_ queue: inout IdleQueue<Int>, now: UInt64, quarantine: UInt64) -> Int? {
        queue.take(now: now, quarantine: quarantine, usable: { _ in true }, discard: { _ in })
    }

    @Test func anElementIsHandedOutOnlyAfterItsQuarantine() {
        var queue = IdleQueue<Int>(limit: 4)
        _ = queue.put(10, now: 1_000 * ms)
        let early = take(&queue, now: 1_200 * ms, quarantine: 500 * ms)
        #expect(early == nil)
        #expect(queue.count == 1)
        let rested = take(&queue, now: 1_500 * ms, quarantine: 500 * ms)
        #expect(rested == 10)
        #expect(queue.count == 0)
    }

    @Test func theOldestGoesFirst() {
        var queue = IdleQueue<Int>(limit: 4)
        for (i, port) in [10, 12, 14].enumerated() { _ = queue.put(port, now: UInt64(i) * ms) }
        var taken: [Int] = []
        while let port = take(&queue, now: 10_000 * ms, quarantine: 0) { taken.append(port) }
        #expect(taken == [10, 12, 14])
    }

    @Test func aFullQueueRefusesMore() {
        var queue = IdleQueue<Int>(limit: 2)
        let accepted = [1, 2, 3].map { queue.put($0, now: 0) }
        #expect(accepted == [true, true, false])
        #expect(queue.count == 2)
    }

    @Test func anUnusableElementIsDiscardedAndTheNextTaken() {
        var queue = IdleQueue<Int>(limit: 4)
        _ = queue.put(10, now: 0)
        _ = queue.put(12, now: 0)
        var discarded: [Int] = []
        let taken = queue.take(now: 1_000 * ms, quarantine: 500 * ms, usable: { $0 != 10 }, discard: { discarded.append($0) })
        #expect(taken == 12)
        #expect(discarded == [10])
        #expect(queue.count == 0)
    }

    @Test func aYoungerElementBehindAnOldOneWaits() {
        var queue = IdleQueue<Int>(limit: 4)
        _ = queue.put(10, now: 0)
        _ = queue.put(12, now: 900 * ms)
        let first = take(&queue, now: 1_000 * ms, quarantine: 500 * ms)
        let second = take(&queue, now: 1_000 * ms, quarantine: 500 * ms)
        #expect(first == 10)
        #expect(second == nil)
        #expect(queue.count == 1)
    }

    @Test func elementsIdleTooLongExpire() {
        var queue = IdleQueue<Int>(limit: 8)
        _ = queue.put(10, now: 0)
        _ = queue.put(12, now: 20_000 * ms)
        _ = queue.put(14, now: 40_000 * ms)
        var expired: [Int] = []
        queue.expire(now: 45_000 * ms, maxIdle: 30_000 * ms, discard: { expired.append($0) })
        #expect(expired == [10])
        #expect(queue.count == 2)
    }

    @Test func longUseKeepsOrderAcrossCompaction() {
        var queue = IdleQueue<Int>(limit: 100)
        var now: UInt64 = 0
        var next = 0
        var taken: [Int] = []
        for _ in 0..<1_000 {
            for _ in 0..<3 {
                _ = queue.put(next, now: now)
                next += 1
            }
            for _ in 0..<3 { if let element = take(&queue, now: now, quarantine: 0) { taken.append(element) } }
            now += ms
        }
        #expect(taken == Array(0..<3_000))
        #expect(queue.count == 0)
    }
}
