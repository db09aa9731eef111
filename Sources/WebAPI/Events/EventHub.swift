import CallCenter
import Foundation
import Synchronization

/// The live event stream behind `GET /api/v1/events` (a WebSocket): each
/// signed-in tab subscribes and receives the JSON events addressed to its
/// user (`appointment.due` now; call and agent events later).
public final class EventHub: Sendable {
    private let subscribers = Mutex<[UUID: Subscriber]>([:])

    struct Subscriber {
        let userId: Int64
        let continuation: AsyncStream<String>.Continuation
    }

    public init() {}

    /// A stream of event texts for `userId`; it ends when `cancel` is called.
    func subscribe(userId: Int64) -> (id: UUID, events: AsyncStream<String>) {
        let id = UUID()
        // A slow tab drops its oldest undelivered events rather than growing without bound.
        let (stream, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(100))
        subscribers.withLock { $0[id] = Subscriber(userId: userId, continuation: continuation) }
        return (id, stream)
    }

    func cancel(_ id: UUID) {
        subscribers.withLock { $0.removeValue(forKey: id) }?.continuation.finish()
    }

    public var connectionCount: Int { subscribers.withLock { $0.count } }

    /// Whether `userId` has a tab open (work for an event nobody sees can be skipped).
    public func isListening(_ userId: Int64) -> Bool {
        subscribers.withLock { $0.values.contains { $0.userId == userId } }
    }

    /// Sends `{"type": type, "data": data}` to every connection of `userId`; returns how many got it.
    @discardableResult
    public func publish(_ type: String, data: some Encodable, to userId: Int64) -> Int {
        guard let payload = try? JSONCoding.encoder.encode(Envelope(type: type, data: data)) else { return 0 }
        let text = String(decoding: payload, as: UTF8.self)
        let targets = subscribers.withLock { $0.values.filter { $0.userId == userId }.map(\.continuation) }
        for continuation in targets { continuation.yield(text) }
        return targets.count
    }

    struct Envelope<Data: Encodable>: Encodable {
        let type: String
        let data: Data
    }
}
