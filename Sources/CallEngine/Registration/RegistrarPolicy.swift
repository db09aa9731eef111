import Foundation
import SIP

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
    /// User-Agent prefixes of phones that know MD5 only and give up on a
    /// challenge set holding an algorithm they do not know instead of
    /// picking the one they do (baresip 1.0's libre reports "Function not
    /// implemented"). They are offered MD5 alone while MD5 is allowed.
    public var md5OnlyAgents: [String] = ["baresip"]
    /// Failed authentications from one address within `failureWindow` before it is blocked.
    public var failuresBeforeBlock: Int = 10
    public var failureWindow: TimeInterval = 60
    public var blockSeconds: TimeInterval = 600
    /// How often contacts are probed with OPTIONS (0 turns qualify off).
    public var qualifyInterval: TimeInterval = 30
    /// How long an extension's secret and limits are cached between lookups.
    /// Changes made through the API drop the entry at once; this bounds how
    /// long a change made behind the API's back (a restored database) waits.
    public var extensionCacheSeconds: TimeInterval = 60

    public init(realm: String) {
        self.realm = realm
    }

    /// The challenges a REGISTER from `userAgent` gets, in order.
    func challengeAlgorithms(userAgent: String?) -> [DigestAlgorithmChoice] {
        guard algorithms.count > 1, algorithms.contains(.md5), let userAgent,
            md5OnlyAgents.contains(where: { userAgent.lowercased().hasPrefix($0.lowercased()) })
        else { return algorithms }
        return [.md5]
    }
}

/// Digest algorithms as configuration names.
public enum DigestAlgorithmChoice: String, Sendable, CaseIterable {
    case md5 = "MD5"
    case sha256 = "SHA-256"
}

/// What a call needs to know about an extension.
public struct ExtensionProfile: Sendable, Equatable {
    public var number: String
    public var name: String
    public var callerId: String
    public var recording: Bool
    /// The user bound to the extension (who its call events are for).
    public var userId: Int64?

    public init(number: String, name: String, callerId: String, recording: Bool, userId: Int64? = nil) {
        self.number = number
        self.name = name
        self.callerId = callerId
        self.recording = recording
        self.userId = userId
    }
}

/// The outcome of authenticating a call's INVITE.
public enum CallAuthentication: Sendable {
    /// Answer with this (407 challenge, 403, 400).
    case respond(SIPMessage)
    /// The extension is not cached: load it, then authenticate again.
    case lookUp(String)
    case authenticated(ExtensionProfile)
}
