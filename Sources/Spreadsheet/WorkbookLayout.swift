import Foundation

/// Where the parts a reader needs live, and which date system the workbook uses.
struct WorkbookLayout {
    let worksheetPart: String
    let sheetName: String?
    let sharedStringsPart: String?
    let stylesPart: String?
    let dateSystem: ExcelDate.System

    /// Follows package → workbook → first worksheet, falling back to the usual names for sloppy writers.
    init(of package: XLSXPackage) throws {
        let packageRelationships = try PartRelationships(of: "", in: package)
        let workbookPart = packageRelationships.first(ofType: "officeDocument")?.partName ?? "xl/workbook.xml"
        let workbook = WorkbookContents()
        if let data = try package.data(of: workbookPart) {
            try XMLEventReader.parse(data, partName: workbookPart, handler: workbook)
        }
        let relationships = try PartRelationships(of: workbookPart, in: package)

        // The first sheet in tab order that is a worksheet (chart sheets hold no cells).
        let firstWorksheet = workbook.sheets.lazy.compactMap { sheet -> (name: String, part: String)? in
            guard let relationship = relationships.byID(sheet.relationshipID),
                  relationship.type.hasSuffix("/worksheet"), package.contains(relationship.partName) else { return nil }
            return (sheet.name, relationship.partName)
        }.first

        if let firstWorksheet {
            worksheetPart = firstWorksheet.part
            sheetName = firstWorksheet.name
        } else if let fallback = WorkbookLayout.fallbackWorksheet(in: package) {
            worksheetPart = fallback
            sheetName = workbook.sheets.first?.name
        } else {
            throw SpreadsheetError.noWorksheet
        }
        sharedStringsPart = relationships.first(ofType: "sharedStrings")?.partName
            ?? (package.contains("xl/sharedStrings.xml") ? "xl/sharedStrings.xml" : nil)
        stylesPart = relationships.first(ofType: "styles")?.partName
            ?? (package.contains("xl/styles.xml") ? "xl/styles.xml" : nil)
        dateSystem = workbook.uses1904 ? .from1904 : .from1900
    }

    private static func fallbackWorksheet(in package: XLSXPackage) -> String? {
        if package.contains("xl/worksheets/sheet1.xml") { return "xl/worksheets/sheet1.xml" }
        return package.partNames
            .filter { $0.lowercased().hasPrefix("xl/worksheets/") && $0.lowercased().hasSuffix(".xml") }
            .sorted { $0.count == $1.count ? $0 < $1 : $0.count < $1.count }  // sheet2 before sheet10
            .first
    }
}

/// Gathers `<sheet>` entries and the `date1904` flag from workbook.xml.
private final class WorkbookContents: XMLEventHandler {
    var sheets: [(name: String, relationshipID: String)] = []
    var uses1904 = false

    func didStart(_ name: String, attributes: [String: String]) throws {
        switch name {
        case "sheet":
            // The id attribute's prefix varies (r:id, ns1:id); any prefixed `id` is the relationship.
            let id = attributes.first { $0.key.hasSuffix(":id") }?.value ?? attributes["id"]
            if let id { sheets.append((attributes["name"] ?? "", id)) }
        case "workbookPr":
            let flag = attributes["date1904"]?.lowercased()
            uses1904 = flag == "1" || flag == "true"
        default:
            break
        }
    }

    func didEnd(_ name: String) throws {}
    func foundText(_ text: String) throws {}
}
