import CallCenter
import Foundation
import Hummingbird
import Logging
import Spreadsheet

/// 通话记录 as files: the filtered list as .xlsx, selected recordings as .zip.
/// Both write a temporary file and stream it, as the customer export does.
enum CallFileController {
    /// Recordings in one .zip at most (a page of the list is up to 100 rows).
    static let maxRecordingsPerZip = 500

    static func register(on table: RouteTable, services s: Services, recordings: RecordingFiles) {
        table.add(
            Endpoint(method: .get, path: "/api/v1/calls/export.xlsx", access: .permission(Permission.callsExport),
                     summary: "Export the selected (ids=1,2) or all filtered calls in scope as .xlsx", tag: "calls",
                     response: .string(format: "binary"), responseContentType: XLSX.contentType,
                     query: CallQuery.parameters + [CallQuery.idsParameter])
        ) { request, _, caller in
            var filter = try await s.calls.filter(by: caller.actor)
            try CallQuery.apply(request, to: &filter)
            let path = CustomerFileController.temporaryPath("xlsx")
            let writer = try XLSXWriter(path: path, sheetName: "通话记录")
            do {
                try writer.appendHeader(CallColumns.header)
                try await s.repos.calls.forEach(filter: filter, batch: 1000) { batch in
                    for call in batch { try writer.append(CallColumns.row(call)) }
                }
                try writer.finish()
            } catch {
                try? FileManager.default.removeItem(atPath: path)
                throw error
            }
            try await s.audit.record("call.export", target: "calls", detail: "\(writer.rowCount - 1) rows", actor: caller.actor)
            return try CustomerFileController.fileResponse(path, contentType: XLSX.contentType, downloadName: "calls.xlsx")
        }
        table.add(
            Endpoint(method: .get, path: "/api/v1/calls/recordings.zip", access: .permission(Permission.callsRecording),
                     summary: "The recordings of the selected calls in scope (ids=1,2) as one .zip", tag: "calls",
                     response: .string(format: "binary"), responseContentType: "application/zip", query: [CallQuery.idsParameter])
        ) { request, context, caller in
            guard let ids = try CustomerFileController.idList(request) else {
                throw APIError.invalidQuery("ids", "choose the calls: ids=1,2,3")
            }
            guard ids.count <= maxRecordingsPerZip else {
                throw APIError.invalidQuery("ids", "at most \(maxRecordingsPerZip) recordings at once")
            }
            var filter = try await s.calls.filter(by: caller.actor)
            filter.ids = ids
            var chosen: [(folder: String?, call: CallRecord)] = []
            try await s.repos.calls.forEach(filter: filter, batch: 500) { batch in chosen += batch.map { (nil, $0) } }
            let path = try await RecordingBundle.zip(chosen, recordings: recordings, logger: context.logger)
            try await s.audit.record(
                "call.recordings", target: "calls", detail: "recordings of calls \(chosen.map { String($0.call.id) }.joined(separator: ","))",
                actor: caller.actor)
            return try CustomerFileController.fileResponse(path, contentType: "application/zip", downloadName: "call-recordings.zip")
        }
        table.add(
            Endpoint(method: .get, path: "/api/v1/customers/recordings.zip", access: .permission(Permission.callsRecording),
                     summary: "The recordings of the selected customers' calls (ids=1,2), one folder per customer; customers and calls both in scope",
                     tag: "customers", response: .string(format: "binary"), responseContentType: "application/zip",
                     query: [CallQuery.idsParameter])
        ) { request, context, caller in
            guard let ids = try CustomerFileController.idList(request) else {
                throw APIError.invalidQuery("ids", "choose the customers: ids=1,2,3")
            }
            guard ids.count <= maxRecordingsPerZip else {
                throw APIError.invalidQuery("ids", "at most \(maxRecordingsPerZip) customers at once")
            }
            var customerFilter = CustomerFilter(visibility: try await s.customers.visibility(for: caller.actor))
            customerFilter.ids = ids
            var customers: [Customer] = []
            try await s.repos.crm.customers.forEach(filter: customerFilter, q: nil, batch: 500) { customers += $0 }
            let callScope = try await s.calls.filter(by: caller.actor)
            var chosen: [(folder: String?, call: CallRecord)] = []
            for customer in customers {
                var filter = callScope
                filter.numbers = customer.normalizedNumbers
                let folder = "\(customer.id)_" + String(customer.name.filter { !"/\\:*?\"<>|".contains($0) }.prefix(40))
                try await s.repos.calls.forEach(filter: filter, batch: 500) { batch in
                    chosen += batch.filter { $0.recording != nil }.prefix(maxRecordingsPerZip - chosen.count).map { (folder, $0) }
                }
                if chosen.count >= maxRecordingsPerZip { break }
            }
            let path = try await RecordingBundle.zip(chosen, recordings: recordings, logger: context.logger)
            try await s.audit.record(
                "customer.recordings", target: "customers", detail: "recordings of customers \(customers.map { String($0.id) }.joined(separator: ","))",
                actor: caller.actor)
            return try CustomerFileController.fileResponse(path, contentType: "application/zip", downloadName: "customer-recordings.zip")
        }
    }
}

/// Recordings gathered into one .zip (the calls' own, or a customer's).
enum RecordingBundle {
    /// Writes the recordings of `calls` (each in `folder` when given) to a
    /// temporary .zip and returns its path; a missing file is named in
    /// `missing.txt` rather than left out silently.
    static func zip(_ calls: [(folder: String?, call: CallRecord)], recordings: RecordingFiles, logger: Logger) async throws -> String {
        var parts: [(name: String, path: String)] = []
        var missing: [String] = []
        for (folder, call) in calls where call.recording != nil {
            do {
                let path = try RecordingResponse.file(of: call, in: recordings, logger: logger)
                let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
                let name = RecordingResponse.fileName(of: call, extension: ext.isEmpty ? "wav" : ext)
                parts.append((folder.map { $0 + "/" + name } ?? name, path))
            } catch {
                missing.append(String(call.id))
            }
        }
        guard !parts.isEmpty else {
            if missing.isEmpty { throw APIError(.notFound, code: "no_recording", message: "None of the chosen calls has a recording") }
            throw APIError(.notFound, code: "recording_missing", message: "The chosen calls' recording files are missing")
        }
        var note: String?
        if !missing.isEmpty {
            let notePath = CustomerFileController.temporaryPath("txt")
            try Data(("Recordings missing for calls: " + missing.joined(separator: ", ") + "\n").utf8).write(to: URL(fileURLWithPath: notePath))
            parts.append(("missing.txt", notePath))
            note = notePath
        }
        defer { if let note { try? FileManager.default.removeItem(atPath: note) } }
        let path = CustomerFileController.temporaryPath("zip")
        do {
            try ZipBundle.write(parts, to: path)
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        return path
    }
}

/// The columns of the calls export: Chinese headers and labels, as the
/// other exports.
enum CallColumns {
    static let header = [
        "编号", "开始时间", "方向", "主叫号码", "被叫号码", "主叫分机", "被叫分机", "坐席编号", "队列",
        "接听时间", "结束时间", "振铃秒数", "通话秒数", "结果", "挂机方", "原因", "录音",
    ]

    static func row(_ c: CallRecord) -> [Cell] {
        [
            .number(Double(c.id)), XLSX.cell(RFC3339.string(c.startedAt)), XLSX.cell(label(c.direction)), XLSX.cell(c.from), XLSX.cell(c.to),
            XLSX.cell(c.fromExtension ?? ""), XLSX.cell(c.toExtension ?? ""), c.agentId.map { .number(Double($0)) } ?? .empty,
            XLSX.cell(c.queue ?? ""), XLSX.cell(c.answeredAt.map(RFC3339.string) ?? ""), XLSX.cell(c.endedAt.map(RFC3339.string) ?? ""),
            .number(Double(c.ringSeconds)), .number(Double(c.talkSeconds)), XLSX.cell(c.disposition.map(label) ?? "进行中"),
            XLSX.cell(c.hangupBy.map(label) ?? ""), XLSX.cell(c.reason ?? ""), XLSX.cell(c.recording == nil ? "否" : "是"),
        ]
    }

    static func label(_ d: CallDirection) -> String {
        switch d {
        case .internal: "内部"
        case .inbound: "呼入"
        case .outbound: "呼出"
        }
    }

    static func label(_ d: CallDisposition) -> String {
        switch d {
        case .answered: "已接听"
        case .busy: "忙线"
        case .noAnswer: "无人接听"
        case .cancelled: "主叫取消"
        case .unavailable: "不可达"
        case .notFound: "空号"
        case .failed: "失败"
        case .interrupted: "中断"
        }
    }

    static func label(_ h: HangupSide) -> String {
        switch h {
        case .caller: "主叫"
        case .callee: "被叫"
        case .system: "系统"
        }
    }
}
