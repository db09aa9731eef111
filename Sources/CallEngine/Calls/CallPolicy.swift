import Foundation

/// How calls are run; every value is configuration.
public struct CallPolicy: Sendable {
    /// The SIP domain used in From/To of calls we place (the registrar's realm).
    public var domain: String
    /// Where recordings are written (`DATA/recordings`).
    public var recordingsDirectory: String
    /// An answered call is ended after this long (0 = no limit).
    public var maxCallSeconds: Int = 4 * 3600
    /// Ringing stops (480 to the caller, CDR `no_answer`) after this long.
    public var ringSeconds: Int = 120
    /// No RTP from either phone for this long ends the call (0 = never).
    public var mediaTimeoutSeconds: Int = 60
    /// A callee already in a call gets a second one (call waiting) or 486.
    public var callWaiting = false
    /// New calls beyond this many still being set up are refused at once
    /// (503 with Retry-After, before authentication costs anything): an
    /// overloaded engine completes the calls it accepted instead of failing all.
    public var maxCallsSettingUp = 2_000

    public init(domain: String, recordingsDirectory: String) {
        self.domain = domain
        self.recordingsDirectory = recordingsDirectory
    }
}
