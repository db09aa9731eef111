import ArgumentParser
import CallCenter
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Storage
import WebAPI

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run Hotline: web application, API and (in coming releases) SIP and media.")

    @OptionGroup var storage: StorageOptions

    @Option(name: .customLong("http"), help: "HTTP listen address (env HOTLINE_HTTP; default 0.0.0.0:8080).")
    var httpFlag: String?

    @Option(name: .customLong("sip"), help: "SIP listen address, UDP and TCP (env HOTLINE_SIP; default 0.0.0.0:5060).")
    var sipFlag: String?

    @Option(name: .customLong("rtp-ports"), help: "RTP port range LO-HI (env HOTLINE_RTP_PORTS; default 10000-20000).")
    var rtpPortsFlag: String?

    @Option(name: .customLong("public-address"), help: "Address phones reach this server at (env HOTLINE_PUBLIC_ADDRESS).")
    var publicAddressFlag: String?

    @Option(name: .customLong("admin-password"), help: "Password for the admin user created on first start (env HOTLINE_ADMIN_PASSWORD; generated and printed when absent).")
    var adminPasswordFlag: String?

    func run() async throws {
        let http = try HostPort(parsing: Environment.value(flag: httpFlag, env: "HOTLINE_HTTP") ?? "0.0.0.0:8080", option: "--http")
        let sip = try HostPort(parsing: Environment.value(flag: sipFlag, env: "HOTLINE_SIP") ?? "0.0.0.0:5060", option: "--sip")
        _ = try PortRange(parsing: Environment.value(flag: rtpPortsFlag, env: "HOTLINE_RTP_PORTS") ?? "10000-20000")
        let adminPassword = Environment.value(flag: adminPasswordFlag, env: "HOTLINE_ADMIN_PASSWORD")
        if let adminPassword, adminPassword.count < 8 {
            throw ValidationError("--admin-password must have at least 8 characters")
        }

        let logger = makeLogger("hotline")
        let database = try await openStorage(storage, logger: logger)
        let repos = database.repositories(dataDirectory: storage.dataDirectory)
        let hasher = BcryptHasher()
        let bootstrap = Bootstrap(repos: repos, hasher: hasher, audit: AuditTrail(repository: repos.audit))
        let (created, generated) = try await bootstrap.ensureAdmin(password: adminPassword)
        if created {
            say(generated.map { "admin password: \($0)  (shown once; sign in as “admin” and keep it safe)" } ?? "admin user created with the given password")
        }

        let sql = database.sql
        let config = WebAppConfiguration(
            repositories: repos, version: Hotline.version, hasher: hasher,
            healthCheck: { (try? await sql.raw("SELECT 1").run()) != nil }
        )
        let router = WebApp.buildRouter(config, logger: logger)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(http.host, port: http.port), serverName: "hotline"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? http.port
                let bound = HostPort(host: http.host, port: port)
                say("ready http=\(bound) sip=\(sip)")
                let shown = http.host == "0.0.0.0" || http.host == "::" ? "127.0.0.1" : http.host
                say("Hotline \(Hotline.version) is up: open http://\(HostPort(host: shown, port: port))/ and sign in as admin")
            },
            logger: logger
        )
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: app)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        do {
            try await group.run()
        } catch {
            try? await database.shutdown()
            throw error
        }
        try await database.shutdown()
        logger.info("stopped")
    }
}
