import CallCenter
import Foundation

/// A call detail record on the wire (CONTRACT.md `/api/v1/calls`). Every
/// key is present; `recording` says whether there is one and
/// `recordingUrl` where to fetch it.
struct CallRecordBody: Encodable {
    let call: CallRecord

    init(_ call: CallRecord) { self.call = call }

    enum Keys: String, CodingKey {
        case id, direction, from, to, fromExtension, toExtension, agentId, queue, startedAt, answeredAt, endedAt
        case ringSeconds, talkSeconds, disposition, hangupBy, reason, recording, recordingUrl, transferredTo, legs
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(call.id, forKey: .id)
        try c.encode(call.direction.rawValue, forKey: .direction)
        try c.encode(call.from, forKey: .from)
        try c.encode(call.to, forKey: .to)
        try c.encode(call.fromExtension, forKey: .fromExtension)
        try c.encode(call.toExtension, forKey: .toExtension)
        try c.encode(call.agentId, forKey: .agentId)
        try c.encode(call.queue, forKey: .queue)
        try c.encode(call.startedAt, forKey: .startedAt)
        try c.encode(call.answeredAt, forKey: .answeredAt)
        try c.encode(call.endedAt, forKey: .endedAt)
        try c.encode(call.ringSeconds, forKey: .ringSeconds)
        try c.encode(call.talkSeconds, forKey: .talkSeconds)
        try c.encode(call.disposition?.rawValue, forKey: .disposition)
        try c.encode(call.hangupBy?.rawValue, forKey: .hangupBy)
        try c.encode(call.reason, forKey: .reason)
        try c.encode(call.recording != nil, forKey: .recording)
        try c.encode(call.recording == nil ? nil : "/api/v1/calls/\(call.id)/recording", forKey: .recordingUrl)
        try c.encode(call.transferredTo, forKey: .transferredTo)
        try c.encode(call.legs, forKey: .legs)
    }

    static let schema: Schema = .object(
        [
            ("id", .integer), ("direction", .string(values: CallDirection.allCases.map(\.rawValue))), ("from", .string()), ("to", .string()),
            ("fromExtension", .nullable(.string())), ("toExtension", .nullable(.string())), ("agentId", .nullable(.integer)),
            ("queue", .nullable(.string())), ("startedAt", .string(format: "date-time")), ("answeredAt", .nullable(.string(format: "date-time"))),
            ("endedAt", .nullable(.string(format: "date-time"))), ("ringSeconds", .integer), ("talkSeconds", .integer),
            ("disposition", .nullable(.string(values: CallDisposition.allCases.map(\.rawValue)))),
            ("hangupBy", .nullable(.string(values: HangupSide.allCases.map(\.rawValue)))), ("reason", .nullable(.string())),
            ("recording", .boolean), ("recordingUrl", .nullable(.string())), ("transferredTo", .nullable(.string())),
            ("legs", .array(.object(
                [("number", .string()), ("role", .string(values: ["caller", "callee", "transfer"])),
                 ("answeredAt", .nullable(.string(format: "date-time"))), ("endedAt", .nullable(.string(format: "date-time")))],
                required: ["number", "role", "answeredAt", "endedAt"]))),
        ],
        required: [
            "id", "direction", "from", "to", "fromExtension", "toExtension", "agentId", "queue", "startedAt", "answeredAt", "endedAt",
            "ringSeconds", "talkSeconds", "disposition", "hangupBy", "reason", "recording", "recordingUrl", "transferredTo", "legs",
        ]
    )
}
