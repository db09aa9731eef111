import Foundation

/// An address the registrar has blocked after repeated failed authentications.
public struct BlockedAddress: Sendable, Equatable {
    public var address: String
    public var failures: Int
    public var blockedAt: Date
    public var until: Date

    public init(address: String, failures: Int, blockedAt: Date, until: Date) {
        self.address = address
        self.failures = failures
        self.blockedAt = blockedAt
        self.until = until
    }
}

/// What the web edge may see and do about SIP brute-force defence; the SIP
/// stack implements it.
public protocol SIPSecurityMonitor: Sendable {
    func blockedAddresses() async -> [BlockedAddress]
    /// Lifts a block; `false` when the address was not blocked.
    func unblock(_ address: String) async -> Bool
    /// An extension was created, changed or deleted: what the registrar
    /// cached of it (secret, contact limit, call settings) is dropped.
    func extensionChanged(_ number: String) async
}

/// For a server or test without a SIP stack.
public struct NoSIPSecurity: SIPSecurityMonitor {
    public init() {}
    public func blockedAddresses() async -> [BlockedAddress] { [] }
    public func unblock(_ address: String) async -> Bool { false }
    public func extensionChanged(_ number: String) async {}
}
