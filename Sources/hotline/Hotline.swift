import ArgumentParser

/// `hotline`: one executable, the whole call center.
@main
struct Hotline: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "hotline",
        abstract: "Hotline — the all-in-one IP call center: PBX, ACD, IVR, media, dialer, CRM and web application.",
        subcommands: [Serve.self, Migrate.self, Admin.self, Version.self],
        defaultSubcommand: nil
    )
}

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the version.")

    func run() {
        print("hotline \(Hotline.version)")
    }
}
