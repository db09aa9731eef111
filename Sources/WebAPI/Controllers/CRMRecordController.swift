import CallCenter
import Foundation
import Hummingbird

/// 跟进记录, 预约登记, 标记客户, 黑名单 (docs/CRM-API.md).
enum CRMRecordController {
    static func register(on table: RouteTable, services s: Services) {
        registerFollowUps(on: table, s)
        registerAppointments(on: table, s)
        registerMarked(on: table, s)
        registerBlacklist(on: table, s)
    }

    static let customerIdQuery = QueryParameter(name: "customerId", schema: .integer, description: "Only this customer's records")

    private static func registerFollowUps(on table: RouteTable, _ s: Services) {
        let p = Permission.followUps
        table.add(
            Endpoint(method: .get, path: "/api/v1/follow-ups", access: .permission(p.permission(.view)), summary: "Follow-up records",
                     tag: "crm", response: .list(of: "FollowUp"), query: Endpoint.listQuery + [customerIdQuery])
        ) { request, _, caller in
            let page = try await s.records.followUps(try request.listQuery(), customerId: try request.optionalIntQuery("customerId"), by: caller.actor)
            return try .json(ListBody(items: page.items.map(FollowUpBody.init), total: page.total))
        }
        table.add(
            Endpoint(method: .post, path: "/api/v1/follow-ups", access: .permission(p.permission(.create)), summary: "Add a follow-up record",
                     tag: "crm", request: FollowUpInputBody.schema, response: .ref("FollowUp"), status: 201)
        ) { request, context, caller in
            let body = try await JSONCoding.decode(FollowUpInputBody.self, from: request, context: context)
            return try .json(FollowUpBody(try await s.records.createFollowUp(body.input, by: caller.actor)), status: .created)
        }
        table.add(
            Endpoint(method: .get, path: "/api/v1/follow-ups/{id}", access: .permission(p.permission(.view)), summary: "One follow-up record",
                     tag: "crm", response: .ref("FollowUp"))
        ) { _, context, caller in
            try .json(FollowUpBody(try await s.records.followUp(try context.id(), by: caller.actor)))
        }
        for method in [HTTPRequest.Method.put, .patch] {
            table.add(
                Endpoint(method: method, path: "/api/v1/follow-ups/{id}", access: .permission(p.permission(.update)), summary: "Change a follow-up record",
                         tag: "crm", request: FollowUpInputBody.schema, response: .ref("FollowUp"))
            ) { request, context, caller in
                let id = try context.id()
                let body = try await JSONCoding.decode(FollowUpInputBody.self, from: request, context: context)
                return try .json(FollowUpBody(try await s.records.updateFollowUp(id, body.input, by: caller.actor)))
            }
        }
        table.add(
            Endpoint(method: .delete, path: "/api/v1/follow-ups/{id}", access: .permission(p.permission(.delete)), summary: "Delete a follow-up record",
                     tag: "crm", status: 204)
        ) { _, context, caller in
            try await s.records.deleteFollowUp(try context.id(), by: caller.actor)
            return .noContent
        }
    }

    private static func registerAppointments(on table: RouteTable, _ s: Services) {
        let p = Permission.appointments
        table.add(
            Endpoint(method: .get, path: "/api/v1/appointments", access: .permission(p.permission(.view)), summary: "Appointments (预约登记)",
                     tag: "crm", response: .list(of: "Appointment"),
                     query: Endpoint.listQuery + [customerIdQuery, QueryParameter(name: "due", schema: .boolean, description: "true: only due and overdue, not done")])
        ) { request, _, caller in
            let due = request.uri.queryParameters["due"].map(String.init)
            guard due == nil || due == "true" || due == "false" else { throw APIError.invalidQuery("due", "due is true or false") }
            let page = try await s.records.appointments(
                try request.listQuery(), customerId: try request.optionalIntQuery("customerId"), dueOnly: due == "true", by: caller.actor)
            let now = Date()
            return try .json(ListBody(items: page.items.map { AppointmentBody($0, now: now) }, total: page.total))
        }
        table.add(
            Endpoint(method: .post, path: "/api/v1/appointments", access: .permission(p.permission(.create)), summary: "Book a callback",
                     tag: "crm", request: AppointmentInputBody.schema, response: .ref("Appointment"), status: 201)
        ) { request, context, caller in
            let body = try await JSONCoding.decode(AppointmentInputBody.self, from: request, context: context)
            return try .json(AppointmentBody(try await s.records.createAppointment(body.input, by: caller.actor), now: Date()), status: .created)
        }
        table.add(
            Endpoint(method: .get, path: "/api/v1/appointments/{id}", access: .permission(p.permission(.view)), summary: "One appointment",
                     tag: "crm", response: .ref("Appointment"))
        ) { _, context, caller in
            try .json(AppointmentBody(try await s.records.appointment(try context.id(), by: caller.actor), now: Date()))
        }
        for method in [HTTPRequest.Method.put, .patch] {
            table.add(
                Endpoint(method: method, path: "/api/v1/appointments/{id}", access: .permission(p.permission(.update)),
                         summary: "Change an appointment or mark it done", tag: "crm", request: AppointmentInputBody.schema, response: .ref("Appointment"))
            ) { request, context, caller in
                let id = try context.id()
                let body = try await JSONCoding.decode(AppointmentInputBody.self, from: request, context: context)
                return try .json(AppointmentBody(try await s.records.updateAppointment(id, body.input, by: caller.actor), now: Date()))
            }
        }
        table.add(
            Endpoint(method: .delete, path: "/api/v1/appointments/{id}", access: .permission(p.permission(.delete)), summary: "Delete an appointment",
                     tag: "crm", status: 204)
        ) { _, context, caller in
            try await s.records.deleteAppointment(try context.id(), by: caller.actor)
            return .noContent
        }
    }

    private static func registerMarked(on table: RouteTable, _ s: Services) {
        table.add(
            Endpoint(method: .get, path: "/api/v1/marked-customers", access: .permission(Permission.markedView),
                     summary: "Numbers marked with *83 (标记客户)", tag: "crm", response: .list(of: "MarkedCustomer"), query: Endpoint.listQuery)
        ) { request, _, caller in
            let page = try await s.records.markedNumbers(try request.listQuery(), by: caller.actor)
            return try .json(ListBody(items: page.items.map(MarkedBody.init), total: page.total))
        }
        table.add(
            Endpoint(method: .delete, path: "/api/v1/marked-customers/{id}", access: .permission(Permission.markedDelete),
                     summary: "Remove a marked number", tag: "crm", status: 204)
        ) { _, context, caller in
            try await s.records.deleteMarked(try context.id(), by: caller.actor)
            return .noContent
        }
    }

    private static func registerBlacklist(on table: RouteTable, _ s: Services) {
        let p = Permission.blacklist
        table.add(
            Endpoint(method: .get, path: "/api/v1/blacklist", access: .permission(p.permission(.view)), summary: "Blacklisted numbers and prefixes",
                     tag: "crm", response: .list(of: "BlacklistEntry"), query: Endpoint.listQuery)
        ) { request, _, _ in
            let page = try await s.records.blacklist(try request.listQuery())
            return try .json(ListBody(items: page.items.map(BlacklistBody.init), total: page.total))
        }
        table.add(
            Endpoint(method: .post, path: "/api/v1/blacklist", access: .permission(p.permission(.create)), summary: "Blacklist a number or prefix",
                     tag: "crm", request: BlacklistInputBody.schema, response: .ref("BlacklistEntry"), status: 201)
        ) { request, context, caller in
            let body = try await JSONCoding.decode(BlacklistInputBody.self, from: request, context: context)
            return try .json(BlacklistBody(try await s.records.addToBlacklist(pattern: body.pattern, note: body.note, by: caller.actor)), status: .created)
        }
        for method in [HTTPRequest.Method.put, .patch] {
            table.add(
                Endpoint(method: method, path: "/api/v1/blacklist/{id}", access: .permission(p.permission(.update)), summary: "Change a blacklist entry",
                         tag: "crm", request: BlacklistInputBody.schema, response: .ref("BlacklistEntry"))
            ) { request, context, caller in
                let id = try context.id()
                let body = try await JSONCoding.decode(BlacklistInputBody.self, from: request, context: context)
                return try .json(BlacklistBody(try await s.records.updateBlacklist(id, pattern: body.pattern, note: body.note, by: caller.actor)))
            }
        }
        table.add(
            Endpoint(method: .delete, path: "/api/v1/blacklist/{id}", access: .permission(p.permission(.delete)), summary: "Remove a blacklist entry",
                     tag: "crm", status: 204)
        ) { _, context, caller in
            let id = try context.id()
            guard try await s.records.removeFromBlacklist([id], by: caller.actor) == 1 else { throw DomainError.notFound("blacklist entry") }
            return .noContent
        }
        table.add(
            Endpoint(method: .post, path: "/api/v1/blacklist/bulk-delete", access: .permission(p.permission(.delete)),
                     summary: "Remove several blacklist entries", tag: "crm", request: IdsBody.schema,
                     response: .object([("deleted", .integer)], required: ["deleted"]))
        ) { request, context, caller in
            let body = try await JSONCoding.decode(IdsBody.self, from: request, context: context)
            guard !body.ids.isEmpty, body.ids.count <= 10_000 else { throw DomainError.invalid("ids", "send 1 to 10,000 ids") }
            return try .json(CountBody(count: try await s.records.removeFromBlacklist(body.ids, by: caller.actor), key: "deleted"))
        }
    }
}
