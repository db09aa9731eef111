import CallCenter
import Foundation
import Hummingbird

/// 通话记录: the call detail records and their recordings (docs/API.md, Calls).
enum CallController {
    static func register(on table: RouteTable, services s: Services, recordings: RecordingFiles) {
        table.add(
            Endpoint(method: .get, path: "/api/v1/calls", access: .permission(Permission.callsView),
                     summary: "Call detail records in the caller's data scope, newest first", tag: "calls",
                     response: .list(of: "CallRecord"), query: Endpoint.listQuery + CallQuery.parameters)
        ) { request, _, caller in
            let query = try request.listQuery()
            var filter = try await s.calls.filter(by: caller.actor)
            try CallQuery.apply(request, to: &filter)
            let page = try await s.calls.list(query, filter: filter)
            return try .json(ListBody(items: page.items.map(CallRecordBody.init), total: page.total))
        }
        table.add(
            Endpoint(method: .get, path: "/api/v1/calls/{id}", access: .permission(Permission.callsView),
                     summary: "One call detail record (404 outside the caller's scope)", tag: "calls", response: .ref("CallRecord"))
        ) { _, context, caller in
            try .json(CallRecordBody(try await s.calls.get(try context.id(), by: caller.actor)))
        }
        table.add(
            Endpoint(method: .get, path: "/api/v1/calls/{id}/recording", access: .permission(Permission.callsRecording),
                     summary: "The call's recording as audio/wav; honours Range (206, 416) so players can seek", tag: "calls",
                     response: .string(format: "binary"), responseContentType: "audio/wav",
                     query: [QueryParameter(name: "download", schema: .string(values: ["true", "false"]), description: "true: as an attachment")])
        ) { request, context, caller in
            let id = try context.id()
            let attachment = try downloadFlag(request)
            let call = try await s.calls.get(id, by: caller.actor)
            let path = try RecordingResponse.file(of: call, in: recordings, logger: context.logger)
            return try RecordingResponse.stream(
                path, range: request.headers[.range], downloadName: RecordingResponse.fileName(of: call, extension: "wav"), attachment: attachment)
        }
    }

    static func downloadFlag(_ request: Request) throws -> Bool {
        guard let text = request.uri.queryParameters["download"].map(String.init), !text.isEmpty else { return false }
        switch text {
        case "true", "1": return true
        case "false", "0": return false
        default: throw APIError.invalidQuery("download", "download is true or false")
        }
    }
}
