// RTP relay micro-benchmark: one relayed call on loopback, packets pushed
// through it in bursts; prints packets/s, CPU per packet and heap
// allocations per relayed packet (the whole process, NIO included) for a
// plain forward, a PCMA→PCMU transcode and a recorded call. Run through
// bench/media-relay/run.sh, which preloads the allocation counter.
import Foundation
import Logging
import Media
import MediaEngine
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

typealias CountFunction = @convention(c) () -> Int
let mallocCount: CountFunction? = dlsym(nil, "hotline_malloc_count").map { unsafeBitCast($0, to: CountFunction.self) }

let packets = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 200_000 : 200_000
let burst = 16

/// A plain UDP socket on 127.0.0.1 (the phone), blocking with a timeout.
struct Phone {
    let fd: Int32
    let port: Int

    init(nonBlocking: Bool = false) {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        port = Int(UInt16(bigEndian: address.sin_port))
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        if nonBlocking { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        var size: Int32 = 4 << 20
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    }

    func send(_ bytes: [UInt8], to port: Int) {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        _ = bytes.withUnsafeBytes { buffer in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, buffer.baseAddress, buffer.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
    }

    /// Receives one datagram into `buffer`; false on timeout.
    func receive(_ buffer: inout [UInt8]) -> Bool {
        buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) } > 0
    }
}

func packet(sequence: UInt16, payloadType: UInt8) -> [UInt8] {
    var bytes = [UInt8](repeating: 0xD5, count: 12 + 160)
    bytes[0] = 0x80
    bytes[1] = payloadType
    bytes[2] = UInt8(sequence >> 8)
    bytes[3] = UInt8(sequence & 0xFF)
    bytes[8] = 0x12
    return bytes
}

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func run(_ name: String, media: MediaService, callee: LegFormat, record: String?) throws {
    let call = media.openCall()
    let portA = try call.addLeg(0).wait()
    _ = try call.addLeg(1).wait()  // B only receives: its port is never sent to
    let a = Phone(), b = Phone()
    call.configure(0, remoteHost: "127.0.0.1", remotePort: a.port, format: LegFormat(codec: .pcma, telephoneEventPayloadType: 101))
    call.configure(1, remoteHost: "127.0.0.1", remotePort: b.port, format: callee)
    call.hear(0, .leg(1))
    call.hear(1, .leg(0))
    if let record { media.record(call, path: record, left: 0, right: 1) { print("recording failed: \($0)") } }
    var buffer = [UInt8](repeating: 0, count: 2048)
    // Warm up: latch both phones and let the loop settle.
    for i in 0..<200 {
        a.send(packet(sequence: UInt16(i), payloadType: 8), to: portA)
        _ = b.receive(&buffer)
    }
    let prepared = (0..<burst).map { packet(sequence: UInt16($0), payloadType: 8) }
    var received = 0
    let allocationsBefore = mallocCount?() ?? 0
    let cpuBefore = cpuSeconds()
    let start = ContinuousClock.now
    var sent = 0
    while sent < packets {
        for p in prepared { a.send(p, to: portA) }
        sent += burst
        for _ in 0..<burst where b.receive(&buffer) { received += 1 }
    }
    let elapsed = ContinuousClock.now - start
    let cpu = cpuSeconds() - cpuBefore
    let allocations = (mallocCount?() ?? 0) - allocationsBefore
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let counters = try call.counters(of: 1).wait()
    _ = try call.close().wait()
    let perPacket = mallocCount == nil ? "n/a" : String(format: "%.2f", Double(allocations) / Double(max(received, 1)))
    print(String(format: "%-34@ %9.0f pkt/s  %6.2f µs CPU/pkt (process, incl. the phones)  allocations/pkt %@  lost %d  payload %@",
                 name, Double(received) / seconds, cpu / Double(max(received, 1)) * 1e6, perPacket, sent - received,
                 "\(counters?.sent ?? 0) sent to B"))
}

/// Many calls at the real pace (each phone sends 50 packets/s and gets 50
/// back), the same load from the phones' side in every case; the server's
/// CPU per packet it sends, so a player or a mixer compares with the relay.
func paced(_ name: String, media: MediaService, calls: Int, seconds: Int, parties: Int, setUp: (MediaCall) -> Void) throws -> Double {
    var phones: [[(phone: Phone, port: Int)]] = []
    var opened: [MediaCall] = []
    for _ in 0..<calls {
        let call = media.openCall()
        var legs: [(Phone, Int)] = []
        for leg in 0..<parties {
            let port = try call.addLeg(leg).wait()
            let phone = Phone(nonBlocking: true)
            call.configure(leg, remoteHost: "127.0.0.1", remotePort: phone.port, format: LegFormat(codec: .pcma, telephoneEventPayloadType: 101))
            legs.append((phone, port))
        }
        setUp(call)
        phones.append(legs)
        opened.append(call)
    }
    var buffer = [UInt8](repeating: 0, count: 2048)
    let frame = packet(sequence: 0, payloadType: 8)
    var received = 0
    let ticks = seconds * 50
    let cpuBefore = cpuSeconds()
    let start = ContinuousClock.now
    for tick in 0..<ticks {
        let due = start + .milliseconds(20 * tick)
        let wait = due - .now
        if wait > .zero { try? await_sleep(wait) }
        for call in phones { for (phone, port) in call { phone.send(frame, to: port) } }
        for call in phones { for (phone, _) in call { while phone.receive(&buffer) { received += 1 } } }
    }
    let cpu = cpuSeconds() - cpuBefore
    for call in opened { _ = try call.close().wait() }
    for call in phones { for (phone, _) in call { close(phone.fd) } }
    let perPacket = cpu / Double(max(received, 1)) * 1e6
    print(String(format: "%-34@ %7d pkt received  %6.2f µs CPU per packet received (process, incl. the phones)", name, received, perPacket))
    return perPacket
}

func await_sleep(_ duration: Duration) throws {
    let (seconds, attoseconds) = duration.components
    var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
    nanosleep(&request, nil)
}

var logger = Logger(label: "bench")
logger.logLevel = .error
let media = MediaService(bindHost: "127.0.0.1", advertisedHost: "127.0.0.1", ports: 41000...45000, loops: 1, logger: logger)
print("packets per case: \(packets), bursts of \(burst)   allocation counter: \(mallocCount == nil ? "not preloaded" : "on")")
try run("forward PCMA → PCMA", media: media, callee: LegFormat(codec: .pcma, telephoneEventPayloadType: 101), record: nil)
try run("transcode PCMA → PCMU", media: media, callee: LegFormat(codec: .pcmu, telephoneEventPayloadType: 101), record: nil)
let folder = "/tmp/hotline-relay-bench-\(getpid())"
try run("forward + stereo recording", media: media, callee: LegFormat(codec: .pcma, telephoneEventPayloadType: 101), record: folder + "/call.wav")
_ = system("rm -rf \(folder)")

let calls = CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2]) ?? 200 : 200
print("paced: \(calls) calls, 50 packets/s per phone each way, 10 s")
let relay = try paced("relay (A ↔ B)", media: media, calls: calls, seconds: 10, parties: 2) { call in
    call.hear(0, .leg(1))
    call.hear(1, .leg(0))
}
let player = try paced("player (both hear music)", media: media, calls: calls, seconds: 10, parties: 2) { call in
    call.hear(0, .clip(media.musicOnHold, loop: true))
    call.hear(1, .clip(media.musicOnHold, loop: true))
}
let mixer = try paced("mixer (3-way conference)", media: media, calls: calls * 2 / 3, seconds: 10, parties: 3) { call in
    call.mix([0: [1, 2], 1: [0, 2], 2: [0, 1]])
}
print(String(format: "player / relay %.2f×   mixer / relay %.2f×   (target ≤ 1.5×)", player / relay, mixer / relay))
exit(0)
