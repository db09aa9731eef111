import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Rebuilds an SVG logo from a safe subset: the file is parsed as XML and
/// only listed elements and attributes are written out again, so nothing a
/// text filter could miss (`/onload=`, entity-encoded `javascript:`,
/// `<foreignObject>`, external references) survives: the output holds
/// shapes, gradients and text, never scripts, links or other documents.
enum SVGSanitizer {
    enum Failure: Error, Equatable {
        case notXML(String)
        case notSVG
        case entities
        case tooDeep
    }

    static let elements: Set<String> = [
        "svg", "g", "defs", "title", "desc", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan",
        "lineargradient", "radialgradient", "stop", "clippath", "mask",
    ]

    static let attributes: Set<String> = [
        "id", "width", "height", "viewbox", "preserveaspectratio", "version", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry",
        "fx", "fy", "d", "points", "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity", "stroke-linecap",
        "stroke-linejoin", "stroke-dasharray", "stroke-dashoffset", "stroke-miterlimit", "opacity", "transform", "offset", "stop-color",
        "stop-opacity", "gradientunits", "gradienttransform", "spreadmethod", "clip-path", "clip-rule", "clippathunits", "mask",
        "maskunits", "font-family", "font-size", "font-weight", "font-style", "text-anchor", "dominant-baseline", "letter-spacing",
        "visibility", "display", "dx", "dy",
    ]

    /// The sanitized SVG text, or why the input is not a usable SVG.
    static func sanitize(_ bytes: [UInt8]) throws(Failure) -> String {
        // A logo never needs a DTD, and entities (or their expansion) are
        // how filters were bypassed and parsers exhausted: no DOCTYPE at all.
        let lowered = String(decoding: bytes, as: UTF8.self).lowercased()
        if lowered.contains("<!doctype") || lowered.contains("<!entity") { throw .entities }
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        let builder = Builder()
        parser.delegate = builder
        let parsed = parser.parse()
        if let failure = builder.failure { throw failure }
        guard parsed else { throw .notXML(parser.parserError.map { "\($0.localizedDescription)" } ?? "not well-formed") }
        guard builder.sawRoot else { throw .notSVG }
        return builder.output
    }

    /// Whether an attribute value could reach outside the image: a script
    /// URL, a data or remote URL (only `url(#local)` references stay).
    static func isSafeValue(_ value: String) -> Bool {
        let squeezed = value.lowercased().filter { !$0.isWhitespace && !$0.isNewline && $0 != "\u{0}" }
        if squeezed.contains("javascript:") || squeezed.contains("data:") || squeezed.contains("expression(") { return false }
        var rest = squeezed[...]
        while let range = rest.range(of: "url(") {
            guard rest[range.upperBound...].hasPrefix("#") else { return false }
            rest = rest[range.upperBound...]
        }
        return true
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var output = ""
        var failure: Failure?
        var sawRoot = false
        /// Open elements; false for a dropped one (its whole subtree is dropped).
        private var stack: [Bool] = []

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            let local = name.lowercased()
            if stack.isEmpty {
                guard local == "svg" else { return fail(parser, .notSVG) }
                sawRoot = true
            }
            guard stack.count < 64 else { return fail(parser, .tooDeep) }
            let keep = (stack.last ?? true) && SVGSanitizer.elements.contains(local)
            stack.append(keep)
            guard keep else { return }
            output += "<" + name
            if stack.count == 1 { output += #" xmlns="http://www.w3.org/2000/svg""# }
            for (key, value) in attributes.sorted(by: { $0.key < $1.key }) where SVGSanitizer.attributes.contains(key.lowercased()) && SVGSanitizer.isSafeValue(value) {
                output += " " + key + "=\"" + escape(value, quotes: true) + "\""
            }
            output += ">"
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            guard let keep = stack.popLast() else { return }
            if keep { output += "</" + name + ">" }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if stack.last == true { output += escape(string, quotes: false) }
        }

        // An SVG logo never needs a DTD; entities are how filters were bypassed.
        func parser(_ parser: XMLParser, foundInternalEntityDeclarationWithName name: String, value: String?) { fail(parser, .entities) }
        func parser(_ parser: XMLParser, foundExternalEntityDeclarationWithName name: String, publicID: String?, systemID: String?) {
            fail(parser, .entities)
        }

        private func fail(_ parser: XMLParser, _ failure: Failure) {
            if self.failure == nil { self.failure = failure }
            parser.abortParsing()
        }

        private func escape(_ text: String, quotes: Bool) -> String {
            var out = ""
            for character in text {
                switch character {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "\"" where quotes: out += "&quot;"
                default: out.append(character)
                }
            }
            return out
        }
    }
}
