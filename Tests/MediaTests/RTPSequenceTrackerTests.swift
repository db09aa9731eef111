import Media
import Testing

@Suite struct RTPSequenceTrackerTests {
    func tracked(_ sequences: [UInt16]) -> RTPSequenceTracker {
        var tracker = RTPSequenceTracker()
        sequences.forEach { tracker.observe($0) }
        return tracker
    }

    @Test func anUnbrokenStreamLosesNothing() {
        let tracker = tracked(Array(100...199))
        #expect(tracker.expected == 100)
        #expect(tracker.lost == 0)
    }

    @Test func gapsCountAsLost() {
        let tracker = tracked([1, 2, 5, 6, 10])
        #expect(tracker.expected == 10)
        #expect(tracker.lost == 5)
    }

    @Test func theSequenceWrapsWithoutCountingSixtyFiveThousandLosses() {
        let tracker = tracked([65_533, 65_534, 65_535, 0, 1, 3])
        #expect(tracker.expected == 7)
        #expect(tracker.lost == 1)
    }

    @Test func reorderedAndDuplicatePacketsAreNotLosses() {
        let tracker = tracked([10, 12, 11, 13, 13, 14])
        #expect(tracker.expected == 5)
        #expect(tracker.lost == 0)
    }

    @Test func aRestartedSourceKeepsWhatWasCountedBefore() {
        let tracker = tracked([1, 2, 3, 4, 30_000, 30_001, 30_003])
        #expect(tracker.expected == 4 + 4)
        #expect(tracker.lost == 1)
    }
}
