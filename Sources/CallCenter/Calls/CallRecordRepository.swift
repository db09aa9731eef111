import Foundation

/// Which calls a list shows (通话记录 search form); `visibility` is the
/// caller's data scope, applied to the row's agent (`agentId`).
public struct CallFilter: Sendable, Equatable {
    public var visibility: CustomerVisibility
    /// Digits that the from or to number contains.
    public var number: String?
    public var direction: CallDirection?
    public var disposition: CallDisposition?
    public var startedFrom: Date?
    public var startedBefore: Date?
    /// Only these calls (export of a selection).
    public var ids: [Int64]?
    /// Only calls from or to one of these numbers exactly (a customer's phones, normalized).
    public var numbers: [String]?

    public init(visibility: CustomerVisibility) {
        self.visibility = visibility
    }
}

/// The call detail records. The call engine opens a row when a call
/// starts and closes it when it ends, so a call survives a crash as an
/// open row that the next start closes as `interrupted`.
public protocol CallRecordRepository: Sendable {
    /// Inserts an open row (no end, no disposition); `agentId` is derived
    /// from the extensions' users. Returns the new id.
    func open(_ call: NewCallRecord) async throws -> Int64
    func answered(_ id: Int64, at: Date) async throws
    /// Records where the call's recording is (relative to `DATA/recordings/`).
    func setRecording(_ id: Int64, path: String) async throws
    /// Closes the row; ring and talk seconds follow from the timestamps.
    func close(_ id: Int64, _ ending: CallEnding) async throws
    /// Writes a batch in one transaction: drafts without an id are inserted,
    /// the others updated (an ended row keeps its first ending). Returns the
    /// ids in the order of `drafts`.
    func write(_ drafts: [CallRecordDraft]) async throws -> [Int64]
    /// Closes every open row as `interrupted` at `endedAt` (called at start);
    /// returns the closed rows so their recordings can be repaired.
    func closeInterrupted(endedAt: Date) async throws -> [CallRecord]
    func list(_ query: ListQuery, filter: CallFilter) async throws -> Page<CallRecord>
    /// The row when `visibility` lets the caller see it.
    func get(_ id: Int64, visibility: CustomerVisibility) async throws -> CallRecord?
    /// Visits the matching rows in id order, a batch at a time (export).
    func forEach(filter: CallFilter, batch: Int, _ body: ([CallRecord]) async throws -> Void) async throws
}
