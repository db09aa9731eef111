#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether an SDP connection address can receive our RTP. A datagram to the
/// broadcast address, a multicast group or port 0 fails in the kernel, and
/// NIO closes a socket on such an error: a phone must not be able to
/// silence its own leg (or, with port reuse, someone else's) that way.
public enum MediaAddress {
    /// A unicast IPv4 or IPv6 literal other than 0.0.0.0 / ::, with a usable port.
    public static func isUsableUnicast(_ host: String, port: Int) -> Bool {
        guard (1...65_535).contains(port) else { return false }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            let first = UInt32(bigEndian: v4.s_addr) >> 24
            return first != 0 && first < 224
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, host, &v6) == 1 else { return false }
        return withUnsafeBytes(of: v6) { bytes in
            bytes[0] != 0xFF && bytes.contains { $0 != 0 }
        }
    }
}
