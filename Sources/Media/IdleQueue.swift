/// Things kept open between uses — the RTP socket pairs of calls that
/// ended — so the next call takes one instead of opening its own (binding
/// and closing four sockets was a quarter of a call's CPU at 1,000 calls/s).
/// Oldest first, like the port pool's round robin: a pair is handed out
/// only after it has rested `quarantine`, so late packets of the call that
/// used it cannot land in the next one. Times are nanoseconds on any
/// monotonic clock.
public struct IdleQueue<Element> {
    /// At most this many wait; `put` refuses the rest (the caller closes them).
    public let limit: Int
    private var items: [(element: Element, since: UInt64)] = []
    private var head = 0

    public init(limit: Int) {
        self.limit = max(0, limit)
    }

    public var count: Int { items.count - head }

    /// Keeps `element` from `now`; false when the queue is full.
    public mutating func put(_ element: Element, now: UInt64) -> Bool {
        guard count < limit else { return false }
        items.append((element, now))
        return true
    }

    /// The element idle longest, once it has been idle `quarantine`. One
    /// that `usable` turns down (it went on receiving traffic, or broke) is
    /// handed to `discard` and the next is considered.
    public mutating func take(
        now: UInt64, quarantine: UInt64, usable: (Element) -> Bool, discard: (Element) -> Void
    ) -> Element? {
        while head < items.count {
            let item = items[head]
            guard now >= item.since, now - item.since >= quarantine else { return nil }
            popHead()
            if usable(item.element) { return item.element }
            discard(item.element)
        }
        return nil
    }

    /// Hands every element idle longer than `maxIdle` to `discard`.
    public mutating func expire(now: UInt64, maxIdle: UInt64, discard: (Element) -> Void) {
        while head < items.count, now >= items[head].since, now - items[head].since > maxIdle {
            let element = items[head].element
            popHead()
            discard(element)
        }
    }

    private mutating func popHead() {
        head += 1
        // Compact now and then so the array does not grow with every use.
        if head >= 64, head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
    }
}
