import NIOCore
import Synchronization

/// Every open web connection: counted per address for the caps, and kept so
/// a shutdown can close what is left once its grace has passed.
public final class HTTPConnections: Sendable {
    public let limits: HTTPLimits
    private let state = Mutex(State())

    struct State {
        var channels: [ObjectIdentifier: any Channel] = [:]
        var perAddress: [String: Int] = [:]
        var refused = 0
        var timedOut = 0
    }

    public init(limits: HTTPLimits = HTTPLimits()) {
        self.limits = limits
    }

    /// Admits a new connection unless a cap is reached.
    func admit(_ channel: any Channel, address: String) -> Bool {
        state.withLock { state in
            guard state.channels.count < limits.maxConnections, state.perAddress[address, default: 0] < limits.maxConnectionsPerAddress else {
                state.refused += 1
                return false
            }
            state.channels[ObjectIdentifier(channel)] = channel
            state.perAddress[address, default: 0] += 1
            return true
        }
    }

    func release(_ channel: any Channel, address: String) {
        state.withLock { state in
            guard state.channels.removeValue(forKey: ObjectIdentifier(channel)) != nil else { return }
            state.perAddress[address, default: 1] -= 1
            if state.perAddress[address] == 0 { state.perAddress[address] = nil }
        }
    }

    func noteTimeout() { state.withLock { $0.timedOut += 1 } }

    public var open: Int { state.withLock { $0.channels.count } }
    /// Connections refused at a cap, and closed for being too slow (for /metrics).
    public var refused: Int { state.withLock { $0.refused } }
    public var timedOut: Int { state.withLock { $0.timedOut } }

    /// Closes every connection still open (the end of a shutdown's grace).
    public func closeAll() {
        let channels = state.withLock { Array($0.channels.values) }
        for channel in channels { channel.close(promise: nil) }
    }
}
