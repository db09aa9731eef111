import CallCenter
import Foundation
import Hummingbird

/// 客户列表, 资料转移, 公共池 (docs/CRM-API.md).
enum CustomerController {
    static func register(on table: RouteTable, services s: Services) {
        let p = Permission.customers
        let listQuery = Endpoint.listQuery + [
            QueryParameter(name: "owner", schema: .string(), description: "me, pool, or a user id"),
            QueryParameter(name: "phone", schema: .string(), description: "A number any of the customer's phones matches"),
        ]
        table.add(
            Endpoint(method: .get, path: "/api/v1/customers", access: .permission(p.permission(.view)),
                     summary: "Customers in the caller's data scope and the public pool (f.KEY=value searches a searchable field)",
                     tag: "crm", response: .list(of: "Customer"), query: listQuery)
        ) { request, context, caller in
            let fields = try await s.customers.searchFilters(fieldParameters(request))
            let owner = try ownerFilter(request, caller: caller)
            let phone = try phoneFilter(request)
            let page = try await s.customers.list(try request.listQuery(), filter: { filter in
                filter.owner = owner
                filter.phone = phone
                filter.fields = fields
            }, by: caller.actor)
            return try .json(ListBody(items: page.items.map(CustomerBody.init), total: page.total))
        }
        table.add(
            Endpoint(method: .post, path: "/api/v1/customers", access: .permission(p.permission(.create)), summary: "Create a customer",
                     tag: "crm", request: CustomerInputBody.schema, response: .ref("Customer"), status: 201)
        ) { request, context, caller in
            let body = try await JSONCoding.decode(CustomerInputBody.self, from: request, context: context)
            return try .json(CustomerBody(try await s.customers.create(body.input, by: caller.actor)), status: .created)
        }
        table.add(
            Endpoint(method: .get, path: "/api/v1/customers/{id}", access: .permission(p.permission(.view)), summary: "One customer",
                     tag: "crm", response: .ref("Customer"))
        ) { _, context, caller in
            try .json(CustomerBody(try await s.customers.get(try context.id(), by: caller.actor)))
        }
        for method in [HTTPRequest.Method.put, .patch] {
            table.add(
                Endpoint(method: method, path: "/api/v1/customers/{id}", access: .permission(p.permission(.update)),
                         summary: "Change a customer (fields not sent keep their values)", tag: "crm", request: CustomerInputBody.schema,
                         response: .ref("Customer"))
            ) { request, context, caller in
                let id = try context.id()
                let body = try await JSONCoding.decode(CustomerInputBody.self, from: request, context: context)
                return try .json(CustomerBody(try await s.customers.update(id, body.input, by: caller.actor)))
            }
        }
        table.add(
            Endpoint(method: .delete, path: "/api/v1/customers/{id}", access: .permission(p.permission(.delete)),
                     summary: "Delete a customer with its follow-ups and appointments", tag: "crm", status: 204)
        ) { _, context, caller in
            _ = try await s.customers.delete([try context.id()], by: caller.actor)
            return .noContent
        }
        table.add(
            Endpoint(method: .post, path: "/api/v1/customers/bulk-delete", access: .permission(p.permission(.delete)),
                     summary: "Delete several customers", tag: "crm", request: IdsBody.schema,
                     response: .object([("deleted", .integer)], required: ["deleted"]))
        ) { request, context, caller in
            let body = try await JSONCoding.decode(IdsBody.self, from: request, context: context)
            guard !body.ids.isEmpty, body.ids.count <= 10_000 else { throw DomainError.invalid("ids", "send 1 to 10,000 ids") }
            return try .json(CountBody(count: try await s.customers.delete(body.ids, by: caller.actor), key: "deleted"))
        }
        table.add(
            Endpoint(method: .post, path: "/api/v1/customers/transfer", access: .permission(Permission.customersTransfer),
                     summary: "Move customers to another user or (toUserId null) to the public pool", tag: "crm", request: TransferBody.schema,
                     response: .object([("moved", .integer)], required: ["moved"]))
        ) { request, context, caller in
            let body = try await JSONCoding.decode(TransferBody.self, from: request, context: context)
            return try .json(CountBody(count: try await s.customers.transfer(body.ids, to: body.toUserId, by: caller.actor), key: "moved"))
        }
        table.add(
            Endpoint(method: .get, path: "/api/v1/customers/{id}/transfers", access: .permission(p.permission(.view)),
                     summary: "A customer's moves between owners (转移明细)", tag: "crm",
                     response: .object([("items", .array(.ref("CustomerTransfer"))), ("total", .integer)], required: ["items", "total"]))
        ) { _, context, caller in
            let transfers = try await s.customers.transfers(of: try context.id(), by: caller.actor)
            return try .json(ListBody(items: transfers.map(TransferRecordBody.init), total: transfers.count))
        }
        table.add(
            Endpoint(method: .get, path: "/api/v1/customers/assignees", access: .permission(Permission.customersTransfer),
                     summary: "Users customers may be transferred to (the caller's data scope)", tag: "crm",
                     response: .object([("items", .array(.object([("id", .integer), ("username", .string()), ("name", .string())]))), ("total", .integer)]),
                     query: Endpoint.listQuery)
        ) { request, _, caller in
            let page = try await s.users.list(try request.listQuery(), departmentId: nil, for: caller.actor)
            struct Assignee: Encodable { let id: Int64, username: String, name: String }
            return try .json(ListBody(items: page.items.map { Assignee(id: $0.id, username: $0.username, name: $0.name) }, total: page.total))
        }
        table.add(
            Endpoint(method: .post, path: "/api/v1/customers/{id}/claim", access: .permission(Permission.poolClaim),
                     summary: "Take a customer from the public pool (409 when someone owns it)", tag: "crm", response: .ref("Customer"))
        ) { _, context, caller in
            try .json(CustomerBody(try await s.customers.claim(try context.id(), by: caller.actor)))
        }
    }

    /// `f.KEY=value` parameters.
    static func fieldParameters(_ request: Request) throws -> [String: String] {
        var result: [String: String] = [:]
        for (name, value) in request.uri.queryParameters where name.hasPrefix("f.") {
            let key = String(name.dropFirst(2))
            guard !key.isEmpty, key.count <= 32 else { throw APIError.invalidQuery(String(name), "unknown search field") }
            guard value.count <= 200 else { throw APIError.invalidQuery(String(name), "the search text is longer than 200 characters") }
            result[key] = String(value)
        }
        return result
    }

    static func ownerFilter(_ request: Request, caller: Caller) throws -> CustomerFilter.Owner {
        guard let text = request.uri.queryParameters["owner"].map(String.init), !text.isEmpty else { return .any }
        switch text {
        case "me": return .user(caller.actor.principal.userId)
        case "pool": return .pool
        default:
            guard let id = Int64(text), id > 0 else { throw APIError.invalidQuery("owner", "owner is me, pool or a user id") }
            return .user(id)
        }
    }

    static func phoneFilter(_ request: Request) throws -> String? {
        guard let text = request.uri.queryParameters["phone"].map(String.init), !text.isEmpty else { return nil }
        guard PhoneNumber.isPlausible(text) else { throw APIError.invalidQuery("phone", "phone must be a phone number") }
        return PhoneNumber.normalize(text)
    }
}
