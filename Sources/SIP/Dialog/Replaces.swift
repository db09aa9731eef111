/// The dialog a Replaces header (RFC 3891 §6.1) or a Refer-To URI's
/// `Replaces` header names: `call-id;to-tag=…;from-tag=…`, with the tags as
/// the recipient of the INVITE sees them (its own tag is `to-tag`).
public struct Replaces: Sendable, Equatable {
    public var callID: String
    public var toTag: String
    public var fromTag: String
    /// `early-only`: replace the dialog only while it is still ringing.
    public var earlyOnly: Bool

    public init(callID: String, toTag: String, fromTag: String, earlyOnly: Bool = false) {
        self.callID = callID
        self.toTag = toTag
        self.fromTag = fromTag
        self.earlyOnly = earlyOnly
    }

    /// Parses the header value (already %-decoded when it came from a URI).
    public init?(_ text: String) {
        let parts = text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = parts.first, !first.isEmpty, !first.contains("=") else { return nil }
        var toTag: String?
        var fromTag: String?
        var earlyOnly = false
        for part in parts.dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            switch pair[0].lowercased() {
            case "to-tag": toTag = pair.count == 2 ? pair[1] : nil
            case "from-tag": fromTag = pair.count == 2 ? pair[1] : nil
            case "early-only": earlyOnly = true
            default: break
            }
        }
        guard let toTag, let fromTag, !toTag.isEmpty, !fromTag.isEmpty else { return nil }
        self.init(callID: first, toTag: toTag, fromTag: fromTag, earlyOnly: earlyOnly)
    }
}
