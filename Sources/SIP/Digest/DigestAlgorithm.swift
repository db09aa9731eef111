import Crypto

/// The digest algorithms a registrar offers (RFC 7616; RFC 8760 for SIP).
public enum DigestAlgorithm: String, Sendable, CaseIterable {
    case md5 = "MD5"
    case sha256 = "SHA-256"

    /// Parses the `algorithm` auth-param; absent means MD5 (RFC 3261 §22.4).
    public init?(parameter: String?) {
        guard let parameter else {
            self = .md5
            return
        }
        switch parameter.uppercased() {
        case "MD5": self = .md5
        case "SHA-256": self = .sha256
        default: return nil
        }
    }

    /// Lower-case hex of the hash of `text`.
    public func hex(_ text: String) -> String {
        switch self {
        case .md5: Self.hex(Insecure.MD5.hash(data: Array(text.utf8)))
        case .sha256: Self.hex(SHA256.hash(data: Array(text.utf8)))
        }
    }

    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    private static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// The credentials a client sent in `Authorization` (RFC 7616 §3.4), as
/// the values the response hash is computed from.
public struct DigestCredentials: Sendable, Equatable {
    public var username: String
    public var realm: String
    public var nonce: String
    public var uri: String
    public var response: String
    public var algorithm: DigestAlgorithm
    public var qop: String?
    public var nc: String?
    public var cnonce: String?
    public var opaque: String?

    public init(
        username: String, realm: String, nonce: String, uri: String, response: String, algorithm: DigestAlgorithm,
        qop: String? = nil, nc: String? = nil, cnonce: String? = nil, opaque: String? = nil
    ) {
        self.username = username
        self.realm = realm
        self.nonce = nonce
        self.uri = uri
        self.response = response
        self.algorithm = algorithm
        self.qop = qop
        self.nc = nc
        self.cnonce = cnonce
        self.opaque = opaque
    }

    /// The response a client holding `password` would compute for `method`
    /// (RFC 7616 §3.4.1: qop=auth, or the RFC 2069 form without qop).
    public func expectedResponse(password: String, method: String) -> String {
        let ha1 = algorithm.hex("\(username):\(realm):\(password)")
        let ha2 = algorithm.hex("\(method):\(uri)")
        if let qop, let nc, let cnonce {
            return algorithm.hex("\(ha1):\(nonce):\(nc):\(cnonce):\(qop):\(ha2)")
        }
        return algorithm.hex("\(ha1):\(nonce):\(ha2)")
    }

    /// Compares in constant time, so timing does not leak how much of a guess was right.
    public func matches(password: String, method: String) -> Bool {
        let expected = Array(expectedResponse(password: password, method: method).utf8)
        let given = Array(response.lowercased().utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(expected, given) { difference |= a ^ b }
        return difference == 0
    }
}
