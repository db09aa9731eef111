import Foundation

/// The relationships of one package part (`_rels/*.rels`): which part plays which role.
struct PartRelationships {
    struct Relationship {
        let id: String
        let type: String
        /// The target as a part name inside the zip, already resolved.
        let partName: String
    }

    let all: [Relationship]

    /// Reads the `.rels` file belonging to `sourcePart` ("" for the package itself); empty when there is none.
    init(of sourcePart: String, in package: XLSXPackage) throws {
        let folder = PartRelationships.folder(of: sourcePart)
        let file = sourcePart.split(separator: "/").last.map(String.init) ?? ""
        let relsPart = (folder.isEmpty ? "" : folder + "/") + "_rels/" + file + ".rels"
        guard let data = try package.data(of: relsPart) else {
            all = []
            return
        }
        let collector = RelationshipCollector()
        try XMLEventReader.parse(data, partName: relsPart, handler: collector)
        all = collector.found.map {
            Relationship(id: $0.id, type: $0.type, partName: PartRelationships.resolve($0.target, from: folder))
        }
    }

    /// The relationship with an id, as `r:id` attributes name them.
    func byID(_ id: String) -> Relationship? { all.first { $0.id == id } }

    /// The first relationship whose type ends with `/suffix` (types differ between transitional and strict).
    func first(ofType suffix: String) -> Relationship? { all.first { $0.type.hasSuffix("/" + suffix) } }

    /// Resolves a target relative to a folder, handling `/absolute`, `./` and `../`.
    static func resolve(_ target: String, from folder: String) -> String {
        let joined = target.hasPrefix("/") ? String(target.dropFirst()) : (folder.isEmpty ? target : folder + "/" + target)
        var segments: [Substring] = []
        for segment in joined.split(separator: "/") {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(segment)
            }
        }
        return segments.joined(separator: "/")
    }

    static func folder(of partName: String) -> String {
        guard let slash = partName.lastIndex(of: "/") else { return "" }
        return String(partName[..<slash])
    }
}

/// Gathers `<Relationship>` elements, leaving out external ones (hyperlinks and the like).
private final class RelationshipCollector: XMLEventHandler {
    var found: [(id: String, type: String, target: String)] = []

    func didStart(_ name: String, attributes: [String: String]) throws {
        guard name == "Relationship", attributes["TargetMode"] != "External",
              let id = attributes["Id"], let type = attributes["Type"], let target = attributes["Target"] else { return }
        found.append((id, type, target))
    }

    func didEnd(_ name: String) throws {}
    func foundText(_ text: String) throws {}
}
