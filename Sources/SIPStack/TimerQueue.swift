/// Timers keyed by deadline (nanoseconds of uptime) with O(1) cancel.
///
/// SwiftNIO cancels a scheduled task by searching its whole heap under a
/// lock; with tens of thousands of SIP timers pending (every transaction
/// holds one for 32 s) that search was the SIP loop's hottest function.
/// Here a cancelled timer only leaves the table; its heap entry is skipped
/// when it surfaces, and the heap is rebuilt when such leftovers dominate.
struct TimerQueue<Payload> {
    struct ID: Hashable, Sendable {
        fileprivate let value: UInt64
    }

    private struct Entry {
        var deadline: UInt64
        var id: UInt64
    }

    private var heap: [Entry] = []
    private var live: [UInt64: (deadline: UInt64, payload: Payload)] = [:]
    private var nextID: UInt64 = 1

    /// Timers scheduled and neither fired nor cancelled.
    var count: Int { live.count }

    mutating func schedule(at deadline: UInt64, _ payload: Payload) -> ID {
        let id = nextID
        nextID &+= 1
        live[id] = (deadline, payload)
        push(Entry(deadline: deadline, id: id))
        return ID(value: id)
    }

    /// False when the timer has fired or was cancelled already.
    @discardableResult
    mutating func cancel(_ id: ID) -> Bool {
        guard live.removeValue(forKey: id.value) != nil else { return false }
        if heap.count > 1024 && heap.count > 4 * live.count { rebuild() }
        return true
    }

    /// The earliest pending deadline.
    mutating func nextDeadline() -> UInt64? {
        dropCancelledHead()
        return heap.first?.deadline
    }

    /// The earliest timer due at `now`, removed; nil when none is due.
    mutating func popExpired(now: UInt64) -> Payload? {
        dropCancelledHead()
        guard let first = heap.first, first.deadline <= now else { return nil }
        popRoot()
        return live.removeValue(forKey: first.id)?.payload
    }

    private mutating func dropCancelledHead() {
        while let first = heap.first, live[first.id] == nil { popRoot() }
    }

    private mutating func rebuild() {
        heap = live.map { Entry(deadline: $0.value.deadline, id: $0.key) }
        var index = heap.count / 2
        while index > 0 {
            index -= 1
            siftDown(index)
        }
    }

    // MARK: binary min-heap on (deadline, id): equal deadlines fire in scheduling order

    private static func precedes(_ a: Entry, _ b: Entry) -> Bool {
        a.deadline != b.deadline ? a.deadline < b.deadline : a.id < b.id
    }

    private mutating func push(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.precedes(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func popRoot() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        siftDown(0)
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            var smallest = left
            if left + 1 < heap.count, Self.precedes(heap[left + 1], heap[left]) { smallest = left + 1 }
            guard Self.precedes(heap[smallest], heap[parent]) else { return }
            heap.swapAt(smallest, parent)
            parent = smallest
        }
    }
}
