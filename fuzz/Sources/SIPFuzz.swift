// libFuzzer entry for the SIP message layer (built by fuzz/run.sh).
// Every input goes through each public decoding path; any trap (index out
// of range, force unwrap, overflow) is a crash libFuzzer reports.
import NIOCore
import SIP

private let validator = SIPRequestValidator()
private let limits = SIPParserConfiguration(maxHeaderSectionBytes: 8 * 1024, maxBodyBytes: 16 * 1024)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let buffer = ByteBuffer(bytes: bytes)
    datagram(buffer)
    stream(bytes)
    let text = String(decoding: bytes, as: UTF8.self)
    _ = try? SIPAnyURI(parsing: text)
    _ = try? SIPNameAddress(parsing: text)
    _ = try? SIPVia(parsing: text)
    _ = try? SIPAuthHeader(parsing: text)
    _ = try? SDPSession(parsing: text)
    return 0
}

private func datagram(_ buffer: ByteBuffer) {
    let message: SIPMessage
    do {
        message = try SIPParser.parse(datagram: buffer, configuration: limits)
    } catch {
        _ = error.action
        _ = SIPMessage.errorResponse(toUnparseable: buffer, error: error)
        return
    }
    exercise(message)
    // A parsed message serialises into one that parses again with the same start line and body.
    let again: SIPMessage
    do {
        again = try SIPParser.parse(datagram: message.serialized())
    } catch {
        fatalError("re-parse of a serialised message failed: \(error)")
    }
    guard again.kind == message.kind, again.body == message.body,
          again.requestURIText == message.requestURIText, again.reasonPhrase == message.reasonPhrase else {
        fatalError("round trip changed the message")
    }
}

private func exercise(_ message: SIPMessage) {
    _ = validator.validate(message)
    _ = validator.relayVerdict(message)
    _ = try? message.requestURI()
    _ = try? message.vias()
    _ = try? message.from()
    _ = try? message.to()
    _ = try? message.callID()
    _ = try? message.cseq()
    _ = try? message.contacts()
    _ = try? message.routes()
    _ = try? message.recordRoutes()
    _ = try? message.maxForwards()
    _ = try? message.expires()
    _ = try? message.contentType()
    _ = try? message.accept()
    _ = try? message.require()
    _ = try? message.allow()
    _ = try? message.event()
    _ = try? message.authorization()
    _ = try? message.wwwAuthenticate()
    _ = try? message.referTo()
    for field in message.headers { _ = field.value }
    _ = message.headers.values(.contact)
    _ = try? SDPSession(parsing: message.body)
    if message.isRequest {
        var copy = message
        _ = copy.makeResponse(status: 180, toTag: "fuzz").serialized()
        try? copy.stampTopVia(sourceAddress: "192.0.2.1", sourcePort: 5060)
        copy.headers.replaceFirstValue(.via, with: "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKfuzz")
        copy.headers.removeFirstValue(.route)
        _ = copy.serialized()
    }
}

private func stream(_ bytes: UnsafeBufferPointer<UInt8>) {
    var framer = SIPStreamFramer(configuration: limits)
    // Split at an input-derived point so chunk boundaries vary.
    let cut = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    for part in [bytes[..<cut], bytes[cut...]] {
        framer.feed(ByteBuffer(bytes: UnsafeBufferPointer(rebasing: part)))
        while true {
            do {
                guard let event = try framer.next() else { break }
                if case .message(let message) = event { exercise(message) }
            } catch {
                return
            }
        }
    }
}
