import NIOCore
import SIP

/// Whether the kernel will take a datagram for an address at all. NIO
/// closes a datagram channel on any send error but EMSGSIZE and
/// EHOSTUNREACH, so one message aimed at port 0, the broadcast address or
/// another address family would silence the whole socket: such targets are
/// refused before the write (the message is dropped and counted).
enum DatagramTarget {
    enum Refusal: String, Sendable {
        case port = "port"
        case address = "address"
        case family = "family"
    }

    static func refusal(_ address: SocketAddress, localFamily: NIOBSDSocket.ProtocolFamily?) -> Refusal? {
        guard let port = address.port, (1...65_535).contains(port) else { return .port }
        if let localFamily, address.protocol != localFamily { return .family }
        switch address {
        case .v4(let v4):
            return usableIPv4(UInt32(bigEndian: v4.address.sin_addr.s_addr)) ? nil : .address
        case .v6(let v6):
            let bytes = withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
            if bytes[0] == 0xFF { return .address }  // multicast
            if bytes.allSatisfy({ $0 == 0 }) { return .address }  // ::
            // IPv4-mapped (::ffff:a.b.c.d): judged as the IPv4 address.
            if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
                let v4 = bytes[12..<16].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                return usableIPv4(v4) ? nil : .address
            }
            return nil
        case .unixDomainSocket:
            return .address
        }
    }

    /// Not "this network" (0/8), multicast (224/4), reserved (240/4) or broadcast.
    private static func usableIPv4(_ address: UInt32) -> Bool {
        let first = address >> 24
        return first != 0 && first < 224
    }
}

extension SIPMessage {
    /// "INVITE" or "200 INVITE": enough to tell a dropped message apart in a log line.
    var summary: String {
        let method = (try? cseq().method.name) ?? "?"
        if let status = statusCode { return "\(status) \(method)" }
        return self.method?.name ?? method
    }
}
