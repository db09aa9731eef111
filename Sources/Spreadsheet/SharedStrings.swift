import Foundation

/// The shared strings table (`t="s"` cells hold an index into it), loaded before the sheet is streamed.
struct SharedStrings {
    enum Lookup: Equatable {
        case text(String)
        /// The string exceeds the cell limit; it is not kept, and the row that uses it is refused.
        case tooLong
        case missing
    }

    private var strings: [String] = []
    private var tooLong: Set<Int> = []

    /// An empty table, for workbooks without one.
    init() {}

    /// Streams the table from its part; each string longer than `maxLength` is recorded but not kept.
    init(part: String, in package: XLSXPackage, maxLength: Int) throws {
        let collector = SharedStringCollector(maxLength: maxLength)
        try XMLEventReader.parse(try package.stream(part), partName: part, handler: collector)
        strings = collector.strings
        tooLong = collector.tooLong
    }

    /// The string at a 0-based index.
    func lookup(_ index: Int) -> Lookup {
        guard strings.indices.contains(index) else { return .missing }
        return tooLong.contains(index) ? .tooLong : .text(strings[index])
    }
}

/// Collects each `<si>`: plain `<t>` or the `<t>` of rich-text runs, skipping phonetic guides (`<rPh>`).
private final class SharedStringCollector: XMLEventHandler {
    let maxLength: Int
    var strings: [String] = []
    var tooLong: Set<Int> = []
    private var text = CellTextBuffer()
    private var inPhonetic = false
    private var capturing = false
    private var overflowed = false

    init(maxLength: Int) {
        self.maxLength = maxLength
    }

    func didStart(_ name: String, attributes: [String: String]) throws {
        switch name {
        case "si":
            text.reset()
            overflowed = false
        case "rPh":
            inPhonetic = true
        case "t":
            capturing = !inPhonetic
        default:
            break
        }
    }

    func didEnd(_ name: String) throws {
        switch name {
        case "si":
            if overflowed { tooLong.insert(strings.count) }
            strings.append(overflowed ? "" : ExcelStringUnescaping.unescape(text.value))
        case "rPh":
            inPhonetic = false
        case "t":
            capturing = false
        default:
            break
        }
    }

    func foundText(_ piece: String) throws {
        guard capturing, !overflowed else { return }
        if !text.append(piece, limit: maxLength) { overflowed = true }
    }
}
