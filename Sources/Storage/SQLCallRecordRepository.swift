import CallCenter
import Foundation
import SQLKit

/// The call detail records (通话记录). The call engine writes through the
/// gate (one short transaction per event, never inside someone else's);
/// lists and exports read on the reader connections.
struct SQLCallRecordRepository: CallRecordRepository {
    let db: any SQLDatabase
    let reads: ReaderPool
    let gate: TransactionGate
    private var read: any SQLDatabase { reads.any }

    static let selectColumns: SQLQueryString = """
        SELECT c.id, c.sip_call_id, c.direction, c.from_number, c.to_number, c.from_extension, c.to_extension, c.agent_id, c.queue,
               c.started_at, c.answered_at, c.ended_at, c.ring_seconds, c.talk_seconds, c.disposition, c.hangup_by, c.reason, c.recording,
               c.transferred_to, c.legs
        FROM calls c
        """
    static let sortable = [
        "id": "c.id", "startedAt": "c.started_at", "endedAt": "c.ended_at", "ringSeconds": "c.ring_seconds", "talkSeconds": "c.talk_seconds",
    ]

    // MARK: writing (the call engine)

    func open(_ call: NewCallRecord) async throws -> Int64 {
        try await write([CallRecordDraft(record: call)])[0]
    }

    func answered(_ id: Int64, at: Date) async throws {
        try await gate.run(on: db) {
            try await db.raw(
                "UPDATE calls SET answered_at = \(bind: Timestamp.string(at)) WHERE id = \(bind: id) AND answered_at IS NULL AND ended_at IS NULL"
            ).run()
        }
    }

    func setRecording(_ id: Int64, path: String) async throws {
        try await gate.run(on: db) {
            try await db.raw("UPDATE calls SET recording = \(bind: path) WHERE id = \(bind: id)").run()
        }
    }

    func close(_ id: Int64, _ ending: CallEnding) async throws {
        try await gate.run(on: db) {
            guard let row = try await db.raw("SELECT started_at, answered_at FROM calls WHERE id = \(bind: id) AND ended_at IS NULL").first() else {
                return  // unknown, or closed already: the first ending stands
            }
            let seconds = CallDurations(startedAt: try row.date("started_at"), answeredAt: try row.optionalString("answered_at").map(Timestamp.date), endedAt: ending.endedAt)
            try await db.raw(
                """
                UPDATE calls SET ended_at = \(bind: Timestamp.string(ending.endedAt)), ring_seconds = \(bind: seconds.ring), talk_seconds = \(bind: seconds.talk),
                    disposition = \(bind: ending.disposition.rawValue), hangup_by = \(bind: ending.hangupBy?.rawValue), reason = \(bind: ending.reason)
                WHERE id = \(bind: id)
                """
            ).run()
        }
    }

    func write(_ drafts: [CallRecordDraft]) async throws -> [Int64] {
        guard !drafts.isEmpty else { return [] }
        return try await gate.run(on: db) {
            var ids: [Int64] = []
            ids.reserveCapacity(drafts.count)
            for draft in drafts {
                if let id = draft.id {
                    try await update(id, draft)
                    ids.append(id)
                } else {
                    ids.append(try await insert(draft))
                }
            }
            return ids
        }
    }

    /// The callee's user is the row's agent (who took the call), else the caller's (who made it).
    private func insert(_ draft: CallRecordDraft) async throws -> Int64 {
        let call = draft.record
        let seconds = draft.durations
        guard let row = try await db.raw(
            """
            INSERT INTO calls (sip_call_id, direction, from_number, to_number, from_extension, to_extension, agent_id, started_at,
                               answered_at, recording, ended_at, ring_seconds, talk_seconds, disposition, hangup_by, reason,
                               transferred_to, legs)
            VALUES (\(bind: call.sipCallId), \(bind: call.direction.rawValue), \(bind: call.from), \(bind: call.to),
                    \(bind: call.fromExtension), \(bind: call.toExtension),
                    COALESCE((SELECT id FROM users WHERE extension = \(bind: call.toExtension)),
                             (SELECT id FROM users WHERE extension = \(bind: call.fromExtension))),
                    \(bind: Timestamp.string(call.startedAt)), \(bind: draft.answeredAt.map(Timestamp.string)), \(bind: draft.recording),
                    \(bind: draft.ending.map { Timestamp.string($0.endedAt) }), \(bind: seconds?.ring ?? 0), \(bind: seconds?.talk ?? 0),
                    \(bind: draft.ending?.disposition.rawValue), \(bind: draft.ending?.hangupBy?.rawValue), \(bind: draft.ending?.reason),
                    \(bind: draft.ending?.transferredTo), \(bind: draft.ending.map { CallLegsJSON.encode($0.legs) }))
            RETURNING id
            """
        ).first() else { throw DomainError(.invalid, "the call record was not stored") }
        return try row.int64("id")
    }

    /// One statement whatever changed; a row that has ended is left as it is.
    private func update(_ id: Int64, _ draft: CallRecordDraft) async throws {
        let answered = draft.answeredAt.map(Timestamp.string)
        if let ending = draft.ending, let seconds = draft.durations {
            try await db.raw(
                """
                UPDATE calls SET answered_at = COALESCE(answered_at, \(bind: answered)), recording = COALESCE(\(bind: draft.recording), recording),
                    ended_at = \(bind: Timestamp.string(ending.endedAt)), ring_seconds = \(bind: seconds.ring), talk_seconds = \(bind: seconds.talk),
                    disposition = \(bind: ending.disposition.rawValue), hangup_by = \(bind: ending.hangupBy?.rawValue), reason = \(bind: ending.reason),
                    transferred_to = \(bind: ending.transferredTo), legs = \(bind: CallLegsJSON.encode(ending.legs))
                WHERE id = \(bind: id) AND ended_at IS NULL
                """
            ).run()
        } else {
            try await db.raw(
                """
                UPDATE calls SET answered_at = COALESCE(answered_at, \(bind: answered)), recording = COALESCE(\(bind: draft.recording), recording)
                WHERE id = \(bind: id) AND ended_at IS NULL
                """
            ).run()
        }
    }

    func closeInterrupted(endedAt: Date) async throws -> [CallRecord] {
        try await gate.run(on: db) {
            let open = try await db.raw(Self.selectColumns + " WHERE c.ended_at IS NULL ORDER BY c.id").all().map(Self.record)
            var closed: [CallRecord] = []
            for var call in open {
                let seconds = CallDurations(startedAt: call.startedAt, answeredAt: call.answeredAt, endedAt: endedAt)
                call.endedAt = endedAt
                call.ringSeconds = seconds.ring
                call.talkSeconds = seconds.talk
                call.disposition = .interrupted
                // Only an answered call has a side that hung up: here, the server stopping.
                call.hangupBy = call.answeredAt == nil ? nil : .system
                call.reason = "server stopped during the call"
                try await db.raw(
                    """
                    UPDATE calls SET ended_at = \(bind: Timestamp.string(endedAt)), ring_seconds = \(bind: seconds.ring), talk_seconds = \(bind: seconds.talk),
                        disposition = \(bind: CallDisposition.interrupted.rawValue), hangup_by = \(bind: call.hangupBy?.rawValue), reason = \(bind: call.reason)
                    WHERE id = \(bind: call.id) AND ended_at IS NULL
                    """
                ).run()
                closed.append(call)
            }
            return closed
        }
    }

    // MARK: reading

    func list(_ query: ListQuery, filter: CallFilter) async throws -> Page<CallRecord> {
        let order: String
        if let column = try query.sortColumn(in: Self.sortable) {
            let direction = query.descending ? "DESC" : "ASC"
            order = "\(column) \(direction), c.id \(direction)"
        } else {
            order = "c.started_at DESC, c.id DESC"  // newest first
        }
        let conditions = Self.conditions(filter)
        let rows = try await read.raw(
            Self.selectColumns + " WHERE " + conditions
                + " ORDER BY \(unsafeRaw: order) LIMIT \(literal: query.pageSize) OFFSET \(literal: query.offset)"
        ).all()
        let total = try await read.raw("SELECT COUNT(*) AS n FROM calls c WHERE " + conditions).first()?.int("n") ?? 0
        return Page(items: try rows.map(Self.record), total: total)
    }

    func get(_ id: Int64, visibility: CustomerVisibility) async throws -> CallRecord? {
        try await read.raw(Self.selectColumns + " WHERE c.id = \(bind: id) AND " + Self.visible(visibility)).first().map(Self.record)
    }

    /// The matching ids first, then the rows by primary key a batch at a
    /// time (as the customer export does): memory stays bounded by the batch.
    func forEach(filter: CallFilter, batch: Int, _ body: ([CallRecord]) async throws -> Void) async throws {
        let collected = SQLCustomerRepository.IDCollector()
        try await read.raw("SELECT c.id FROM calls c WHERE " + Self.conditions(filter) + " ORDER BY c.id").run { row in
            if let id = try? row.decode(column: "id", as: Int64.self) { collected.append(id) }
        }
        let ids = collected.ids
        let size = max(1, batch)
        for start in stride(from: 0, to: ids.count, by: size) {
            let chunk = Array(ids[start..<min(start + size, ids.count)])
            let rows = try await read.raw(Self.selectColumns + " WHERE c.id IN (\(binds: chunk)) ORDER BY c.id").all()
            try await body(try rows.map(Self.record))
        }
    }

    // MARK: SQL pieces

    /// The data scope on the call's agent, as customers apply it to their
    /// owner — without a pool: a call no agent took is seen with `all` only.
    static func visible(_ visibility: CustomerVisibility) -> SQLQueryString {
        switch visibility {
        case .all:
            return "1 = 1"
        case .own(let me):
            return "c.agent_id = \(bind: me)"
        case .departments(let ids, let me):
            guard !ids.isEmpty else { return "c.agent_id = \(bind: me)" }
            return "(c.agent_id = \(bind: me) OR c.agent_id IN (SELECT id FROM users WHERE department_id IN (\(binds: ids.sorted()))))"
        }
    }

    static func conditions(_ filter: CallFilter) -> SQLQueryString {
        var parts: [SQLQueryString] = [visible(filter.visibility)]
        if let number = filter.number, !number.isEmpty {
            let escaped = number.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_")
            let pattern = "%" + escaped + "%"
            parts.append("(c.from_number LIKE \(bind: pattern) ESCAPE '\\' OR c.to_number LIKE \(bind: pattern) ESCAPE '\\')")
        }
        if let direction = filter.direction { parts.append("c.direction = \(bind: direction.rawValue)") }
        if let disposition = filter.disposition { parts.append("c.disposition = \(bind: disposition.rawValue)") }
        // Fixed-width UTC text sorts as time: a range on the started_at index.
        if let from = filter.startedFrom { parts.append("c.started_at >= \(bind: Timestamp.string(from))") }
        if let before = filter.startedBefore { parts.append("c.started_at < \(bind: Timestamp.string(before))") }
        if let ids = filter.ids { parts.append(ids.isEmpty ? "1 = 0" : "c.id IN (\(binds: ids))") }
        if let numbers = filter.numbers {
            parts.append(numbers.isEmpty ? "1 = 0" : "(c.from_number IN (\(binds: numbers)) OR c.to_number IN (\(binds: numbers)))")
        }
        return parts.joined(separator: " AND ")
    }

    static func record(_ row: any SQLRow) throws -> CallRecord {
        var record = CallRecord(
            id: try row.int64("id"), sipCallId: try row.string("sip_call_id"),
            direction: CallDirection(rawValue: try row.string("direction")) ?? .internal,
            from: try row.string("from_number"), to: try row.string("to_number"),
            fromExtension: try row.optionalString("from_extension"), toExtension: try row.optionalString("to_extension"),
            agentId: try row.optionalInt64("agent_id"), queue: try row.optionalString("queue"),
            startedAt: try row.date("started_at"), answeredAt: try row.optionalString("answered_at").map(Timestamp.date),
            endedAt: try row.optionalString("ended_at").map(Timestamp.date),
            ringSeconds: try row.int("ring_seconds"), talkSeconds: try row.int("talk_seconds"),
            disposition: try row.optionalString("disposition").flatMap(CallDisposition.init(rawValue:)),
            hangupBy: try row.optionalString("hangup_by").flatMap(HangupSide.init(rawValue:)),
            reason: try row.optionalString("reason"), recording: try row.optionalString("recording")
        )
        record.transferredTo = try row.optionalString("transferred_to")
        record.legs = CallLegsJSON.decode(try row.optionalString("legs"))
        return record
    }
}

/// A call's legs as stored: a JSON array, written and read with Foundation's
/// coder (once per call, not on a hot path).
enum CallLegsJSON {
    static func encode(_ legs: [CallLegSummary]) -> String? {
        guard !legs.isEmpty, let data = try? encoder.encode(legs) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    static func decode(_ text: String?) -> [CallLegSummary] {
        guard let text, let legs = try? decoder.decode([CallLegSummary].self, from: Data(text.utf8)) else { return [] }
        return legs
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.string(date))
        }
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in Timestamp.date(try decoder.singleValueContainer().decode(String.self)) }
        return decoder
    }()
}
