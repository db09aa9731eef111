import Foundation

/// 预约提醒: finds appointments that fell due and hands each to `notify`
/// once (the owner's `appointment.due` event); a rescheduled appointment is
/// announced again at its new time.
public struct AppointmentReminders: Sendable {
    let repos: Repositories
    let now: @Sendable () -> Date

    public init(repos: Repositories, now: @escaping @Sendable () -> Date = Date.init) {
        self.repos = repos
        self.now = now
    }

    /// One round; returns how many were announced.
    @discardableResult
    public func announceDue(_ notify: @Sendable (Appointment) async -> Void) async throws -> Int {
        let at = now()
        var announced = 0
        while true {
            let due = try await repos.crm.appointments.dueForReminder(now: at, limit: 200)
            guard !due.isEmpty else { return announced }
            for appointment in due { await notify(appointment) }
            try await repos.crm.appointments.markReminded(due.map(\.id), at: at)
            announced += due.count
            if due.count < 200 { return announced }
        }
    }
}
