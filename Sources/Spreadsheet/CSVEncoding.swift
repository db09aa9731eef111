/// The encoding a CSV file turned out to be in.
public enum CSVEncoding: Sendable, Hashable {
    /// UTF-8, with or without a byte-order mark.
    case utf8
    /// GB18030, the superset of GBK and GB2312 that Chinese Excel uses for "CSV (comma delimited)".
    case gb18030
}

/// Decides the encoding: a file that is entirely valid UTF-8 is UTF-8, anything else is taken as GB18030.
enum CSVEncodingDetector {
    /// The encoding and how many leading bytes (a UTF-8 BOM) to skip; refuses UTF-16, which Excel's
    /// "Unicode Text" export produces and which would otherwise decode as nonsense.
    static func detect(_ source: ByteChunks) throws -> (encoding: CSVEncoding, bytesToSkip: Int) {
        var validator = UTF8Validator()
        var isValid = true
        var start: [UInt8] = []
        try source.forEach { chunk in
            if start.count < 3 { start.append(contentsOf: chunk.prefix(3 - start.count)) }
            for byte in chunk where !validator.accept(byte) {
                isValid = false
                return false  // one bad byte settles it
            }
            return true
        }
        if start.starts(with: [0xFF, 0xFE]) || start.starts(with: [0xFE, 0xFF]) {
            throw SpreadsheetError.unsupportedEncoding("UTF-16")
        }
        let bom = start.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        return (isValid && validator.isAtCharacterBoundary ? .utf8 : .gb18030, bom)
    }
}
