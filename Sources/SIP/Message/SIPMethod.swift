/// A SIP request method (RFC 3261 §7.1, RFC 3262, 3265, 3311, 3428, 3515,
/// 3903, 6086). Method names are case-sensitive, so `invite` is an
/// extension method, not INVITE.
public enum SIPMethod: Hashable, Sendable, CustomStringConvertible {
    case invite, ack, bye, cancel, register, options, info, update, prack
    case subscribe, notify, refer, message, publish
    /// An extension method (RFC 3261 §27.4); the token as received.
    case other(String)

    public init(_ name: String) {
        var name = name
        self = name.withUTF8 { SIPMethod(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Identifies a method from its bytes; allocates only for extension methods.
    init(bytes: UnsafeRawBufferPointer) {
        if let known = SIPMethod.known(bytes) {
            self = known
        } else {
            self = .other(String(decoding: bytes, as: UTF8.self))
        }
    }

    private static func known(_ b: UnsafeRawBufferPointer) -> SIPMethod? {
        @inline(__always) func eq(_ s: StaticString) -> Bool {
            guard s.utf8CodeUnitCount == b.count else { return false }
            let p = s.utf8Start
            for i in 0..<b.count where p[i] != b[i] { return false }
            return true
        }
        switch b.count {
        case 3: return eq("ACK") ? .ack : eq("BYE") ? .bye : nil
        case 4: return eq("INFO") ? .info : nil
        case 5: return eq("PRACK") ? .prack : eq("REFER") ? .refer : nil
        case 6:
            return eq("INVITE") ? .invite : eq("CANCEL") ? .cancel : eq("UPDATE") ? .update
                : eq("NOTIFY") ? .notify : nil
        case 7: return eq("OPTIONS") ? .options : eq("MESSAGE") ? .message : eq("PUBLISH") ? .publish : nil
        case 8: return eq("REGISTER") ? .register : nil
        case 9: return eq("SUBSCRIBE") ? .subscribe : nil
        default: return nil
        }
    }

    public var name: String {
        switch self {
        case .invite: "INVITE"
        case .ack: "ACK"
        case .bye: "BYE"
        case .cancel: "CANCEL"
        case .register: "REGISTER"
        case .options: "OPTIONS"
        case .info: "INFO"
        case .update: "UPDATE"
        case .prack: "PRACK"
        case .subscribe: "SUBSCRIBE"
        case .notify: "NOTIFY"
        case .refer: "REFER"
        case .message: "MESSAGE"
        case .publish: "PUBLISH"
        case .other(let name): name
        }
    }

    public var description: String { name }

    /// Normalises `.other("INVITE")` built by hand to `.invite`, so equality is by name.
    public static func == (lhs: SIPMethod, rhs: SIPMethod) -> Bool { lhs.name == rhs.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}
