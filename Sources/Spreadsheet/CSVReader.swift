import Foundation

/// Reads RFC 4180 CSV row by row from a file or bytes, in UTF-8 (BOM or not) or GBK/GB18030, detected.
public struct CSVReader: Sendable {
    /// Longest field accepted, in UTF-16 code units; longer ones fail with an error naming the row.
    public var maxFieldLength: Int

    /// A reader with Excel's cell limit by default.
    public init(maxFieldLength: Int = SpreadsheetLimits.maxCellLength) {
        self.maxFieldLength = maxFieldLength
    }

    /// Streams the file at `path` to `body` one row at a time and returns the encoding it detected.
    @discardableResult
    public func read(contentsOfFile path: String, _ body: (SpreadsheetRow) throws -> Void) throws -> CSVEncoding {
        try read(.file(path: path), body)
    }

    /// Parses `data` to `body` one row at a time and returns the encoding it detected.
    @discardableResult
    public func read(_ data: Data, _ body: (SpreadsheetRow) throws -> Void) throws -> CSVEncoding {
        try read(.memory(data), body)
    }

    /// Two passes: the first settles the encoding (valid UTF-8 can only be known at the end), the second parses.
    private func read(_ source: ByteChunks, _ body: (SpreadsheetRow) throws -> Void) throws -> CSVEncoding {
        let (encoding, bytesToSkip) = try CSVEncodingDetector.detect(source)
        let decoder = encoding == .gb18030 ? try GB18030Decoder() : nil
        var parser = CSVParser(maxFieldLength: maxFieldLength)
        var skipping = bytesToSkip
        func emit(_ fields: [[UInt8]], _ number: Int) throws {
            let values = try fields.enumerated().map { column, bytes in
                try decodeField(bytes, with: decoder, row: number, column: column + 1)
            }
            try body(SpreadsheetRow(number: number, values: values))
        }
        try source.forEach { chunk in
            let dropped = min(skipping, chunk.count)
            skipping -= dropped
            try parser.consume(chunk.dropFirst(dropped), emit: emit)
            return true
        }
        try parser.finish(emit: emit)
        return encoding
    }

    private func decodeField(_ bytes: [UInt8], with decoder: GB18030Decoder?, row: Int, column: Int) throws -> String {
        let text: String
        if let decoder {
            guard let decoded = decoder.decode(bytes) else { throw SpreadsheetError.undecodableText(row: row) }
            text = decoded
        } else {
            text = String(decoding: bytes, as: UTF8.self)  // already validated
        }
        guard text.utf16.count <= maxFieldLength else {
            throw SpreadsheetError.cellTooLong(row: row, column: column, limit: maxFieldLength)
        }
        return text
    }
}
