/// %-escapes of RFC 3261 §25.1 (`escaped = "%" HEXDIG HEXDIG`).

/// Decodes %XX; a `%` not followed by two hex digits is kept as is.
func percentDecode(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
    var out = [UInt8]()
    out.reserveCapacity(bytes.count)
    var i = bytes.startIndex
    while i < bytes.endIndex {
        let b = bytes[i]
        if b == ASCII.percent, bytes.distance(from: i, to: bytes.endIndex) >= 3,
           let hi = bytes[i + 1].hexValue, let lo = bytes[i + 2].hexValue {
            out.append(hi << 4 | lo)
            i += 3
        } else {
            out.append(b)
            i += 1
        }
    }
    return out
}

/// Escapes every byte outside `allowed` as %XX (upper-case hex).
func percentEncode(_ s: String, allowed: ByteClass) -> String {
    let hex = Array("0123456789ABCDEF".utf8)
    var out = [UInt8]()
    for b in s.utf8 {
        if b.is(allowed) {
            out.append(b)
        } else {
            out.append(ASCII.percent)
            out.append(hex[Int(b >> 4)])
            out.append(hex[Int(b & 0x0F)])
        }
    }
    return String(decoding: out, as: UTF8.self)
}

/// Checks that every `%` starts a valid escape.
func hasValidEscapes(_ bytes: ArraySlice<UInt8>) -> Bool {
    var i = bytes.startIndex
    while i < bytes.endIndex {
        if bytes[i] == ASCII.percent {
            guard bytes.distance(from: i, to: bytes.endIndex) >= 3,
                  bytes[i + 1].hexValue != nil, bytes[i + 2].hexValue != nil else { return false }
            i += 3
        } else {
            i += 1
        }
    }
    return true
}
