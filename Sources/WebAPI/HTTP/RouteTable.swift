import CallCenter
import Hummingbird

/// The caller of a secured route, as the handler sees them.
struct Caller: Sendable {
    let actor: Actor
    let token: String
}

typealias SecuredHandler = @Sendable (Request, AppRequestContext, Caller) async throws -> Response
typealias AnonymousHandler = @Sendable (Request, AppRequestContext) async throws -> Response

/// Registers `/api/v1` routes on the router and remembers each one's
/// `Endpoint`: the OpenAPI document and the permission tests read the
/// same table the server runs on.
final class RouteTable: @unchecked Sendable {
    // Mutated only while the application is being built, before serving.
    private(set) var endpoints: [Endpoint] = []
    let router: Router<AppRequestContext>
    let accounts: AccountService

    init(router: Router<AppRequestContext>, accounts: AccountService) {
        self.router = router
        self.accounts = accounts
    }

    func add(_ endpoint: Endpoint, _ handler: @escaping AnonymousHandler) {
        precondition({ if case .anonymous = endpoint.access { true } else { false } }(), "anonymous handler for a secured route")
        endpoints.append(endpoint)
        router.on(RouterPath(endpoint.path), method: endpoint.method) { request, context in
            // Sign-in from another site's page (login CSRF) is refused too.
            if endpoint.method == .post, !OriginCheck.isSameOrigin(request, requireOrigin: false) {
                throw APIError(.forbidden, code: "cross_origin", message: "This request must come from Hotline's own pages.")
            }
            return try await handler(request, context)
        }
    }

    func add(_ endpoint: Endpoint, _ handler: @escaping SecuredHandler) {
        endpoints.append(endpoint)
        let accounts = self.accounts
        let access = endpoint.access
        let changes = ![.get, .head, .options].contains(endpoint.method)
        router.on(RouterPath(endpoint.path), method: endpoint.method) { request, context in
            guard let (token, source) = Credentials.credential(in: request) else {
                throw DomainError(.unauthenticated, "Sign in first.")
            }
            if changes, source == .cookie, !OriginCheck.isSameOrigin(request, requireOrigin: true) {
                throw APIError(.forbidden, code: "cross_origin", message: "This change must come from Hotline's own pages.")
            }
            let principal = try await accounts.authenticate(token: token)
            switch access {
            case .anonymous, .signedInAllowingPasswordChange:
                break
            case .signedIn:
                try Self.requireSettledPassword(principal)
            case .permission(let permission):
                try Self.requireSettledPassword(principal)
                try principal.require(permission)
            case .anyPermission(let permission, let also):
                try Self.requireSettledPassword(principal)
                if !also.contains(where: principal.has) { try principal.require(permission) }
            }
            return try await handler(request, context, Caller(actor: Actor(principal: principal, address: context.clientAddress), token: token))
        }
    }

    private static func requireSettledPassword(_ principal: Principal) throws {
        if principal.user.mustChangePassword {
            throw DomainError(.passwordChangeRequired, "Change your temporary password first.")
        }
    }
}

extension AppRequestContext {
    /// The `{id}` path parameter as a positive integer, or 404.
    func id(_ name: String = "id") throws -> Int64 {
        guard let text = parameters.get(name), let id = Int64(text), id > 0 else {
            throw APIError(.notFound, code: "not_found", message: "No such resource")
        }
        return id
    }
}

extension Request {
    /// `?q=&page=&pageSize=&sort=` checked against the contract's limits.
    func listQuery() throws -> ListQuery {
        let params = uri.queryParameters
        var query = ListQuery()
        if let q = params["q"].map(String.init), !q.isEmpty {
            guard q.count <= 200 else { throw APIError.invalidQuery("q", "q is longer than 200 characters") }
            query.q = q
        }
        if let page = params["page"].map(String.init) {
            guard let value = Int(page), value >= 1, value <= 1_000_000 else { throw APIError.invalidQuery("page", "page must be a positive integer") }
            query.page = value
        }
        if let size = params["pageSize"].map(String.init) {
            guard let value = Int(size), (1...ListQuery.maxPageSize).contains(value) else {
                throw APIError.invalidQuery("pageSize", "pageSize must be between 1 and \(ListQuery.maxPageSize)")
            }
            query.pageSize = value
        }
        if let rawSort = params["sort"].map(String.init), !rawSort.isEmpty {
            var sort = rawSort
            if sort.hasPrefix("-") {
                query.descending = true
                sort.removeFirst()
            }
            guard sort.count <= 40, sort.allSatisfy({ $0.isLetter || $0.isNumber }) else {
                throw APIError.invalidQuery("sort", "sort must name a column")
            }
            query.sort = sort
        }
        return query
    }

    func optionalIntQuery(_ name: String) throws -> Int64? {
        guard let text = uri.queryParameters[Substring(name)].map(String.init), !text.isEmpty else { return nil }
        guard let value = Int64(text), value > 0 else { throw APIError.invalidQuery(name, "\(name) must be a positive integer") }
        return value
    }
}
