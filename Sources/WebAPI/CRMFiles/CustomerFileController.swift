import CallCenter
import Foundation
import Hummingbird
import Spreadsheet

/// 资料管理: import (data packages), export and the template, as files.
enum CustomerFileController {
    static let maxUpload = 64 << 20

    static func register(on table: RouteTable, services s: Services) {
        let importer = CustomerImporter(repos: s.repos, audit: s.audit)
        let slots = ImportSlots()
        table.add(
            Endpoint(method: .get, path: "/api/v1/customers/template.xlsx", access: .permission(Permission.customersImport),
                     summary: "The import template: one column per configured field", tag: "crm",
                     response: .string(format: "binary"), responseContentType: XLSX.contentType)
        ) { _, _, _ in
            let header = CustomerColumns.templateHeader(try await s.repos.customerFields.all())
            let path = temporaryPath("xlsx")
            try XLSXWriter.writeTemplate(path: path, sheetName: "客户", header: header)
            return try fileResponse(path, contentType: XLSX.contentType, downloadName: "customers-template.xlsx")
        }
        table.add(
            Endpoint(method: .get, path: "/api/v1/customers/export.xlsx", access: .permission(Permission.customersExport),
                     summary: "Export the selected (ids=1,2) or all filtered customers in scope as .xlsx", tag: "crm",
                     response: .string(format: "binary"), responseContentType: XLSX.contentType,
                     query: Endpoint.listQuery + [QueryParameter(name: "ids", schema: .string(), description: "Comma-separated customer ids")])
        ) { request, _, caller in
            let fields = try await s.customers.searchFilters(CustomerController.fieldParameters(request))
            let owner = try CustomerController.ownerFilter(request, caller: caller)
            let phone = try CustomerController.phoneFilter(request)
            let ids = try idList(request)
            let q = try request.listQuery().q
            var filter = CustomerFilter(visibility: try await s.customers.visibility(for: caller.actor))
            filter.owner = owner
            filter.phone = phone
            filter.fields = fields
            filter.ids = ids
            let config = try await s.repos.customerFields.all().sorted { $0.order < $1.order }
            let path = temporaryPath("xlsx")
            let writer = try XLSXWriter(path: path, sheetName: "客户")
            try writer.appendHeader(CustomerColumns.exportHeader(config))
            try await s.repos.crm.customers.forEach(filter: filter, q: q, batch: 1000) { batch in
                for customer in batch { try writer.append(CustomerColumns.exportRow(customer, config: config).map(XLSX.cell)) }
            }
            try writer.finish()
            try await s.audit.record("customer.export", target: "customers", detail: "\(writer.rowCount - 1) rows", actor: caller.actor)
            return try fileResponse(path, contentType: XLSX.contentType, downloadName: "customers.xlsx")
        }
        table.add(
            Endpoint(method: .get, path: "/api/v1/customers/backup.zip", access: .permission(Permission.customersExport),
                     summary: "Backup of the customer data in scope: customers, transfer histories, follow-ups and appointments as .xlsx files in a .zip", tag: "crm",
                     response: .string(format: "binary"), responseContentType: "application/zip")
        ) { _, _, caller in
            let parts = try await backup(s: s, caller: caller)
            defer { for part in parts { try? FileManager.default.removeItem(atPath: part.path) } }
            let path = temporaryPath("zip")
            try ZipBundle.write(parts, to: path)
            try await s.audit.record("customer.backup", target: "customers", actor: caller.actor)
            return try fileResponse(path, contentType: "application/zip", downloadName: "customers-backup.zip")
        }
        table.add(
            Endpoint(method: .get, path: "/api/v1/marked-customers/export.xlsx", access: .permission(Permission.markedView),
                     summary: "Export the marked numbers in scope (q filters) as .xlsx", tag: "crm",
                     response: .string(format: "binary"), responseContentType: XLSX.contentType, query: Endpoint.listQuery)
        ) { request, _, caller in
            let q = try request.listQuery().q
            let path = temporaryPath("xlsx")
            let writer = try XLSXWriter(path: path, sheetName: "标记客户")
            try writer.appendHeader(["号码", "姓名", "标记坐席", "通话", "备注", "标记时间"])
            var page = 1
            while true {
                let found = try await s.records.markedNumbers(ListQuery(q: q, page: page, pageSize: ListQuery.maxPageSize), by: caller.actor)
                for m in found.items {
                    try writer.append([
                        XLSX.cell(m.number), XLSX.cell(m.name), XLSX.cell(m.userName ?? ""), XLSX.cell(m.callId.map(String.init) ?? ""),
                        XLSX.cell(m.note), XLSX.cell(RFC3339.string(m.markedAt)),
                    ])
                }
                if found.items.count < ListQuery.maxPageSize { break }
                page += 1
            }
            try writer.finish()
            try await s.audit.record("marked.export", target: "marked", detail: "\(writer.rowCount - 1) rows", actor: caller.actor)
            return try fileResponse(path, contentType: XLSX.contentType, downloadName: "marked-customers.xlsx")
        }
        table.add(
            Endpoint(method: .post, path: "/api/v1/customers/import", access: .permission(Permission.customersImport),
                     summary: "Import customers from .xlsx or .csv (UTF-8 or GBK): a data package with per-row results", tag: "crm",
                     request: .object([("file", .string(format: "binary")), ("dedupe", .string(values: ["true", "false"]))], required: ["file"]),
                     requestContentTypes: ["multipart/form-data"], response: .ref("DataPackage"), status: 201)
        ) { request, _, caller in
            let user = caller.actor.principal.userId
            switch slots.take(for: user) {
            case .yoursIsRunning?:
                throw APIError(.tooManyRequests, code: "import_busy", message: "Your previous import is still running; wait for it to finish (资料管理 shows its progress).")
            case .serverBusy?:
                throw APIError(.tooManyRequests, code: "import_busy", message: "\(slots.total) imports are running; try again when one has finished.")
            case nil:
                break
            }
            var handedOver = false
            defer { if !handedOver { slots.release(for: user) } }
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: maxUpload)
            } catch let error as HTTPError where error.status == .contentTooLarge {
                throw APIError(.contentTooLarge, code: "payload_too_large", message: "An import file may be at most 64 MiB; split it")
            }
            let form: MultipartForm
            do {
                form = try MultipartForm(body: Array(body.readableBytesView), contentType: request.headers[.contentType] ?? "")
            } catch {
                throw APIError(.badRequest, code: "invalid_field", message: "\(error)", field: "file")
            }
            guard let file = form.part("file"), !file.body.isEmpty else {
                throw APIError(.badRequest, code: "missing_field", message: "Attach the .xlsx or .csv file as “file”", field: "file")
            }
            let dedupeText = form.part("dedupe")?.text.trimmingCharacters(in: .whitespaces).lowercased() ?? "false"
            guard dedupeText == "true" || dedupeText == "false" else {
                throw APIError(.badRequest, code: "invalid_field", message: "dedupe is true or false", field: "dedupe")
            }
            let fileName = file.fileName ?? "import"
            let isZip = file.body.starts(with: [0x50, 0x4B, 0x03, 0x04])
            let format: RowPump.Format = isZip || fileName.lowercased().hasSuffix(".xlsx") ? .xlsx : .csv
            let path = temporaryPath(format == .xlsx ? "xlsx" : "csv")
            guard FileManager.default.createFile(atPath: path, contents: Data(file.body)) else {
                throw APIError(.serviceUnavailable, code: "unavailable", message: "Could not store the upload")
            }
            let package = try await importer.start(fileName: fileName, by: caller.actor)
            let actor = caller.actor
            handedOver = true
            let work = Task {
                defer {
                    try? FileManager.default.removeItem(atPath: path)
                    slots.release(for: user)
                }
                return await importer.run(RowPump.rows(of: path, format: format), into: package, dedupe: dedupeText == "true", by: actor)
            }
            // Small files finish while the request waits; big ones go on and report progress in the package.
            _ = await waitBriefly(for: work, seconds: 2)
            return try .json(DataPackageBody(try await importer.package(package.id, by: caller.actor)), status: .created)
        }
        table.add(
            Endpoint(method: .get, path: "/api/v1/data-packages", access: .permission(Permission.customersImport),
                     summary: "Imports (资料包) with their counts", tag: "crm", response: .list(of: "DataPackage"), query: Endpoint.listQuery)
        ) { request, _, caller in
            let page = try await importer.packages(try request.listQuery(), by: caller.actor)
            return try .json(ListBody(items: page.items.map(DataPackageBody.init), total: page.total))
        }
        table.add(
            Endpoint(method: .get, path: "/api/v1/data-packages/{id}", access: .permission(Permission.customersImport),
                     summary: "One import with its counts and status", tag: "crm", response: .ref("DataPackage"))
        ) { _, context, caller in
            try .json(DataPackageBody(try await importer.package(try context.id(), by: caller.actor)))
        }
        table.add(
            Endpoint(method: .get, path: "/api/v1/data-packages/{id}/rows", access: .permission(Permission.customersImport),
                     summary: "What became of each row of an import", tag: "crm", response: .list(of: "PackageRow"),
                     query: Endpoint.listQuery + [QueryParameter(name: "result", schema: .string(values: PackageRow.Result.allCases.map(\.rawValue)), description: "Only rows with this result")])
        ) { request, context, caller in
            let id = try context.id()
            var result: PackageRow.Result?
            if let text = request.uri.queryParameters["result"].map(String.init), !text.isEmpty {
                guard let parsed = PackageRow.Result(rawValue: text) else { throw APIError.invalidQuery("result", "result is imported, duplicate, blacklisted or invalid") }
                result = parsed
            }
            let page = try await importer.rows(of: id, result: result, query: try request.listQuery(), by: caller.actor)
            return try .json(ListBody(items: page.items.map(PackageRowBody.init), total: page.total))
        }
    }

    /// The workbooks of a backup (customers, their transfer histories,
    /// follow-ups, appointments), written to temporary files.
    static func backup(s: Services, caller: Caller) async throws -> [(name: String, path: String)] {
        var parts: [(name: String, path: String)] = []
        do {
            let config = try await s.repos.customerFields.all().sorted { $0.order < $1.order }
            let customers = temporaryPath("xlsx")
            parts.append(("customers.xlsx", customers))
            let customerSheet = try XLSXWriter(path: customers, sheetName: "客户")
            try customerSheet.appendHeader(["编号"] + CustomerColumns.exportHeader(config))
            let transfers = temporaryPath("xlsx")
            parts.append(("transfers.xlsx", transfers))
            let transferSheet = try XLSXWriter(path: transfers, sheetName: "转移明细")
            try transferSheet.appendHeader(["客户编号", "转出", "转入", "操作人", "时间"])
            let filter = CustomerFilter(visibility: try await s.customers.visibility(for: caller.actor))
            try await s.repos.crm.customers.forEach(filter: filter, q: nil, batch: 1000) { batch in
                for customer in batch {
                    try customerSheet.append([.number(Double(customer.id))] + CustomerColumns.exportRow(customer, config: config).map(XLSX.cell))
                }
                // The same customers' transfer histories (转移明细), a batch at a time.
                for t in try await s.repos.crm.customers.transfers(ofCustomers: batch.map(\.id)) {
                    try transferSheet.append([
                        .number(Double(t.customerId)), XLSX.cell(t.fromName ?? (t.fromUserId == nil ? "公共池" : "")),
                        XLSX.cell(t.toName ?? (t.toUserId == nil ? "公共池" : "")), XLSX.cell(t.byName ?? ""), XLSX.cell(RFC3339.string(t.at)),
                    ])
                }
            }
            try customerSheet.finish()
            try transferSheet.finish()

            let followUps = temporaryPath("xlsx")
            parts.append(("follow-ups.xlsx", followUps))
            let followUpSheet = try XLSXWriter(path: followUps, sheetName: "跟进记录")
            try followUpSheet.appendHeader(["客户编号", "客户", "状态", "内容", "下次跟进", "坐席", "时间"])
            var page = 1
            while true {
                let found = try await s.records.followUps(ListQuery(page: page, pageSize: ListQuery.maxPageSize), customerId: nil, by: caller.actor)
                for f in found.items {
                    try followUpSheet.append([
                        .number(Double(f.customerId)), XLSX.cell(f.customerName ?? ""), XLSX.cell(f.statusName ?? ""), XLSX.cell(f.content),
                        XLSX.cell(f.nextAt.map(RFC3339.string) ?? ""), XLSX.cell(f.userName ?? ""), XLSX.cell(RFC3339.string(f.createdAt)),
                    ])
                }
                if found.items.count < ListQuery.maxPageSize { break }
                page += 1
            }
            try followUpSheet.finish()

            let appointments = temporaryPath("xlsx")
            parts.append(("appointments.xlsx", appointments))
            let appointmentSheet = try XLSXWriter(path: appointments, sheetName: "预约登记")
            try appointmentSheet.appendHeader(["客户编号", "客户", "预约时间", "备注", "已完成", "坐席", "登记时间"])
            page = 1
            while true {
                let found = try await s.records.appointments(
                    ListQuery(page: page, pageSize: ListQuery.maxPageSize), customerId: nil, dueOnly: false, by: caller.actor)
                for a in found.items {
                    try appointmentSheet.append([
                        .number(Double(a.customerId)), XLSX.cell(a.customerName ?? ""), XLSX.cell(RFC3339.string(a.at)), XLSX.cell(a.note),
                        XLSX.cell(a.done ? "是" : "否"), XLSX.cell(a.userName ?? ""), XLSX.cell(RFC3339.string(a.createdAt)),
                    ])
                }
                if found.items.count < ListQuery.maxPageSize { break }
                page += 1
            }
            try appointmentSheet.finish()
            return parts
        } catch {
            for part in parts { try? FileManager.default.removeItem(atPath: part.path) }
            throw error
        }
    }

    static func idList(_ request: Request) throws -> [Int64]? {
        guard let text = request.uri.queryParameters["ids"].map(String.init), !text.isEmpty else { return nil }
        let parts = text.split(separator: ",")
        guard parts.count <= 10_000 else { throw APIError.invalidQuery("ids", "at most 10,000 ids") }
        return try parts.map { part in
            guard let id = Int64(part.trimmingCharacters(in: .whitespaces)), id > 0 else { throw APIError.invalidQuery("ids", "ids are positive integers separated by commas") }
            return id
        }
    }

    static func temporaryPath(_ ext: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("hotline-\(UUID().uuidString).\(ext)").path
    }

    /// Streams a file we wrote, then deletes it.
    static func fileResponse(_ path: String, contentType: String, downloadName: String) throws -> Response {
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        let body = ResponseBody(contentLength: size) { writer in
            defer { try? FileManager.default.removeItem(atPath: path) }
            guard let handle = FileHandle(forReadingAtPath: path) else { throw APIError(.notFound, code: "not_found", message: "The file is gone") }
            defer { try? handle.close() }
            while let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty {
                try await writer.write(ByteBuffer(bytes: chunk))
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: contentType, .cacheControl: "no-store",
                .contentDisposition: "attachment; filename=\"\(downloadName)\"",
            ],
            body: body
        )
    }

    static func waitBriefly(for work: Task<DataPackage, Never>, seconds: Double) async -> DataPackage? {
        let done = Flag()
        Task {
            _ = await work.value
            done.set()
        }
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if done.isSet { return await work.value }
            try? await Task.sleep(for: .milliseconds(25))
        }
        return nil
    }
}

enum XLSX {
    static let contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    static func cell(_ text: String) -> Cell { text.isEmpty ? .empty : .text(text) }
}

struct DataPackageBody: NullKeepingEncodable {
    let id: Int64, name: String, fileName: String, createdBy: Int64?, createdByName: String?, createdAt: Date
    let status: String, total: Int, imported: Int, duplicates: Int, blacklisted: Int, invalid: Int, message: String

    init(_ p: DataPackage) {
        id = p.id
        name = p.name
        fileName = p.fileName
        createdBy = p.createdBy
        createdByName = p.createdByName
        createdAt = p.createdAt
        status = p.status.rawValue
        total = p.total
        imported = p.imported
        duplicates = p.duplicates
        blacklisted = p.blacklisted
        invalid = p.invalid
        message = p.message
    }

    static let schema: Schema = .object([
        ("id", .integer), ("name", .string()), ("fileName", .string()), ("createdBy", .nullable(.integer)), ("createdByName", .nullable(.string())),
        ("createdAt", .string(format: "date-time")), ("status", .string(values: ["running", "done", "failed"])), ("total", .integer),
        ("imported", .integer), ("duplicates", .integer), ("blacklisted", .integer), ("invalid", .integer), ("message", .string()),
    ])
}

struct PackageRowBody: NullKeepingEncodable {
    let row: Int, result: String, reason: String, reasonCode: String?, reasonArgs: [String: String]?, customerId: Int64?
    let values: [String: String]

    init(_ r: PackageRow) {
        row = r.row
        result = r.result.rawValue
        reason = r.reason
        reasonCode = r.reasonCode?.key
        reasonArgs = r.reasonCode?.args
        customerId = r.customerId
        values = r.values
    }

    static let schema: Schema = .object([
        ("row", .integer), ("result", .string(values: PackageRow.Result.allCases.map(\.rawValue))), ("reason", .string()),
        ("reasonCode", .nullable(.string())), ("reasonArgs", .nullable(.map(.string()))),
        ("customerId", .nullable(.integer)), ("values", .map(.string())),
    ])
}
