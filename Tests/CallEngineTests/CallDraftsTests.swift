import CallCenter
import Foundation
import Testing

@testable import CallEngine

/// The CDR writer's bookkeeping: which rows a batch writes, and what it
/// remembers between batches.
@Suite("CDR writer: call drafts between batches")
struct CallDraftsTests {
    static let t0 = Date(timeIntervalSince1970: 1_772_697_600)

    static func record(_ id: String) -> NewCallRecord {
        NewCallRecord(sipCallId: id, direction: .internal, from: "1001", to: "1002", fromExtension: "1001", toExtension: "1002", startedAt: t0)
    }

    @Test func changesArrivingTogetherBecomeOneDraftPerCallInFirstChangeOrder() {
        var drafts = CallDrafts()
        drafts.apply(.open(7, Self.record("a")))
        drafts.apply(.open(8, Self.record("b")))
        drafts.apply(.answered(7, Self.t0 + 2))
        drafts.apply(.close(7, CallEnding(endedAt: Self.t0 + 9, disposition: .answered, hangupBy: .callee)))
        let batch = drafts.takeChanged()
        #expect(batch.map(\.call) == [7, 8])
        #expect(batch[0].draft.answeredAt == Self.t0 + 2 && batch[0].draft.ending?.disposition == .answered && batch[0].draft.id == nil)
        #expect(drafts.takeChanged().isEmpty, "taken once")

        drafts.stored(batch, ids: [70, 80])
        #expect(drafts.drafts[7] == nil, "an ended call is forgotten once stored")
        #expect(drafts.drafts[8]?.id == 80)

        drafts.apply(.recording(8, "x.wav"))
        let next = drafts.takeChanged()
        #expect(next.count == 1 && next[0].draft.id == 80 && next[0].draft.recording == "x.wav", "a stored call is updated by id")
    }

    @Test func theFirstEndingAndTheFirstAnswerStandAndUnknownCallsAreIgnored() {
        var drafts = CallDrafts()
        drafts.apply(.answered(1, Self.t0))
        drafts.apply(.close(1, CallEnding(endedAt: Self.t0, disposition: .failed, hangupBy: nil)))
        #expect(drafts.takeChanged().isEmpty, "no row was opened for call 1")

        drafts.apply(.open(2, Self.record("c")))
        drafts.apply(.close(2, CallEnding(endedAt: Self.t0 + 3, disposition: .noAnswer, hangupBy: nil)))
        drafts.apply(.answered(2, Self.t0 + 4))
        drafts.apply(.close(2, CallEnding(endedAt: Self.t0 + 5, disposition: .answered, hangupBy: .caller)))
        let draft = drafts.takeChanged()[0].draft
        #expect(draft.ending?.disposition == .noAnswer && draft.answeredAt == nil)
    }

    @Test func aFailedBatchIsRetriedWithTheNextChangeUnlessTheCallEnded() {
        var drafts = CallDrafts()
        drafts.apply(.open(1, Self.record("a")))
        drafts.apply(.open(2, Self.record("b")))
        drafts.apply(.close(2, CallEnding(endedAt: Self.t0, disposition: .failed, hangupBy: nil)))
        drafts.failed(drafts.takeChanged())
        #expect(drafts.drafts[2] == nil)
        drafts.apply(.answered(1, Self.t0 + 1))
        let retry = drafts.takeChanged()
        #expect(retry.count == 1 && retry[0].draft.id == nil && retry[0].draft.answeredAt == Self.t0 + 1, "inserted again, complete")
    }
}
