import Crypto
import Foundation

/// Stateless digest nonces: a timestamp and random bytes, signed with a
/// per-process key. A nonce is valid only if we signed it; it turns stale
/// after `lifetime`, and nonce-counts must rise so a captured response
/// cannot be replayed (RFC 7616 §3.3, §5.3).
public struct NonceIssuer: Sendable {
    public enum Verdict: Equatable, Sendable {
        case valid
        /// Ours but too old: challenge again with `stale=true`, no penalty.
        case stale
        /// Not ours, malformed, or a replayed nonce-count.
        case invalid
    }

    public var lifetime: TimeInterval
    /// Raw key bytes: `SymmetricKey` itself is not `Sendable`.
    private let keyBytes: [UInt8]
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }
    /// Highest nonce-count seen per nonce still in its lifetime.
    private var counts: [String: (nc: UInt32, issued: Date)] = [:]

    public init(lifetime: TimeInterval = 300, key: SymmetricKey = SymmetricKey(size: .bits256)) {
        self.lifetime = lifetime
        self.keyBytes = key.withUnsafeBytes { Array($0) }
    }

    public func issue(now: Date) -> String {
        var payload = [UInt8]()
        withUnsafeBytes(of: UInt64(now.timeIntervalSince1970 * 1000).bigEndian) { payload.append(contentsOf: $0) }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<8 { payload.append(UInt8.random(in: 0...255, using: &generator)) }
        let mac = HMAC<SHA256>.authenticationCode(for: payload, using: key)
        return Self.base64url(payload + Array(mac).prefix(16))
    }

    /// Checks `nonce` and records `nc` (hex, as sent) when the nonce is valid.
    public mutating func check(_ nonce: String, nc: String?, now: Date) -> Verdict {
        guard let bytes = Self.decode(nonce), bytes.count == 32 else { return .invalid }
        let payload = Array(bytes[0..<16])
        let mac = HMAC<SHA256>.authenticationCode(for: payload, using: key)
        guard Array(mac).prefix(16).elementsEqual(bytes[16..<32]) else { return .invalid }
        let millis = payload[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let issued = Date(timeIntervalSince1970: Double(millis) / 1000)
        guard issued <= now.addingTimeInterval(5) else { return .invalid }
        if now.timeIntervalSince(issued) > lifetime { return .stale }
        if let nc {
            guard nc.count == 8, let count = UInt32(nc, radix: 16), count > 0 else { return .invalid }
            if let seen = counts[nonce], count <= seen.nc { return .invalid }
            counts[nonce] = (count, issued)
            if counts.count > 50_000 { counts = counts.filter { now.timeIntervalSince($0.value.issued) <= lifetime } }
        }
        return .valid
    }

    private static func base64url(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static func decode(_ text: String) -> [UInt8]? {
        guard text.count <= 64 else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64).map(Array.init)
    }
}
