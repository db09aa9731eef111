import Foundation

/// For each cell style index (`s`), whether that style shows the number as a date; read from styles.xml.
struct CellFormats {
    private var kinds: [NumberFormatKind] = []

    /// No styles: every number stays a number.
    init() {}

    /// Reads `<numFmts>` and `<cellXfs>` from the styles part.
    init(part: String, in package: XLSXPackage) throws {
        guard let data = try package.data(of: part) else { return }
        let collector = StyleCollector()
        try XMLEventReader.parse(data, partName: part, handler: collector)
        kinds = collector.cellFormatIDs.map { NumberFormatKind(formatID: $0, formatCode: collector.formatCodes[$0]) }
    }

    /// The kind for a cell's style index; unknown indexes are plain numbers.
    func kind(ofStyle index: Int) -> NumberFormatKind {
        kinds.indices.contains(index) ? kinds[index] : .number
    }
}

/// Collects custom format codes and the format id of each `<xf>` in `<cellXfs>` (not `<cellStyleXfs>`).
private final class StyleCollector: XMLEventHandler {
    var formatCodes: [Int: String] = [:]
    var cellFormatIDs: [Int] = []
    private var inCellFormats = false

    func didStart(_ name: String, attributes: [String: String]) throws {
        switch name {
        case "numFmt":
            if let id = attributes["numFmtId"].flatMap({ Int($0) }), let code = attributes["formatCode"] {
                formatCodes[id] = code
            }
        case "cellXfs":
            inCellFormats = true
        case "xf" where inCellFormats:
            cellFormatIDs.append(attributes["numFmtId"].flatMap { Int($0) } ?? 0)
        default:
            break
        }
    }

    func didEnd(_ name: String) throws {
        if name == "cellXfs" { inCellFormats = false }
    }

    func foundText(_ text: String) throws {}
}
