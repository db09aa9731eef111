import Media
import SIP

/// What a phone's SDP says about its audio: where it receives, what it can
/// decode (in its order of preference) and its telephone-event number.
public struct RemoteAudio: Sendable, Equatable {
    public var host: String
    public var port: Int
    /// Codecs we understand, with the payload type the phone uses for each.
    public var codecs: [(codec: AudioCodec, payloadType: UInt8)]
    public var telephoneEvent: UInt8?
    /// The events it offered (`a=fmtp:101 0-15`): an answer lists no more.
    public var telephoneEventRange: String?
    public var direction: SDPDirection
    /// Every `m=` line of the offer, in order, and which one is the audio we
    /// take: an answer has as many, the others rejected with port 0 (RFC 3264 §6).
    public var offeredLines: [OfferedLine] = []
    public var audioIndex = 0

    public struct OfferedLine: Sendable, Equatable {
        public var type: String
        public var proto: String
        public var format: String
    }

    public static func == (lhs: RemoteAudio, rhs: RemoteAudio) -> Bool {
        lhs.host == rhs.host && lhs.port == rhs.port && lhs.telephoneEvent == rhs.telephoneEvent && lhs.direction == rhs.direction
            && lhs.codecs.map(\.codec) == rhs.codecs.map(\.codec) && lhs.codecs.map(\.payloadType) == rhs.codecs.map(\.payloadType)
    }

    /// The first audio stream of `sdp`; nil when there is none we can use.
    public init?(_ sdp: SDPSession) {
        guard let index = sdp.media.firstIndex(where: { $0.type == "audio" && $0.port > 0 }) ?? sdp.media.firstIndex(where: { $0.type == "audio" }),
            let connection = sdp.media[index].connection ?? sdp.connection
        else { return nil }
        let audio = sdp.media[index]
        audioIndex = index
        offeredLines = sdp.media.map { OfferedLine(type: $0.type, proto: $0.proto, format: $0.formats.first ?? "0") }
        host = String(connection.address.split(separator: "/").first ?? "")
        port = audio.port
        codecs = []
        telephoneEvent = nil
        telephoneEventRange = nil
        for format in audio.formats {
            guard let payloadType = Int(format), (0...127).contains(payloadType) else { continue }
            if let map = audio.rtpMap(payloadType: payloadType) {
                if map.encoding.lowercased() == "telephone-event", map.clockRate == 8000 {
                    if telephoneEvent == nil {
                        telephoneEvent = UInt8(payloadType)
                        telephoneEventRange = audio.fmtp(payloadType: payloadType)
                    }
                } else if let codec = AudioCodec(encodingName: map.encoding), map.clockRate == 8000 {
                    codecs.append((codec, UInt8(payloadType)))
                }
            } else if payloadType == 0 {
                codecs.append((.pcmu, 0))
            } else if payloadType == 8 {
                codecs.append((.pcma, 8))
            }
        }
        direction = audio.direction ?? sdp.direction ?? .sendrecv
        // A zero port or 0.0.0.0 (RFC 2543 hold) means: send nothing.
        if port == 0 || host == "0.0.0.0" { direction = .inactive }
        guard !codecs.isEmpty else { return nil }
    }

    public func payloadType(of codec: AudioCodec) -> UInt8? { codecs.first { $0.codec == codec }?.payloadType }
}

/// RFC 3264 offer/answer for the B2BUA's two legs. The server always offers
/// PCMU, PCMA and telephone-event (CONTRACT.md); the caller's preferred codec
/// comes first so the callee can pick it and spare a transcoding.
public enum SDPNegotiation {
    public static let telephoneEventPayloadType: UInt8 = 101

    /// Our offer to a callee: our address and port, the codecs in the caller's order.
    public static func offer(preferring first: [AudioCodec], host: String, port: Int, session: SessionVersion, direction: SDPDirection)
        -> SDPSession
    {
        var order = first.filter { AudioCodec.allCases.contains($0) }
        for codec in AudioCodec.allCases where !order.contains(codec) { order.append(codec) }
        let codecs = order.map { ($0, $0.staticPayloadType) }
        return description(codecs: codecs, telephoneEvent: telephoneEventPayloadType, host: host, port: port, session: session, direction: direction)
    }

    /// Our answer to a phone's offer: the codec the other leg settled on if
    /// this phone offered it (no transcoding), else the phone's first codec
    /// we know. Returns the answer and the leg's format.
    public static func answer(_ offer: RemoteAudio, otherLeg: AudioCodec?, host: String, port: Int, session: SessionVersion, direction: SDPDirection)
        -> (SDPSession, LegFormat)
    {
        let chosen = offer.codecs.first { $0.codec == otherLeg } ?? offer.codecs[0]
        let format = LegFormat(codec: chosen.codec, audioPayloadType: chosen.payloadType, telephoneEventPayloadType: offer.telephoneEvent)
        let sdp = description(
            codecs: [chosen], telephoneEvent: offer.telephoneEvent, events: offer.telephoneEventRange ?? "0-16", host: host, port: port,
            session: session, direction: direction)
        return (refusingOthers(sdp, like: offer), format)
    }

    /// Our one-stream answer with the offer's other streams (video, a second
    /// audio) refused in place: an answer has as many `m=` lines as the offer.
    public static func refusingOthers(_ answer: SDPSession, like offer: RemoteAudio) -> SDPSession {
        guard offer.offeredLines.count > 1, let audio = answer.media.first else { return answer }
        var sdp = answer
        sdp.media = offer.offeredLines.enumerated().map { index, line in
            index == offer.audioIndex ? audio : SDPMedia(type: line.type, port: 0, proto: line.proto, formats: [line.format])
        }
        return sdp
    }

    /// The format a callee chose in its answer to our offer.
    public static func format(ofAnswer answer: RemoteAudio) -> LegFormat {
        let chosen = answer.codecs[0]
        return LegFormat(codec: chosen.codec, audioPayloadType: chosen.payloadType, telephoneEventPayloadType: answer.telephoneEvent)
    }

    /// The direction to tell one phone when the other asked for `direction`
    /// (the B2BUA relays hold/unhold as it is: RFC 3264 §6.1 from the other side).
    public static func relayed(_ direction: SDPDirection) -> SDPDirection { direction }

    /// The direction that answers `offered` (RFC 3264 §6.1).
    public static func answering(_ offered: SDPDirection) -> SDPDirection {
        switch offered {
        case .sendrecv: .sendrecv
        case .sendonly: .recvonly
        case .recvonly: .sendonly
        case .inactive: .inactive
        }
    }

    static func description(
        codecs: [(AudioCodec, UInt8)], telephoneEvent: UInt8?, events: String = "0-16", host: String, port: Int, session: SessionVersion,
        direction: SDPDirection
    ) -> SDPSession {
        let addressType = host.contains(":") ? "IP6" : "IP4"
        var media = SDPMedia(type: "audio", port: port, formats: codecs.map { String($0.1) } + (telephoneEvent.map { [String($0)] } ?? []))
        for (codec, payloadType) in codecs {
            media.addRtpMap(SDPRtpMap(payloadType: Int(payloadType), encoding: codec.rawValue, clockRate: codec.clockRate))
        }
        if let telephoneEvent {
            media.addRtpMap(SDPRtpMap(payloadType: Int(telephoneEvent), encoding: "telephone-event", clockRate: 8000))
            media.attributes.append(SDPAttribute("fmtp", "\(telephoneEvent) \(events)"))
        }
        media.attributes.append(SDPAttribute("ptime", "20"))
        media.direction = direction
        return SDPSession(
            origin: SDPOrigin(username: "hotline", sessionID: session.id, sessionVersion: session.version, addressType: addressType, address: host),
            sessionName: "hotline",
            connection: SDPConnection(addressType: addressType, address: host),
            media: [media]
        )
    }
}

/// `o=` identity of one of our session descriptions: the version goes up
/// with each new description on the same leg (RFC 3264 §8).
public struct SessionVersion: Sendable, Equatable {
    public var id: String
    public var version: UInt64

    public init(id: String, version: UInt64 = 1) {
        self.id = id
        self.version = version
    }

    public mutating func next() -> SessionVersion {
        version += 1
        return self
    }
}
