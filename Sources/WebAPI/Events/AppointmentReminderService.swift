import CallCenter
import Foundation
import Logging
import ServiceKit

/// Announces due appointments (预约提醒) to their owners every `interval`
/// as `appointment.due` events.
public enum AppointmentReminderService {
    public static func service(repos: Repositories, hub: EventHub, interval: Duration = .seconds(5), logger: Logger) -> PeriodicService {
        let reminders = AppointmentReminders(repos: repos)
        return PeriodicService("reminders", every: interval, logger: logger) {
            try await reminders.announceDue { appointment in
                guard let owner = appointment.userId else { return }
                hub.publish("appointment.due", data: AppointmentBody(appointment, now: Date()), to: owner)
            }
        }
    }
}
