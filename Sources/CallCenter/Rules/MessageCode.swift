/// A rule's message in machine-readable form: a key the web application's
/// catalogues translate and the values it fills in. The English message
/// stays beside it for API clients and logs; stored import results keep the
/// code so a data package reads in the viewer's language later.
public struct MessageCode: Sendable, Equatable, Codable {
    public var key: String
    public var args: [String: String]

    public init(_ key: String, _ args: [String: String] = [:]) {
        self.key = key
        self.args = args
    }
}
