// Parser micro-benchmark: messages/s and allocations per message for a
// typical REGISTER and INVITE. Run through bench/sip-parser/run.sh, which
// preloads malloccount.c so allocations can be counted.
import NIOCore
import SIP

#if canImport(Glibc)
import Glibc
#endif

typealias CountFunction = @convention(c) () -> Int
let mallocCount: CountFunction? = dlsym(nil, "hotline_malloc_count").map { unsafeBitCast($0, to: CountFunction.self) }

func lines(_ l: String...) -> String { l.joined(separator: "\r\n") }

let sdp = lines(
    "v=0", "o=- 3344556677 3344556677 IN IP4 192.0.2.10", "s=-", "c=IN IP4 192.0.2.10", "t=0 0",
    "m=audio 40000 RTP/AVP 0 8 101", "a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000",
    "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-16", "a=ptime:20", "a=sendrecv", "")

let register = lines(
    "REGISTER sip:pbx.example.com SIP/2.0",
    "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport",
    "Max-Forwards: 70",
    "To: \"Agent 1001\" <sip:1001@pbx.example.com>",
    "From: \"Agent 1001\" <sip:1001@pbx.example.com>;tag=1928301774",
    "Call-ID: a84b4c76e66710@192.0.2.10",
    "CSeq: 314159 REGISTER",
    "Contact: <sip:1001@192.0.2.10:5060;transport=udp>;expires=3600",
    "Expires: 3600",
    "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER, NOTIFY, MESSAGE",
    "Supported: path, outbound, gruu",
    "User-Agent: Hotline-Softphone/1.0",
    "Authorization: Digest username=\"1001\", realm=\"pbx.example.com\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"sip:pbx.example.com\", response=\"6629fae49393a05397450978507c4ef1\", algorithm=MD5, cnonce=\"0a4f113b\", qop=auth, nc=00000001",
    "Content-Length: 0", "", "")

let invite = lines(
    "INVITE sip:4000@pbx.example.com SIP/2.0",
    "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKnashds8;rport",
    "Max-Forwards: 70",
    "To: <sip:4000@pbx.example.com>",
    "From: \"Agent 1001\" <sip:1001@pbx.example.com>;tag=9fxced76sl",
    "Call-ID: 3848276298220188511@192.0.2.10",
    "CSeq: 1 INVITE",
    "Contact: <sip:1001@192.0.2.10:5060>",
    "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS",
    "Supported: replaces, timer",
    "Content-Type: application/sdp",
    "Content-Length: \(sdp.utf8.count)", "", sdp)

struct Result {
    var name: String
    var perSecond: Double
    var allocations: Double
}

@inline(never)
func measure(_ name: String, iterations: Int, _ body: () throws -> Void) rethrows -> Result {
    for _ in 0..<1000 { try body() }  // warm-up: lazy globals, caches
    let before = mallocCount?() ?? 0
    let clock = ContinuousClock()
    let start = clock.now
    for _ in 0..<iterations { try body() }
    let elapsed = clock.now - start
    let after = mallocCount?() ?? 0
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return Result(name: name, perSecond: Double(iterations) / seconds,
                  allocations: Double(after - before) / Double(iterations))
}

let iterations = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 200_000 : 200_000
var sink = 0
let validator = SIPRequestValidator()
var results: [Result] = []
var out = ByteBuffer()
out.reserveCapacity(4096)
for (label, text) in [("REGISTER", register), ("INVITE", invite)] {
    let datagram = ByteBuffer(string: text)
    results.append(try measure("\(label) parse", iterations: iterations) {
        let m = try SIPParser.parse(datagram: datagram)
        sink &+= m.headers.count
    })
    results.append(try measure("\(label) parse + Via/From/To/Call-ID/CSeq", iterations: iterations / 4) {
        let m = try SIPParser.parse(datagram: datagram)
        let via = try m.topVia()
        let from = try m.from()
        let to = try m.to()
        let cseq = try m.cseq()
        sink &+= via.branch?.utf8.count ?? 0
        sink &+= (from.tag?.utf8.count ?? 0) + (to.tag?.utf8.count ?? 0) + Int(cseq.sequence)
        sink &+= try m.callID().utf8.count
    })
    results.append(try measure("\(label) parse + validate", iterations: iterations / 4) {
        let m = try SIPParser.parse(datagram: datagram)
        if validator.validate(m) == .accept { sink &+= 1 }
    })
    let parsed = try SIPParser.parse(datagram: datagram)
    results.append(measure("\(label) serialise (into reused buffer)", iterations: iterations) {
        out.clear()
        parsed.write(into: &out)
        sink &+= out.readableBytes
    })
}
var stream = SIPStreamFramer()
let both = ByteBuffer(string: register + invite)
results.append(try measure("TCP framer REGISTER+INVITE (per message)", iterations: iterations / 2) {
    stream.feed(both)
    while let event = try stream.next() {
        if case .message(let m) = event { sink &+= m.headers.count }
    }
})
results[results.count - 1].perSecond *= 2
results[results.count - 1].allocations /= 2

print("iterations: \(iterations)   allocation counter: \(mallocCount == nil ? "not preloaded" : "on")")
print("benchmark".padding(toLength: 50, withPad: " ", startingAt: 0) + "      msg/s   allocs/msg")
for r in results {
    let rate = String(Int(r.perSecond)).leftPadded(11)
    let allocs = String(Double(Int(r.allocations * 100)) / 100).leftPadded(12)
    print(r.name.padding(toLength: 50, withPad: " ", startingAt: 0) + rate + allocs)
}
if sink == 42 { print("") }

extension String {
    func leftPadded(_ n: Int) -> String { String(repeating: " ", count: max(0, n - count)) + self }
}
