import Foundation

/// A call's row as the call engine knows it so far. The CDR writer keeps
/// one per call in progress and writes the ones that changed in batches:
/// a draft without an id is inserted, one with an id is updated.
public struct CallRecordDraft: Sendable, Equatable {
    /// The row's id once inserted.
    public var id: Int64?
    public var record: NewCallRecord
    public var answeredAt: Date?
    /// Relative to `DATA/recordings/`.
    public var recording: String?
    public var ending: CallEnding?

    public init(id: Int64? = nil, record: NewCallRecord, answeredAt: Date? = nil, recording: String? = nil, ending: CallEnding? = nil) {
        self.id = id
        self.record = record
        self.answeredAt = answeredAt
        self.recording = recording
        self.ending = ending
    }

    /// Ring and talk seconds once the call has ended.
    public var durations: CallDurations? {
        ending.map { CallDurations(startedAt: record.startedAt, answeredAt: answeredAt, endedAt: $0.endedAt) }
    }
}
