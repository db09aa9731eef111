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

    public let lifetime: TimeInterval
    /// An HMAC already keyed (the key's pads hashed): each nonce copies it
    /// instead of keying from scratch. Never mutated, only copied, so sharing
    /// it across threads is safe although `HMAC` is not declared `Sendable`.
    nonisolated(unsafe) private let keyed: HMAC<SHA256>

    public init(lifetime: TimeInterval = 300, key: SymmetricKey = SymmetricKey(size: .bits256)) {
        self.lifetime = lifetime
        self.keyed = HMAC<SHA256>(key: key)
    }

    private func code(for payload: some DataProtocol) -> HMAC<SHA256>.MAC {
        var hmac = keyed
        hmac.update(data: payload)
        return hmac.finalize()
    }

    public func issue(now: Date) -> String {
        var payload = [UInt8]()
        withUnsafeBytes(of: UInt64(now.timeIntervalSince1970 * 1000).bigEndian) { payload.append(contentsOf: $0) }
        withUnsafeBytes(of: RandomPool.next()) { payload.append(contentsOf: $0) }
        let mac = code(for: payload)
        return Base64URL.encode(payload + Array(mac).prefix(16))
    }

    /// What the signature says about a nonce, before any nonce-count.
    public enum Signature: Equatable, Sendable {
        case ours(issued: Date)
        case stale
        case invalid
    }

    /// Checks that we signed `nonce` and that it is still fresh. Pure: it
    /// can run outside any lock (the HMAC is the expensive part).
    public func authenticate(_ nonce: String, now: Date) -> Signature {
        guard let bytes = Base64URL.decode(nonce), bytes.count == 32 else { return .invalid }
        let payload = bytes[0..<16]
        let mac = code(for: payload)
        guard mac.withUnsafeBytes({ $0.prefix(16).elementsEqual(bytes[16..<32]) }) else { return .invalid }
        let millis = payload.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let issued = Date(timeIntervalSince1970: Double(millis) / 1000)
        guard issued <= now.addingTimeInterval(5) else { return .invalid }
        if now.timeIntervalSince(issued) > lifetime { return .stale }
        return .ours(issued: issued)
    }

    /// Checks `nonce` and records `nc` (hex, as sent) in `counts` when the nonce is valid.
    public func check(_ nonce: String, nc: String?, counts: inout NonceCounts, now: Date) -> Verdict {
        switch authenticate(nonce, now: now) {
        case .invalid: return .invalid
        case .stale: return .stale
        case .ours: return counts.accept(nonce, nc: nc, now: now)
        }
    }
}

/// The highest nonce-count seen per nonce (RFC 7616 §3.3): a count that
/// does not rise is a replay. Kept in two generations of at least a nonce
/// lifetime each: when the current one is a lifetime old it becomes the
/// previous one and the previous is dropped, so what is kept covers every
/// nonce still fresh, with no scan however many are in use.
public struct NonceCounts: Sendable {
    public let lifetime: TimeInterval
    private var counts: [String: UInt32] = [:]
    private var previousCounts: [String: UInt32] = [:]
    private var generationStarted: Date?

    public init(lifetime: TimeInterval = 300) {
        self.lifetime = lifetime
    }

    /// Counts recorded this generation and the last (for tests and metrics).
    public var tracked: Int { counts.count + previousCounts.count }

    /// Records `nc` (hex, as sent) for a nonce whose signature was checked.
    public mutating func accept(_ nonce: String, nc: String?, now: Date) -> NonceIssuer.Verdict {
        guard let nc else { return .valid }
        guard nc.utf8.count == 8, let count = UInt32(nc, radix: 16), count > 0 else { return .invalid }
        rotate(now: now)
        if let seen = counts[nonce] ?? previousCounts[nonce], count <= seen { return .invalid }
        counts[nonce] = count
        return .valid
    }

    private mutating func rotate(now: Date) {
        guard let started = generationStarted else {
            generationStarted = now
            return
        }
        let age = now.timeIntervalSince(started)
        guard age >= lifetime + 5 || age < 0 else { return }  // +5: the skew `authenticate` tolerates
        // Two lifetimes without a nonce: nothing of either generation is fresh.
        previousCounts = age >= 2 * lifetime ? [:] : counts
        counts = [:]
        generationStarted = now
    }
}

/// RFC 4648 §5 base64url without padding, by hand: Foundation's base64 plus
/// three string replacements cost more than the HMAC.
enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, char) in alphabet.enumerated() { table[Int(char)] = UInt8(index) }
        return table
    }()

    static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        var out = [UInt8]()
        out.reserveCapacity((input.count * 4 + 2) / 3)
        var index = 0
        while index + 3 <= input.count {
            let chunk = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
            for shift in [18, 12, 6, 0] as [UInt32] { out.append(alphabet[Int((chunk >> shift) & 63)]) }
            index += 3
        }
        let rest = input.count - index
        if rest > 0 {
            let chunk = UInt32(input[index]) << 16 | (rest == 2 ? UInt32(input[index + 1]) << 8 : 0)
            out.append(alphabet[Int((chunk >> 18) & 63)])
            out.append(alphabet[Int((chunk >> 12) & 63)])
            if rest == 2 { out.append(alphabet[Int((chunk >> 6) & 63)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count <= 64, input.count % 4 != 1 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(input.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        for char in input {
            let value = values[Int(char)]
            guard value != 0xFF else { return nil }
            buffer = buffer << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((buffer >> UInt32(bits)) & 0xFF))
            }
        }
        // Leftover bits must be zero, so every nonce has exactly one spelling.
        guard buffer & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
        return out
    }
}
