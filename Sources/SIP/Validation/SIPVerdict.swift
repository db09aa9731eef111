/// What the stack does with a received message after validation.
public enum SIPVerdict: Hashable, Sendable {
    case accept
    /// Answer statelessly with this status, reason and extra headers
    /// (Unsupported for 420, Accept for 415…).
    case reply(SIPReply)
    /// Send nothing: responses, ACKs, and messages that must not be answered.
    case drop

    static func reply(_ status: Int, _ reason: String? = nil, _ headers: [SIPHeaderLine] = []) -> SIPVerdict {
        .reply(SIPReply(status: status, reason: reason ?? SIPStatus.reasonPhrase(for: status), headers: headers))
    }

    public var status: Int? {
        if case .reply(let reply) = self { return reply.status }
        return nil
    }
}

public struct SIPReply: Hashable, Sendable {
    public var status: Int
    public var reason: String
    public var headers: [SIPHeaderLine]

    public init(status: Int, reason: String, headers: [SIPHeaderLine] = []) {
        self.status = status
        self.reason = reason
        self.headers = headers
    }
}

extension SIPMessage {
    /// The response a `.reply` verdict asks for.
    public func makeResponse(to reply: SIPReply, toTag: String? = nil) -> SIPMessage {
        makeResponse(status: reply.status, reason: reply.reason, toTag: toTag, extraHeaders: reply.headers)
    }
}
