/// Turns worksheet XML events into rows, handing each one over as its `</row>` arrives.
final class WorksheetRowBuilder: XMLEventHandler {
    /// What is needed to turn stored cell values into text.
    struct Context {
        let sharedStrings: SharedStrings
        let formats: CellFormats
        let dateSystem: ExcelDate.System
        let convertsDateCells: Bool
        let maxCellLength: Int
    }

    private enum Capture { case none, value, inlineText }

    private struct OpenCell {
        let column: Int
        let type: String
        let style: Int
    }

    private let context: Context
    private let deliver: (SpreadsheetRow) throws -> Void
    private var rowNumber = 0
    private var values: [String] = []
    private var lastColumn = 0
    private var cell: OpenCell?
    private var capture = Capture.none
    private var inInlineString = false
    private var inPhonetic = false
    private var text = CellTextBuffer()

    init(context: Context, deliver: @escaping (SpreadsheetRow) throws -> Void) {
        self.context = context
        self.deliver = deliver
    }

    func didStart(_ name: String, attributes: [String: String]) throws {
        switch name {
        case "row":
            // `r` is optional; without it a row follows the previous one.
            rowNumber = attributes["r"].flatMap { Int($0) } ?? rowNumber + 1
            values = []
            lastColumn = 0
        case "c":
            cell = try openCell(attributes)
            text.reset()
        case "v" where cell != nil:
            capture = .value
        case "is":
            inInlineString = true
        case "rPh":
            inPhonetic = true
        case "t" where cell != nil && inInlineString && !inPhonetic:
            capture = .inlineText
        default:
            break
        }
    }

    func didEnd(_ name: String) throws {
        switch name {
        case "v", "t":
            capture = .none
        case "is":
            inInlineString = false
        case "rPh":
            inPhonetic = false
        case "c":
            guard let open = cell else { return }
            place(try value(of: open), at: open.column)
            lastColumn = open.column
            cell = nil
        case "row":
            try deliver(SpreadsheetRow(number: rowNumber, values: values))
            values = []
        default:
            break
        }
    }

    func foundText(_ piece: String) throws {
        guard capture != .none, let open = cell else { return }
        guard text.append(piece, limit: context.maxCellLength) else {
            throw SpreadsheetError.cellTooLong(row: rowNumber, column: open.column, limit: context.maxCellLength)
        }
    }

    private func openCell(_ attributes: [String: String]) throws -> OpenCell {
        let column: Int
        if let reference = attributes["r"] {
            guard let referenced = CellReference.column(of: reference) else {
                throw SpreadsheetError.malformedWorkbook("row \(rowNumber) has an invalid cell reference \"\(reference)\"")
            }
            column = referenced
        } else {
            // `r` is optional on cells too; without it a cell follows the previous one.
            column = lastColumn + 1
            guard column <= SpreadsheetLimits.maxColumns else { throw SpreadsheetError.tooManyColumns(row: rowNumber) }
        }
        return OpenCell(column: column, type: attributes["t"] ?? "n", style: attributes["s"].flatMap { Int($0) } ?? 0)
    }

    /// The cell's text: shared strings looked up, booleans spelled out, formulas by their cached result.
    private func value(of open: OpenCell) throws -> String {
        let stored = text.value
        switch open.type {
        case "s":
            guard let index = Int(stored.trimmingSpacesAndTabs) else {
                throw SpreadsheetError.malformedWorkbook("row \(rowNumber) refers to shared string \"\(stored)\"")
            }
            switch context.sharedStrings.lookup(index) {
            case .text(let shared):
                return shared
            case .tooLong:
                throw SpreadsheetError.cellTooLong(row: rowNumber, column: open.column, limit: context.maxCellLength)
            case .missing:
                throw SpreadsheetError.malformedWorkbook("row \(rowNumber) refers to missing shared string \(index)")
            }
        case "inlineStr", "str":
            return ExcelStringUnescaping.unescape(stored)
        case "b":
            switch stored.trimmingSpacesAndTabs {
            case "1": return "TRUE"
            case "0": return "FALSE"
            default: return stored
            }
        case "e", "d":
            return stored  // an error such as #N/A, or an ISO 8601 date
        default:
            return number(stored, style: open.style)
        }
    }

    private func number(_ stored: String, style: Int) -> String {
        guard context.convertsDateCells, let serial = Double(stored.trimmingSpacesAndTabs) else {
            return NumberText.display(stored)
        }
        let converted: String?
        switch context.formats.kind(ofStyle: style) {
        case .number: converted = nil
        case .date: converted = ExcelDate.isoDate(fromSerial: serial, system: context.dateSystem)
        case .dateTime: converted = ExcelDate.isoDateTime(fromSerial: serial, system: context.dateSystem)
        }
        return converted ?? NumberText.display(stored)
    }

    private func place(_ value: String, at column: Int) {
        if column > values.count {
            values.append(contentsOf: repeatElement("", count: column - 1 - values.count))
            values.append(value)
        } else {
            values[column - 1] = value  // a repeated or out-of-order reference: the later cell wins
        }
    }
}
