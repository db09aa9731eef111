import CallCenter
import Foundation

/// What one REGISTER asks of an extension's bindings (RFC 3261 §10.3 steps
/// 6–8), applied as a plain value so the rules are tested without sockets
/// and run atomically inside the location table's lock.
enum BindingChange {
    struct Contact {
        let uri: String
        /// Header parameters other than `expires`, serialized (`;a=b;c`).
        let parameters: String
        let expires: UInt32
    }

    /// No Contact: the phone asks what is bound.
    case query
    /// `Contact: *` with `Expires: 0`.
    case removeAll
    case update([Contact])

    /// The bindings after the change (nil: unchanged) and whether it is allowed.
    /// `template` carries the REGISTER's source, transport, user agent,
    /// Call-ID and CSeq.
    func apply(to current: [Registration], template: Registration, maxContacts: Int, now: Date) -> (bindings: [Registration]?, outcome: BindingOutcome) {
        switch self {
        case .query:
            return (nil, .accepted)
        case .removeAll:
            return (current.isEmpty ? nil : [], .accepted)
        case .update(let contacts):
            var next = current
            var changed = false
            for contact in contacts {
                if let existing = next.first(where: { $0.uri == contact.uri }), existing.callId == template.callId,
                    existing.cseq >= template.cseq
                {
                    // Step 7: an out-of-order or repeated REGISTER changes nothing.
                    continue
                }
                changed = true
                next.removeAll { $0.uri == contact.uri }
                if contact.expires > 0 {
                    var binding = template
                    binding.uri = contact.uri
                    binding.parameters = contact.parameters
                    binding.expiresAt = now.addingTimeInterval(TimeInterval(contact.expires))
                    // Keep what qualify learnt about a contact that only refreshes.
                    if let previous = current.first(where: { $0.uri == contact.uri }), previous.source == binding.source {
                        binding.rttMs = previous.rttMs
                        binding.reachable = previous.reachable
                    }
                    next.append(binding)
                }
            }
            if next.count > maxContacts { return (nil, .tooManyContacts) }
            return (changed ? next : nil, .accepted)
        }
    }
}

enum BindingOutcome {
    case accepted
    case tooManyContacts
}
