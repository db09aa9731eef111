import SIP

/// Requests answered, by method and final status class (2xx…6xx), for
/// /metrics. A fixed table: the labels stay bounded whatever methods
/// arrive, and counting is an array increment on the SIP loop.
public struct TransactionStats: Sendable, Equatable {
    public static let methods = [
        "INVITE", "ACK", "BYE", "CANCEL", "REGISTER", "OPTIONS", "INFO", "UPDATE", "PRACK",
        "SUBSCRIBE", "NOTIFY", "REFER", "MESSAGE", "PUBLISH", "other",
    ]
    private var counts = [Int](repeating: 0, count: methods.count * 5)

    public init() {}

    mutating func count(_ method: SIPMethod, status: Int) {
        guard (200..<700).contains(status) else { return }
        counts[Self.index(method) * 5 + status / 100 - 2] += 1
    }

    /// Every non-zero cell as (method, "2xx"…, count).
    public var cells: [(method: String, statusClass: String, count: Int)] {
        counts.indices.compactMap { index in
            counts[index] == 0 ? nil : (Self.methods[index / 5], "\(index % 5 + 2)xx", counts[index])
        }
    }

    public func count(method: String, statusClass: Int) -> Int {
        guard let row = Self.methods.firstIndex(of: method), (2...6).contains(statusClass) else { return 0 }
        return counts[row * 5 + statusClass - 2]
    }

    private static func index(_ method: SIPMethod) -> Int {
        switch method {
        case .invite: 0
        case .ack: 1
        case .bye: 2
        case .cancel: 3
        case .register: 4
        case .options: 5
        case .info: 6
        case .update: 7
        case .prack: 8
        case .subscribe: 9
        case .notify: 10
        case .refer: 11
        case .message: 12
        case .publish: 13
        case .other: 14
        }
    }
}
