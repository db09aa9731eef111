import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Receives the events of one XML part; throwing stops the parse and the error reaches the caller as is.
protocol XMLEventHandler: AnyObject {
    /// An element opened; `name` has its namespace prefix removed (`x:row` → `row`).
    func didStart(_ name: String, attributes: [String: String]) throws
    /// An element closed.
    func didEnd(_ name: String) throws
    /// Text inside the current element, possibly in several pieces.
    func foundText(_ text: String) throws
}

/// Runs XMLParser over a part held in memory or in a file, turning its callbacks into `XMLEventHandler` calls.
enum XMLEventReader {
    /// Parses `data` as the part named `partName` (named in error messages).
    static func parse(_ data: Data, partName: String, handler: any XMLEventHandler) throws {
        try run(XMLParser(data: data), partName: partName, handler: handler)
    }

    /// Parses a part as it inflates, so a large worksheet never sits in memory or on disk whole.
    static func parse(_ stream: InflatingInputStream, partName: String, handler: any XMLEventHandler) throws {
        do {
            try run(XMLParser(stream: stream), partName: partName, handler: handler)
        } catch {
            // A refused inflation cuts the XML short; say why rather than "premature end".
            throw stream.failure ?? error
        }
        if let failure = stream.failure { throw failure }
    }

    private static func run(_ parser: XMLParser, partName: String, handler: any XMLEventHandler) throws {
        let delegate = EventForwarder(handler: handler, partName: partName)
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = delegate  // weak in XMLParser; `delegate` lives until this function returns
        let succeeded = parser.parse()
        if let failure = delegate.failure { throw failure }
        guard succeeded else {
            let reason = parser.parserError.map { "\($0.localizedDescription)" } ?? "not well-formed XML"
            throw SpreadsheetError.malformedWorkbook("\(partName): \(reason)")
        }
    }
}

/// The XMLParser delegate: strips prefixes, forwards events, and records the first error so the parse can stop.
private final class EventForwarder: NSObject, XMLParserDelegate {
    let handler: any XMLEventHandler
    let partName: String
    var failure: (any Error)?

    init(handler: any XMLEventHandler, partName: String) {
        self.handler = handler
        self.partName = partName
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        forward(parser) { try handler.didStart(localName(elementName), attributes: attributes) }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                qualifiedName: String?) {
        forward(parser) { try handler.didEnd(localName(elementName)) }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        forward(parser) { try handler.foundText(string) }
    }

    func parser(_ parser: XMLParser, foundIgnorableWhitespace whitespaceString: String) {
        forward(parser) { try handler.foundText(whitespaceString) }
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        forward(parser) { try handler.foundText(String(decoding: CDATABlock, as: UTF8.self)) }
    }

    // OOXML parts never declare entities; refusing them shuts out entity-expansion bombs.
    func parser(_ parser: XMLParser, foundInternalEntityDeclarationWithName name: String, value: String?) {
        refuseEntities(parser)
    }

    func parser(_ parser: XMLParser, foundExternalEntityDeclarationWithName name: String, publicID: String?,
                systemID: String?) {
        refuseEntities(parser)
    }

    private func refuseEntities(_ parser: XMLParser) {
        forward(parser) { throw SpreadsheetError.malformedWorkbook("\(partName) declares XML entities") }
    }

    private func forward(_ parser: XMLParser, _ event: () throws -> Void) {
        guard failure == nil else { return }
        do {
            try event()
        } catch {
            failure = error
            parser.abortParsing()
        }
    }

    private func localName(_ name: String) -> String {
        guard let colon = name.utf8.lastIndex(of: UInt8(ascii: ":")) else { return name }
        return String(name[name.utf8.index(after: colon)...])
    }
}
