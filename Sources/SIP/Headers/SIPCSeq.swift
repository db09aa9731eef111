/// `CSeq: 1*DIGIT LWS Method` (RFC 3261 §20.16); the number is below 2^31 (§8.1.1.5).
public struct SIPCSeq: Hashable, Sendable, CustomStringConvertible {
    public var sequence: UInt32
    public var method: SIPMethod

    public init(_ sequence: UInt32, _ method: SIPMethod) {
        self.sequence = sequence
        self.method = method
    }

    public var description: String { "\(sequence) \(method.name)" }

    public init(parsing text: String) throws(SIPSyntaxError) {
        self = try SIPCSeq.parse(Array(text.utf8))
    }

    static func parse(_ bytes: [UInt8]) throws(SIPSyntaxError) -> SIPCSeq {
        var s = HeaderScanner(bytes[...])
        s.skipLWS()
        guard let digits = s.digits() else { throw .invalidNumber }
        guard let number = parseDecimal(digits, max: UInt64(Int32.max)) else { throw .numberOutOfRange }
        guard let b = s.peek, b.isWhitespace else { throw .invalidToken }
        s.skipLWS()
        guard let method = s.token() else { throw .invalidToken }
        try s.expectEnd()
        let name = method.withUnsafeBytes { SIPMethod(bytes: $0) }
        return SIPCSeq(UInt32(number), name)
    }
}

/// Decimal digits to a value no larger than `max`; nil on overflow. Leading
/// zeros are fine (RFC 4475 §3.1.1.1).
func parseDecimal(_ digits: ArraySlice<UInt8>, max: UInt64) -> UInt64? {
    var value: UInt64 = 0
    for d in digits {
        guard d.is(.digit) else { return nil }
        let (m, o1) = value.multipliedReportingOverflow(by: 10)
        let (a, o2) = m.addingReportingOverflow(UInt64(d - ASCII.zero))
        guard !o1, !o2, a <= max else { return nil }
        value = a
    }
    return value
}

/// A header made of one number with optional whitespace around it
/// (Max-Forwards, Expires, Min-Expires, Content-Length).
func parseNumberHeader(_ bytes: [UInt8], max: UInt64) throws(SIPSyntaxError) -> UInt64 {
    var s = HeaderScanner(bytes[...])
    s.skipLWS()
    guard let digits = s.digits() else { throw .invalidNumber }
    try s.expectEnd()
    guard let value = parseDecimal(digits, max: max) else { throw .numberOutOfRange }
    return value
}
