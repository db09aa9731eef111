import ArgumentParser
import CallCenter
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Storage
import WebAPI
import CallEngine
import MediaEngine
import SIPStack

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run Hotline: web application, API, SIP registrar and calls with media.")

    @OptionGroup var storage: StorageOptions

    @Option(name: .customLong("http"), help: "HTTP listen address (env HOTLINE_HTTP; default 0.0.0.0:8080).")
    var httpFlag: String?

    @Option(name: .customLong("sip"), help: "SIP listen address, UDP and TCP (env HOTLINE_SIP; default 0.0.0.0:5060).")
    var sipFlag: String?

    @Option(name: .customLong("rtp-ports"), help: "RTP port range LO-HI (env HOTLINE_RTP_PORTS; default 10000-20000).")
    var rtpPortsFlag: String?

    @Option(name: .customLong("public-address"), help: "Address phones reach this server at (env HOTLINE_PUBLIC_ADDRESS).")
    var publicAddressFlag: String?

    @Option(name: .customLong("sip-block-after"), help: "Failed SIP authentications from one address (within 60 s) before it is blocked (env HOTLINE_SIP_BLOCK_AFTER; default 10).")
    var sipBlockAfterFlag: String?

    @Option(name: .customLong("sip-block-seconds"), help: "How long a blocked address stays blocked (env HOTLINE_SIP_BLOCK_SECONDS; default 600).")
    var sipBlockSecondsFlag: String?

    @Option(name: .customLong("sip-qualify-seconds"), help: "How often registered phones are probed with OPTIONS; 0 turns probing off (env HOTLINE_SIP_QUALIFY_SECONDS; default 30).")
    var sipQualifyFlag: String?

    @Option(name: .customLong("sip-digest"), help: "Digest algorithms offered to phones, in order (env HOTLINE_SIP_DIGEST; default MD5,SHA-256).")
    var sipDigestFlag: String?

    @Option(name: .customLong("max-call-seconds"), help: "An answered call is ended after this many seconds; 0 = no limit (env HOTLINE_MAX_CALL_SECONDS; default 14400).")
    var maxCallFlag: String?

    @Option(name: .customLong("media-timeout-seconds"), help: "A call with no RTP from either phone for this long is ended; 0 = never (env HOTLINE_MEDIA_TIMEOUT_SECONDS; default 60).")
    var mediaTimeoutFlag: String?

    @Option(name: .customLong("admin-password"), help: "Password for the admin user created on first start (env HOTLINE_ADMIN_PASSWORD; generated and printed when absent).")
    var adminPasswordFlag: String?

    func run() async throws {
        tuneAllocator()
        let http = try HostPort(parsing: Environment.value(flag: httpFlag, env: "HOTLINE_HTTP") ?? "0.0.0.0:8080", option: "--http")
        let sip = try HostPort(parsing: Environment.value(flag: sipFlag, env: "HOTLINE_SIP") ?? "0.0.0.0:5060", option: "--sip")
        let rtpPorts = try PortRange(parsing: Environment.value(flag: rtpPortsFlag, env: "HOTLINE_RTP_PORTS") ?? "10000-20000")
        let adminPassword = Environment.value(flag: adminPasswordFlag, env: "HOTLINE_ADMIN_PASSWORD")
        if let adminPassword, adminPassword.count < 8 {
            throw ValidationError("--admin-password must have at least 8 characters")
        }

        let blockAfter = try positiveInt(Environment.value(flag: sipBlockAfterFlag, env: "HOTLINE_SIP_BLOCK_AFTER") ?? "10", option: "--sip-block-after")
        let blockSeconds = try positiveInt(Environment.value(flag: sipBlockSecondsFlag, env: "HOTLINE_SIP_BLOCK_SECONDS") ?? "600", option: "--sip-block-seconds")
        let publicAddress = Environment.value(flag: publicAddressFlag, env: "HOTLINE_PUBLIC_ADDRESS")
        let maxCallSeconds = try wholeSeconds(Environment.value(flag: maxCallFlag, env: "HOTLINE_MAX_CALL_SECONDS") ?? "14400", option: "--max-call-seconds")
        let mediaTimeout = try wholeSeconds(Environment.value(flag: mediaTimeoutFlag, env: "HOTLINE_MEDIA_TIMEOUT_SECONDS") ?? "60", option: "--media-timeout-seconds")
        let qualifyText = Environment.value(flag: sipQualifyFlag, env: "HOTLINE_SIP_QUALIFY_SECONDS") ?? "30"
        guard let qualifySeconds = Int(qualifyText), (0...86_400).contains(qualifySeconds) else {
            throw ValidationError("--sip-qualify-seconds must be a whole number of seconds from 0 to 86400, got “\(qualifyText)”")
        }

        let logger = makeLogger("hotline")
        let database = try await openStorage(storage, logger: logger)
        var repos = database.repositories(dataDirectory: storage.dataDirectory)
        // Registrations live in memory and are written behind (LocationPersister);
        // every reader — registrar, qualifier, API — goes through the same table.
        let location = LocationTable(store: repos.registrations)
        try await location.load(now: Date())
        repos.registrations = location
        let hasher = BcryptHasher()
        let bootstrap = Bootstrap(repos: repos, hasher: hasher, audit: AuditTrail(repository: repos.audit))
        let (created, generated) = try await bootstrap.ensureAdmin(password: adminPassword)
        if created {
            say(generated.map { "admin password: \($0)  (shown once; sign in as “admin” and keep it safe)" } ?? "admin user created with the given password")
        }

        // SIP: the registrar is the transaction user until calls arrive.
        let sipHost = sip.host == "0.0.0.0" || sip.host == "::" ? nil : sip.host
        var policy = RegistrarPolicy(realm: publicAddress ?? sipHost ?? "hotline")
        policy.failuresBeforeBlock = blockAfter
        policy.blockSeconds = TimeInterval(blockSeconds)
        policy.qualifyInterval = TimeInterval(qualifySeconds)
        policy.algorithms = try digestAlgorithms(Environment.value(flag: sipDigestFlag, env: "HOTLINE_SIP_DIGEST") ?? "MD5,SHA-256")
        let registrar = Registrar(repos: repos, location: location, policy: policy, logger: logger)

        // Calls: media on its own loops, CDRs written behind, the engine on the SIP loop.
        let recordings = storage.dataDirectory + "/recordings"
        let wildcard = sip.host == "0.0.0.0" || sip.host == "::"
        let advertisedHost = publicAddress ?? (wildcard ? LocalAddress.primaryIPv4() ?? "127.0.0.1" : sip.host)
        let musicOnHold = try MusicOnHoldFile.load(dataDirectory: storage.dataDirectory, logger: logger)
        let media = MediaService(
            bindHost: sip.host, advertisedHost: advertisedHost, ports: rtpPorts.low...rtpPorts.high, musicOnHold: musicOnHold, logger: logger)
        let cdr = CDRWriter(repository: repos.calls, logger: logger)
        _ = try await CallService.recoverInterrupted(repos.calls, recordingsDirectory: recordings, at: Date(), logger: logger)
        var callPolicy = CallPolicy(domain: policy.realm, recordingsDirectory: recordings)
        callPolicy.maxCallSeconds = maxCallSeconds
        callPolicy.mediaTimeoutSeconds = mediaTimeout
        let events = EventHub()
        let callEvents = CallEventRelay(hub: events, repos: repos, logger: logger)
        let engine = CallEngine(registrar: registrar, location: location, media: media, cdr: cdr, events: callEvents, policy: callPolicy, logger: logger)
        let sipService = SIPService(
            configuration: SIPEndpointConfiguration(host: sip.host, port: sip.port, product: "Hotline/\(Hotline.version)"),
            handler: PBXRequestHandler(registrar: registrar, calls: engine), logger: logger
        )
        engine.attach(sipService.endpoint)
        let boundSIP: (host: String, port: Int)
        do {
            boundSIP = try await sipService.bind()
        } catch {
            try? await database.shutdown()
            throw StartupError("cannot listen for SIP on \(sip): \(error)")
        }
        if let publicAddress {
            try await sipService.setAdvertisedAddress(HostPort(host: publicAddress, port: boundSIP.port).description)
        } else if wildcard {
            try await sipService.setAdvertisedAddress(HostPort(host: advertisedHost, port: boundSIP.port).description)
        }
        let qualifier = ContactQualifier(location: location, endpoint: sipService.endpoint, policy: policy, logger: logger)
        let sipAddress = HostPort(host: sip.host, port: boundSIP.port)

        let sql = database.sql
        let board = ServiceBoard()
        let connections = HTTPConnections()
        let pbxMetrics = PBXMetrics(sip: sipService, calls: engine, media: media, cdr: cdr, location: location, connections: connections)
        let config = WebAppConfiguration(
            repositories: repos, version: Hotline.version, hasher: hasher, recordingsDirectory: storage.dataDirectory + "/recordings",
            healthCheck: {
                var failing = board.problems
                let databaseUp = await withDeadline(seconds: 2) { (try? await sql.raw("SELECT 1").run()) != nil } ?? false
                if !databaseUp { failing.append(HealthProblem(part: "database", reason: "does not answer SELECT 1 within 2 s")) }
                if await withDeadline(seconds: 2, { await sipService.isServing }) != true {
                    failing.append(HealthProblem(part: "sip", reason: "the SIP sockets are not open"))
                }
                if await withDeadline(seconds: 2, { await media.isRunning }) != true {
                    failing.append(HealthProblem(part: "media", reason: "the media event loops do not answer"))
                }
                return failing
            },
            sipSecurity: registrar, events: events, extraMetrics: { await pbxMetrics.render() }
        )
        let router = WebApp.buildRouter(config, logger: logger)
        let app = Application(
            router: router,
            server: WebApp.server(router: router, connections: connections),
            configuration: .init(address: .hostname(http.host, port: http.port), serverName: "hotline"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? http.port
                let bound = HostPort(host: http.host, port: port)
                say("ready http=\(bound) sip=\(sipAddress)")
                let shown = http.host == "0.0.0.0" || http.host == "::" ? "127.0.0.1" : http.host
                say("Hotline \(Hotline.version) is up: open http://\(HostPort(host: shown, port: port))/ and sign in as admin")
            },
            logger: logger
        )
        let watchdog = ShutdownWatchdog(limit: .seconds(45), logger: logger)
        watchdog.watchSignals()
        func supervised(_ name: String, _ service: any Service) -> ServiceGroupConfiguration.ServiceConfiguration {
            .init(
                service: Supervised(name: name, service: service, board: board, watchdog: watchdog, logger: logger),
                successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup
            )
        }
        var groupConfiguration = ServiceGroupConfiguration(
            // Dependency order (they stop in reverse): the web edge first, then
            // qualify; calls are ended (BYE, CDRs, recordings) while SIP and
            // media still run; the CDR writer and the location table's last
            // flush come after SIP.
            services: [
                supervised("location-persister", LocationPersister.service(table: location, logger: logger)), supervised("cdr-writer", cdr),
                supervised("media", media), supervised("sip", sipService),
                supervised("call-events", callEvents), supervised("calls", CallService(calls: engine, cdr: cdr, media: media, logger: logger)),
                supervised("qualifier", qualifier), supervised("reminders", AppointmentReminderService.service(repos: repos, hub: events, logger: logger)),
                supervised("http", WebService(app: app, connections: connections)),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        // Each step of a shutdown is bounded; the watchdog (45 s) backs them up.
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(30)
        groupConfiguration.maximumCancellationDuration = .seconds(10)
        let group = ServiceGroup(configuration: groupConfiguration)
        var failure: (any Error)?
        do {
            try await group.run()
        } catch {
            failure = error
        }
        // The loops outlive every service that uses them.
        await sipService.shutdownEventLoop()
        await media.shutdownEventLoops()
        if let failure {
            logger.critical("Hotline stopped because a part failed", metadata: ["error": "\(failure)"])
            try? await database.shutdown()
            throw StartupError("stopped: \(failure)")
        }
        try await database.shutdown()
        logger.info("stopped")
    }
}

/// glibc grows and trims its per-thread heaps with mprotect as messages come
/// and go (3% of a REGISTER's CPU in the benchmark); a larger pad and trim
/// threshold keep those calls off the SIP path.
func tuneAllocator() {
    #if canImport(Glibc)
    let trimThreshold: Int32 = -1, topPad: Int32 = -2  // M_TRIM_THRESHOLD, M_TOP_PAD from <malloc.h>
    _ = glibcMallopt(topPad, 16 << 20)
    _ = glibcMallopt(trimThreshold, 64 << 20)
    #endif
}

#if canImport(Glibc)
/// `mallopt(3)`: <malloc.h> is not part of the Glibc module.
@_silgen_name("mallopt")
func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif

func wholeSeconds(_ text: String, option: String) throws -> Int {
    guard let value = Int(text), (0...604_800).contains(value) else {
        throw ValidationError("\(option) must be a whole number of seconds from 0 to 604800, got “\(text)”")
    }
    return value
}

func positiveInt(_ text: String, option: String) throws -> Int {
    guard let value = Int(text), value > 0 else { throw ValidationError("\(option) must be a positive whole number, got “\(text)”") }
    return value
}

func digestAlgorithms(_ text: String) throws -> [DigestAlgorithmChoice] {
    let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
    let choices = names.compactMap { DigestAlgorithmChoice(rawValue: $0) }
    guard !choices.isEmpty, choices.count == names.count, Set(choices).count == choices.count else {
        throw ValidationError("--sip-digest lists MD5 and/or SHA-256, e.g. MD5,SHA-256; got “\(text)”")
    }
    return choices
}

/// A failure at start-up that is not a usage mistake (no usage text printed).
struct StartupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
