/// An RFC 4180 state machine over bytes, fed chunk by chunk; it emits each record's raw fields.
///
/// Working on bytes is safe for both UTF-8 and GB18030: neither uses the bytes of `"`, `,`, CR or LF
/// inside a multi-byte character. Lenient where Excel is: a quote inside an unquoted field is literal,
/// text after a closing quote is appended, and a lone CR ends a line like CRLF or LF.
struct CSVParser {
    private enum State {
        case fieldStart, unquoted, quoted, quoteInQuoted
    }

    let maxFieldLength: Int
    /// Raw bytes of a field stop growing past this, so one runaway field cannot exhaust memory; the
    /// exact character limit is checked after decoding (3 is the most bytes a UTF-16 unit takes).
    private let maxFieldBytes: Int
    private var state = State.fieldStart
    private var field: [UInt8] = []
    private var fields: [[UInt8]] = []
    private var recordStarted = false
    private var skipLineFeed = false
    /// 1-based number of the record being read.
    private(set) var recordNumber = 1

    init(maxFieldLength: Int) {
        self.maxFieldLength = maxFieldLength
        let (bytes, overflowed) = maxFieldLength.multipliedReportingOverflow(by: 3)
        maxFieldBytes = overflowed ? .max : bytes
    }

    /// Consumes bytes, calling `emit` with each completed record's fields and number.
    mutating func consume(_ bytes: some Sequence<UInt8>, emit: (_ fields: [[UInt8]], _ number: Int) throws -> Void) throws {
        for byte in bytes {
            if skipLineFeed {
                skipLineFeed = false
                if byte == lineFeed { continue }
            }
            recordStarted = true
            switch (state, byte) {
            case (.fieldStart, quote):
                state = .quoted
            case (.quoted, quote):
                state = .quoteInQuoted
            case (.quoteInQuoted, quote):  // a doubled quote is one literal quote
                try append(byte)
                state = .quoted
            case (.quoted, _):
                try append(byte)
            case (_, comma):
                try endField()
            case (_, carriageReturn), (_, lineFeed):
                skipLineFeed = byte == carriageReturn
                try endRecord(emit)
            default:
                try append(byte)
                state = .unquoted
            }
        }
    }

    /// Ends input: emits a last record without a line break, and refuses a quote left open.
    mutating func finish(emit: (_ fields: [[UInt8]], _ number: Int) throws -> Void) throws {
        if state == .quoted { throw SpreadsheetError.unterminatedQuote(row: recordNumber) }
        if recordStarted { try endRecord(emit) }
    }

    private mutating func append(_ byte: UInt8) throws {
        guard field.count < maxFieldBytes else {
            throw SpreadsheetError.cellTooLong(row: recordNumber, column: fields.count + 1, limit: maxFieldLength)
        }
        field.append(byte)
    }

    private mutating func endField() throws {
        guard fields.count < SpreadsheetLimits.maxColumns else {
            throw SpreadsheetError.tooManyColumns(row: recordNumber)
        }
        fields.append(field)
        field = []
        state = .fieldStart
    }

    private mutating func endRecord(_ emit: (_ fields: [[UInt8]], _ number: Int) throws -> Void) throws {
        try endField()
        let record = fields
        fields = []
        recordStarted = false
        try emit(record, recordNumber)
        recordNumber += 1
    }
}

private let quote = UInt8(ascii: "\"")
private let comma = UInt8(ascii: ",")
private let carriageReturn = UInt8(ascii: "\r")
private let lineFeed = UInt8(ascii: "\n")
