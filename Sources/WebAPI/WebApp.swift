import CallCenter
import Foundation
import Hummingbird
import Logging

/// Everything the web edge needs from the outside.
public struct WebAppConfiguration: Sendable {
    public var repositories: Repositories
    public var version: String
    public var hasher: any PasswordHasher
    /// `DATA/recordings`: where the call engine writes recordings and the
    /// API reads them (`GET /api/v1/calls/{id}/recording`).
    public var recordingsDirectory: String
    public var sessionPolicy: SessionPolicy
    public var loginThrottle: LoginThrottle
    /// Where the web application's files are; `nil` uses the bundled copy
    /// (or `HOTLINE_PUBLIC_DIR`, for working on the UI without a rebuild).
    public var publicDirectory: String?
    public var metrics: HTTPMetrics
    /// The parts `/healthz` vouches for that are not working (none: healthy).
    public var healthCheck: @Sendable () async -> [HealthProblem]
    /// The SIP stack's brute-force block list, for the API.
    public var sipSecurity: any SIPSecurityMonitor
    /// Live events pushed over `/api/v1/events`.
    public var events: EventHub
    /// The rest of the server's figures for /metrics, beside HTTP's own.
    public var extraMetrics: @Sendable () async -> [String]

    public init(
        repositories: Repositories, version: String, hasher: any PasswordHasher = BcryptHasher(),
        recordingsDirectory: String = "hotline-data/recordings",
        sessionPolicy: SessionPolicy = SessionPolicy(), loginThrottle: LoginThrottle = LoginThrottle(),
        publicDirectory: String? = nil, metrics: HTTPMetrics = HTTPMetrics(),
        healthCheck: @escaping @Sendable () async -> [HealthProblem] = { [] },
        sipSecurity: any SIPSecurityMonitor = NoSIPSecurity(), events: EventHub = EventHub(),
        extraMetrics: @escaping @Sendable () async -> [String] = { [] }
    ) {
        self.repositories = repositories
        self.version = version
        self.hasher = hasher
        self.recordingsDirectory = recordingsDirectory
        self.sessionPolicy = sessionPolicy
        self.loginThrottle = loginThrottle
        self.publicDirectory = publicDirectory
        self.metrics = metrics
        self.healthCheck = healthCheck
        self.sipSecurity = sipSecurity
        self.events = events
        self.extraMetrics = extraMetrics
    }
}

public enum WebApp {
    /// The router with every route, middleware and the static web app.
    public static func buildRouter(_ config: WebAppConfiguration, logger: Logger) -> Router<AppRequestContext> {
        buildRouterAndEndpoints(config, logger: logger).router
    }

    /// The router and the route table behind the OpenAPI document.
    package static func buildRouterAndEndpoints(_ config: WebAppConfiguration, logger: Logger) -> (router: Router<AppRequestContext>, endpoints: [Endpoint]) {
        let repos = config.repositories
        let audit = AuditTrail(repository: repos.audit)
        let accounts = AccountService(
            repos: repos, audit: audit, hasher: config.hasher, tokens: RandomSessionTokens(),
            policy: config.sessionPolicy, throttle: config.loginThrottle
        )
        let services = Services(
            repos: repos, accounts: accounts,
            departments: DepartmentService(repos: repos, audit: audit),
            roles: RoleService(repos: repos, audit: audit),
            users: UserService(repos: repos, audit: audit, hasher: config.hasher),
            settings: SettingsService(repos: repos, audit: audit),
            extensions: ExtensionService(repos: repos, audit: audit),
            customers: CustomerService(repos: repos, audit: audit),
            records: CRMRecordService(repos: repos, audit: audit),
            calls: CallRecordService(repos: repos),
            audit: audit, policy: config.sessionPolicy, sip: config.sipSecurity
        )

        let router = Router(context: AppRequestContext.self)
        router.add(middleware: MetricsMiddleware(metrics: config.metrics))
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: FileMiddleware(publicDirectory(config), searchForIndexHtml: true, logger: logger))

        let table = RouteTable(router: router, accounts: accounts)
        AuthController.register(on: table, services: services)
        OrganizationController.register(on: table, services: services)
        SettingsController.register(on: table, services: services)
        LogoController.register(on: table, services: services)
        ExtensionController.register(on: table, services: services, security: config.sipSecurity)
        CustomerController.register(on: table, services: services)
        CRMRecordController.register(on: table, services: services)
        CustomerFileController.register(on: table, services: services)
        let recordings = RecordingFiles(root: config.recordingsDirectory)
        CallController.register(on: table, services: services, recordings: recordings)
        CallFileController.register(on: table, services: services, recordings: recordings)
        EventsRoute.register(on: router, accounts: accounts, hub: config.events)

        let endpoints = table.endpoints
        let document = OpenAPIDocument.build(endpoints: endpoints, version: config.version)
        let version = config.version
        router.get("/healthz") { _, _ -> Response in
            let failing = await config.healthCheck()
            struct Body: Encodable {
                let status: String
                let version: String
                /// Whether `/api/v1/logo` has one: the login page asks for it only then.
                let logo: Bool
                let failing: [HealthProblem]?
            }
            let body = Body(
                status: failing.isEmpty ? "ok" : "unavailable", version: version, logo: repos.logo.exists(),
                failing: failing.isEmpty ? nil : failing)
            return try .json(body, status: failing.isEmpty ? .ok : .serviceUnavailable)
        }
        router.get("/metrics") { _, _ -> Response in
            var text = PrometheusText()
            text.metric("hotline_login_throttled_total", .counter, "Sign-ins and password changes refused by the throttle.", await accounts.throttledCount)
            let extra = await config.extraMetrics() + text.lines
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: config.metrics.render(extra: extra)))
            )
        }
        router.get("/api/openapi.json") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: document)))
        }
        return (router, endpoints)
    }

    static func publicDirectory(_ config: WebAppConfiguration) -> String {
        if let directory = config.publicDirectory { return directory }
        if let directory = ProcessInfo.processInfo.environment["HOTLINE_PUBLIC_DIR"], !directory.isEmpty { return directory }
        return Bundle.module.bundleURL.appendingPathComponent("Public").path
    }
}
