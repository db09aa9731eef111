import Testing

@testable import SIPStack

/// The SIP endpoint's timer table: deadline order, O(1) cancel, and the
/// heap rebuilt when cancelled leftovers pile up.
@Suite("SIP timers: TimerQueue")
struct TimerQueueTests {
    @Test func timersFireInDeadlineOrderThenSchedulingOrder() {
        var queue = TimerQueue<String>()
        _ = queue.schedule(at: 300, "c")
        _ = queue.schedule(at: 100, "a")
        _ = queue.schedule(at: 200, "b1")
        _ = queue.schedule(at: 200, "b2")
        let next = queue.nextDeadline()
        let early = queue.popExpired(now: 99)
        #expect(next == 100)
        #expect(early == nil, "nothing is due before its deadline")
        var fired: [String] = []
        while let name = queue.popExpired(now: 250) { fired.append(name) }
        #expect(fired == ["a", "b1", "b2"])
        let last = queue.nextDeadline()
        #expect(queue.count == 1 && last == 300)
    }

    @Test func aCancelledTimerNeverFiresAndCancellingTwiceOrAfterFiringIsHarmless() {
        var queue = TimerQueue<Int>()
        let first = queue.schedule(at: 10, 1)
        let second = queue.schedule(at: 20, 2)
        let cancelled = queue.cancel(first)
        let again = queue.cancel(first)
        #expect(cancelled && !again)
        let next = queue.nextDeadline()
        #expect(next == 20, "the cancelled head is skipped")
        let fired = queue.popExpired(now: 100)
        #expect(fired == 2)
        let afterFiring = queue.cancel(second)
        #expect(!afterFiring, "it fired already")
        let more = queue.popExpired(now: 100)
        let deadline = queue.nextDeadline()
        #expect(more == nil && deadline == nil && queue.count == 0)
    }

    @Test func manyCancellationsKeepTheRightTimersInOrder() {
        var queue = TimerQueue<Int>()
        var ids: [Int: TimerQueue<Int>.ID] = [:]
        // Deadlines in a scrambled order; every timer but each seventh is cancelled (the heap is rebuilt on the way).
        for n in 0..<20_000 { ids[n] = queue.schedule(at: UInt64((n * 7919) % 20_000), n) }
        var refused = 0
        for n in 0..<20_000 where n % 7 != 0 && !queue.cancel(ids[n]!) { refused += 1 }
        #expect(refused == 0)
        #expect(queue.count == (0..<20_000).filter { $0 % 7 == 0 }.count)
        var fired: [Int] = []
        while let n = queue.popExpired(now: .max) { fired.append(n) }
        let expected = (0..<20_000).filter { $0 % 7 == 0 }.sorted { ($0 * 7919) % 20_000 < ($1 * 7919) % 20_000 }
        #expect(fired == expected)
    }
}
