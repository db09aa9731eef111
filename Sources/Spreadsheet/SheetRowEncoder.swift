/// Renders one row of cells as worksheet XML, checking each cell against Excel's limits first.
struct SheetRowEncoder {
    let maxCellLength: Int
    private var columnNames: [String] = [""]  // index 0 unused: columns are 1-based

    init(maxCellLength: Int) {
        self.maxCellLength = maxCellLength
    }

    /// The `<row>` element for row `number`; throws before producing anything when a cell is unusable.
    mutating func encode(_ cells: [Cell], rowNumber number: Int, styleIndex: Int?) throws -> [UInt8] {
        guard cells.count <= SpreadsheetLimits.maxColumns else { throw SpreadsheetError.tooManyColumns(row: number) }
        var xml: [UInt8] = []
        xml.append(contentsOf: #"<row r="\#(number)">"#.utf8)
        for (offset, cell) in cells.enumerated() {
            let column = offset + 1
            let reference = columnName(column) + String(number)
            let style = styleIndex.map { #" s="\#($0)""# } ?? ""
            switch cell {
            case .empty:
                continue
            case .text(let text):
                guard !text.isEmpty else { continue }
                guard text.utf16.count <= maxCellLength else {
                    throw SpreadsheetError.cellTooLong(row: number, column: column, limit: maxCellLength)
                }
                appendInlineString(text, reference: reference, style: style, to: &xml)
            case .number(let value):
                guard let written = Self.xmlNumber(value) else {
                    throw SpreadsheetError.invalidNumber(row: number, column: column)
                }
                xml.append(contentsOf: #"<c r="\#(reference)"\#(style)><v>\#(written)</v></c>"#.utf8)
            case .date(let date):
                if let serial = ExcelDate.serial(of: date) {
                    let dateStyle = XLSXPackageParts.dateStyleIndex
                    xml.append(contentsOf: #"<c r="\#(reference)" s="\#(dateStyle)"><v>\#(serial)</v></c>"#.utf8)
                } else {
                    // Excel has no serial before 1900; the date still reaches the reader as text.
                    appendInlineString(date.isoString, reference: reference, style: style, to: &xml)
                }
            }
        }
        xml.append(contentsOf: "</row>".utf8)
        return xml
    }

    /// A number as written in `<v>`: integers without a fraction, others in shortest round-trip form.
    static func xmlNumber(_ value: Double) -> String? {
        guard value.isFinite else { return nil }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value).uppercased()  // 1e-05 → 1E-05, as Excel writes exponents
    }

    private func appendInlineString(_ text: String, reference: String, style: String, to xml: inout [UInt8]) {
        xml.append(contentsOf: #"<c r="\#(reference)"\#(style) t="inlineStr"><is><t"#.utf8)
        // Without xml:space="preserve" Excel trims leading and trailing whitespace.
        if let first = text.first, let last = text.last, first.isWhitespace || last.isWhitespace {
            xml.append(contentsOf: #" xml:space="preserve""#.utf8)
        }
        xml.append(UInt8(ascii: ">"))
        XMLTextEscaping.append(text, to: &xml)
        xml.append(contentsOf: "</t></is></c>".utf8)
    }

    private mutating func columnName(_ column: Int) -> String {
        while columnNames.count <= column {
            columnNames.append(CellReference.columnLetters(columnNames.count))
        }
        return columnNames[column]
    }
}
