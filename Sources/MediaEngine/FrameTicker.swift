import NIOCore

/// The 20 ms clock of one media loop: while any call on the loop plays a
/// clip or tone, it ticks them all, at deadlines counted from its start so
/// the stream neither drifts nor bunches (a late tick sends the frames it
/// owes).
final class FrameTicker: @unchecked Sendable {
    let eventLoop: any EventLoop
    private var calls: [ObjectIdentifier: MediaCall] = [:]
    private var next: NIODeadline?
    private var scheduled: Scheduled<Void>?
    static let frame = TimeAmount.milliseconds(20)

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// On the loop.
    func add(_ call: MediaCall) {
        calls[ObjectIdentifier(call)] = call
        guard scheduled == nil else { return }
        next = .now()
        fire()
    }

    private func fire() {
        scheduled = nil
        guard var due = next else { return }
        let now = NIODeadline.now()
        var rounds = 0
        // At most 5 frames of catch-up: a loop stalled longer skips ahead.
        while due <= now, rounds < 5 {
            for (id, call) in calls where !call.tick() { calls[id] = nil }
            due = due + Self.frame
            rounds += 1
        }
        if due <= now { due = now + Self.frame }
        guard !calls.isEmpty else {
            next = nil
            return
        }
        next = due
        scheduled = eventLoop.scheduleTask(deadline: due) { self.fire() }
    }
}
