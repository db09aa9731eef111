import Foundation

/// How the registrar treats phones; every value is configuration.
public struct RegistrarPolicy: Sendable {
    /// The digest realm (RFC 3261 §22.1): the server's address unless set.
    public var realm: String
    /// Registrations shorter than this (but not 0) get 423 (RFC 3261 §10.3 step 7).
    public var minExpires: UInt32 = 60
    public var defaultExpires: UInt32 = 3600
    public var maxExpires: UInt32 = 7200
    /// Challenges, in order (RFC 8760). MD5 comes first by default because
    /// many deployed phones and tools answer only the first challenge;
    /// `SHA-256` alone is the strict choice for fleets that support it.
    public var algorithms: [DigestAlgorithmChoice] = [.md5, .sha256]
    /// Failed authentications from one address within `failureWindow` before it is blocked.
    public var failuresBeforeBlock: Int = 10
    public var failureWindow: TimeInterval = 60
    public var blockSeconds: TimeInterval = 600
    /// How often contacts are probed with OPTIONS (0 turns qualify off).
    public var qualifyInterval: TimeInterval = 30
    /// How long an extension's secret and limits are cached between lookups.
    public var extensionCacheSeconds: TimeInterval = 5

    public init(realm: String) {
        self.realm = realm
    }
}

/// Digest algorithms as configuration names.
public enum DigestAlgorithmChoice: String, Sendable, CaseIterable {
    case md5 = "MD5"
    case sha256 = "SHA-256"
}
