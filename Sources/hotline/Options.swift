import ArgumentParser
import Foundation

/// `--data` and `--database`, shared by every command that opens storage.
/// Each flag falls back to `HOTLINE_<FLAG>` in the environment, then the default.
struct StorageOptions: ParsableArguments {
    @Option(name: .customLong("data"), help: "Data folder (env HOTLINE_DATA; default ./hotline-data).")
    var dataFlag: String?

    @Option(name: .customLong("database"), help: "Database URL: a SQLite file path (env HOTLINE_DATABASE; default DATA/hotline.sqlite).")
    var databaseFlag: String?

    var dataDirectory: String {
        let path = Environment.value(flag: dataFlag, env: "HOTLINE_DATA") ?? "./hotline-data"
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }

    var databaseURL: String {
        Environment.value(flag: databaseFlag, env: "HOTLINE_DATABASE") ?? dataDirectory + "/hotline.sqlite"
    }
}

enum Environment {
    static func value(flag: String?, env name: String) -> String? {
        if let flag, !flag.isEmpty { return flag }
        if let value = ProcessInfo.processInfo.environment[name], !value.isEmpty { return value }
        return nil
    }
}

/// `HOST:PORT`, with IPv6 hosts in brackets (`[::1]:8080`).
struct HostPort: CustomStringConvertible, Sendable {
    var host: String
    var port: Int

    init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    init(parsing text: String, option: String) throws {
        let hostPart: Substring
        let portPart: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            hostPart = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw ValidationError("\(option) must be HOST:PORT, e.g. 0.0.0.0:8080 or [::1]:8080") }
            portPart = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw ValidationError("\(option) must be HOST:PORT, e.g. 0.0.0.0:8080") }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
        }
        guard !hostPart.isEmpty, let port = Int(portPart), (0...65535).contains(port) else {
            throw ValidationError("\(option) must be HOST:PORT with a port from 0 to 65535, got “\(text)”")
        }
        host = String(hostPart)
        self.port = port
    }

    var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

struct PortRange: Sendable {
    var low: Int
    var high: Int

    init(parsing text: String) throws {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let low = Int(parts[0]), let high = Int(parts[1]), 1024 <= low, low < high, high <= 65535 else {
            throw ValidationError("--rtp-ports must be LO-HI within 1024-65535, e.g. 10000-20000")
        }
        self.low = low
        self.high = high
    }
}
