/// How packets from one leg are turned into packets for the other: a pure
/// decision per payload type, computed once when the legs' formats are known.
public struct ForwardPlan: Sendable, Equatable {
    public enum Transcoding: Sendable, Equatable {
        case none, ulawToAlaw, alawToUlaw
    }

    public enum Verdict: Sendable, Equatable {
        /// Send the bytes as they came.
        case forward
        /// Change the payload type only (telephone-event or audio under another number).
        case rewrite(payloadType: UInt8)
        /// Transcode the payload in place and set the payload type.
        case transcode(Transcoding, payloadType: UInt8)
        case drop
    }

    public let from: LegFormat
    public let to: LegFormat

    public init(from: LegFormat, to: LegFormat) {
        self.from = from
        self.to = to
    }

    public var transcoding: Transcoding {
        switch (from.codec, to.codec) {
        case (.pcmu, .pcma): .ulawToAlaw
        case (.pcma, .pcmu): .alawToUlaw
        default: .none
        }
    }

    public func verdict(payloadType: UInt8) -> Verdict {
        if payloadType == from.audioPayloadType {
            let transcoding = self.transcoding
            if transcoding != .none { return .transcode(transcoding, payloadType: to.audioPayloadType) }
            return payloadType == to.audioPayloadType ? .forward : .rewrite(payloadType: to.audioPayloadType)
        }
        if let event = from.telephoneEventPayloadType, payloadType == event {
            guard let target = to.telephoneEventPayloadType else { return .drop }
            return target == payloadType ? .forward : .rewrite(payloadType: target)
        }
        // Comfort noise (13) and anything else un-negotiated: only when both
        // sides speak the same codec under the same numbers.
        if payloadType == 13, transcoding == .none { return .forward }
        return .drop
    }
}
