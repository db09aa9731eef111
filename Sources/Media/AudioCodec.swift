/// The audio codecs the relay understands. G.722 and Opus come later: they
/// will join here with their clock rates and a transcoding path.
public enum AudioCodec: String, Sendable, Hashable, CaseIterable {
    case pcmu = "PCMU"
    case pcma = "PCMA"

    /// The static RTP payload type (RFC 3551).
    public var staticPayloadType: UInt8 {
        switch self {
        case .pcmu: 0
        case .pcma: 8
        }
    }

    public var clockRate: Int { 8000 }

    public init?(encodingName: String) {
        switch encodingName.uppercased() {
        case "PCMU": self = .pcmu
        case "PCMA": self = .pcma
        default: return nil
        }
    }
}

/// What one leg of a call sends and expects: the negotiated audio codec and
/// payload type, and telephone-event's payload type if negotiated.
public struct LegFormat: Sendable, Hashable {
    public var codec: AudioCodec
    public var audioPayloadType: UInt8
    public var telephoneEventPayloadType: UInt8?

    public init(codec: AudioCodec, audioPayloadType: UInt8? = nil, telephoneEventPayloadType: UInt8? = nil) {
        self.codec = codec
        self.audioPayloadType = audioPayloadType ?? codec.staticPayloadType
        self.telephoneEventPayloadType = telephoneEventPayloadType
    }
}
