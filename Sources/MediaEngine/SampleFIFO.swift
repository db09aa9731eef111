/// A fixed ring of 16-bit samples: one per recorded channel. Allocated
/// once; when full, the oldest samples give way (a phone that bursts more
/// than the ring holds loses its oldest audio, never the call).
struct SampleFIFO {
    private var storage: [Int16]
    private var head = 0
    private(set) var count = 0

    init(capacity: Int) {
        storage = Array(repeating: 0, count: capacity)
    }

    var capacity: Int { storage.count }

    mutating func push(_ sample: Int16) {
        if count == storage.count {
            head = (head + 1) % storage.count
            count -= 1
        }
        storage[(head + count) % storage.count] = sample
        count += 1
    }

    /// The oldest sample, or silence when empty.
    mutating func pop() -> Int16 {
        guard count > 0 else { return 0 }
        let sample = storage[head]
        head = (head + 1) % storage.count
        count -= 1
        return sample
    }
}
