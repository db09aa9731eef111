import NIOCore

/// The endpoint's timers (transactions, 2xx retransmissions, the call
/// engine's ring and call limits) live in one `TimerQueue` on its event
/// loop; NIO only holds the wake-up for the earliest one. A wake-up is never
/// cancelled: one that finds nothing due just arms the next.
public struct SIPTimer: Hashable, Sendable {
    let id: TimerQueue<() -> Void>.ID
}

extension SIPEndpoint {
    /// Runs `body` on the event loop after `delay`, unless cancelled first.
    @discardableResult
    public func schedule(in delay: TimeAmount, _ body: @escaping () -> Void) -> SIPTimer {
        eventLoop.assertInEventLoop()
        let deadline = NIODeadline.now() + delay
        let id = timers.schedule(at: deadline.uptimeNanoseconds, body)
        arm(deadline)
        return SIPTimer(id: id)
    }

    /// Call on the event loop; a timer that has fired is left alone.
    public func cancel(_ timer: SIPTimer) {
        eventLoop.assertInEventLoop()
        timers.cancel(timer.id)
    }

    private func arm(_ deadline: NIODeadline) {
        if let armed = armedWakeUp, armed <= deadline { return }
        armedWakeUp = deadline
        eventLoop.scheduleTask(deadline: deadline) { self.fireTimers(wokenFor: deadline) }
    }

    private func fireTimers(wokenFor deadline: NIODeadline) {
        if armedWakeUp == deadline { armedWakeUp = nil }
        let now = NIODeadline.now().uptimeNanoseconds
        // One at a time: a timer's body may schedule or cancel others.
        while let body = timers.popExpired(now: now) { body() }
        if let next = timers.nextDeadline() { arm(.uptimeNanoseconds(next)) }
    }
}
