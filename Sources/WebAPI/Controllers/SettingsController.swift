import CallCenter
import Hummingbird

/// 数据配置: customer field configuration and follow-up statuses.
enum SettingsController {
    static func register(on table: RouteTable, services s: Services) {
        let f = Permission.customerFields
        table.add(
            Endpoint(method: .get, path: "/api/v1/customer-fields", access: .anyPermission(f.permission(.view), also: [Permission.customers.permission(.view)]), summary: "Customer field configuration, in order",
                     tag: "settings", response: .list(of: "CustomerField"), query: Endpoint.listQuery)
        ) { request, _, _ in
            let query = try request.listQuery()
            var items = try await s.settings.fields()
            if let q = query.q?.lowercased() { items = items.filter { $0.key.contains(q) || $0.label.lowercased().contains(q) } }
            let page = try query.page(items, sortable: [
                "order": { $0.order < $1.order }, "key": { $0.key < $1.key }, "label": { $0.label < $1.label }, "type": { $0.type.rawValue < $1.type.rawValue },
            ])
            return try .json(ListBody(items: page.items, total: page.total))
        }
        table.add(
            Endpoint(method: .post, path: "/api/v1/customer-fields", access: .permission(f.permission(.create)), summary: "Add a customer field", tag: "settings",
                     request: CustomerFieldInputBody.schema, response: .ref("CustomerField"), status: 201)
        ) { request, context, caller in
            let body = try await JSONCoding.decode(CustomerFieldInputBody.self, from: request, context: context)
            return try .json(try await s.settings.createField(body.input, by: caller.actor), status: .created)
        }
        table.add(
            Endpoint(method: .get, path: "/api/v1/customer-fields/{id}", access: .permission(f.permission(.view)), summary: "One customer field", tag: "settings", response: .ref("CustomerField"))
        ) { _, context, _ in
            try .json(try await s.settings.field(try context.id()))
        }
        for method in [HTTPRequest.Method.put, .patch] {
            table.add(
                Endpoint(method: method, path: "/api/v1/customer-fields/{id}", access: .permission(f.permission(.update)), summary: "Change a customer field (the key is fixed)",
                         tag: "settings", request: CustomerFieldInputBody.schema, response: .ref("CustomerField"))
            ) { request, context, caller in
                let id = try context.id()
                let body = try await JSONCoding.decode(CustomerFieldInputBody.self, from: request, context: context)
                return try .json(try await s.settings.updateField(id, body.input, by: caller.actor))
            }
        }
        table.add(
            Endpoint(method: .delete, path: "/api/v1/customer-fields/{id}", access: .permission(f.permission(.delete)), summary: "Remove a customer field", tag: "settings", status: 204)
        ) { _, context, caller in
            try await s.settings.deleteField(try context.id(), by: caller.actor)
            return .noContent
        }

        let st = Permission.followUpStatuses
        table.add(
            Endpoint(method: .get, path: "/api/v1/follow-up-statuses", access: .anyPermission(st.permission(.view), also: [Permission.followUps.permission(.view)]), summary: "Follow-up statuses, in order",
                     tag: "settings", response: .list(of: "FollowUpStatus"), query: Endpoint.listQuery)
        ) { request, _, _ in
            let query = try request.listQuery()
            var items = try await s.settings.statuses()
            if let q = query.q?.lowercased() { items = items.filter { $0.name.lowercased().contains(q) } }
            let page = try query.page(items, sortable: ["order": { $0.order < $1.order }, "name": { $0.name < $1.name }])
            return try .json(ListBody(items: page.items, total: page.total))
        }
        table.add(
            Endpoint(method: .post, path: "/api/v1/follow-up-statuses", access: .permission(st.permission(.create)), summary: "Add a follow-up status", tag: "settings",
                     request: FollowUpStatusInput.schema, response: .ref("FollowUpStatus"), status: 201)
        ) { request, context, caller in
            let input = try await JSONCoding.decode(FollowUpStatusInput.self, from: request, context: context)
            return try .json(try await s.settings.createStatus(name: input.name, color: input.color, order: input.order, by: caller.actor), status: .created)
        }
        table.add(
            Endpoint(method: .get, path: "/api/v1/follow-up-statuses/{id}", access: .permission(st.permission(.view)), summary: "One follow-up status", tag: "settings", response: .ref("FollowUpStatus"))
        ) { _, context, _ in
            try .json(try await s.settings.status(try context.id()))
        }
        for method in [HTTPRequest.Method.put, .patch] {
            table.add(
                Endpoint(method: method, path: "/api/v1/follow-up-statuses/{id}", access: .permission(st.permission(.update)), summary: "Change a follow-up status",
                         tag: "settings", request: FollowUpStatusInput.schema, response: .ref("FollowUpStatus"))
            ) { request, context, caller in
                let id = try context.id()
                let input = try await JSONCoding.decode(FollowUpStatusInput.self, from: request, context: context)
                return try .json(try await s.settings.updateStatus(id, name: input.name, color: input.color, order: input.order, by: caller.actor))
            }
        }
        table.add(
            Endpoint(method: .delete, path: "/api/v1/follow-up-statuses/{id}", access: .permission(st.permission(.delete)), summary: "Remove a follow-up status", tag: "settings", status: 204)
        ) { _, context, caller in
            try await s.settings.deleteStatus(try context.id(), by: caller.actor)
            return .noContent
        }

        table.add(
            Endpoint(method: .get, path: "/api/v1/audit-log", access: .permission(Permission.auditView), summary: "Audit log: logins, failures, permission and account changes",
                     tag: "system", response: .list(of: "AuditEntry"), query: Endpoint.listQuery)
        ) { request, _, _ in
            let page = try await s.repos.audit.list(try request.listQuery())
            return try .json(ListBody(items: page.items.map(AuditBody.init), total: page.total))
        }
    }
}
