#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Converts GB18030 (and so GBK and GB2312) bytes to Swift strings with the C library's iconv.
final class GB18030Decoder {
    private let converter: iconv_t

    /// Fails when the system's iconv has no GB18030 converter (glibc ships one in its gconv modules).
    init() throws {
        let converter = iconv_open("UTF-8", "GB18030")
        guard Int(bitPattern: converter) != -1, let converter else {
            throw SpreadsheetError.unsupportedEncoding("GB18030 (this system's iconv cannot convert it)")
        }
        self.converter = converter
    }

    deinit { iconv_close(converter) }

    /// The text, or nil when the bytes are not valid GB18030.
    func decode(_ bytes: [UInt8]) -> String? {
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }  // ASCII is shared
        _ = iconv(converter, nil, nil, nil, nil)  // reset shift state left by an earlier failure
        var input = bytes.map { CChar(bitPattern: $0) }
        // A GB18030 character of n bytes becomes at most 2n UTF-8 bytes.
        var output = [CChar](repeating: 0, count: bytes.count * 2 + 4)
        let written: Int? = input.withUnsafeMutableBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                var inPointer = inputBuffer.baseAddress
                var inLeft = inputBuffer.count
                var outPointer = outputBuffer.baseAddress
                var outLeft = outputBuffer.count
                let result = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                guard result != -1, inLeft == 0 else { return nil }
                return outputBuffer.count - outLeft
            }
        }
        guard let written else { return nil }
        return String(decoding: output.prefix(written).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
