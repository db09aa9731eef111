import CallCenter
import Foundation

/// A JSON Schema subset, enough to describe every API body in the OpenAPI
/// document. Built in code beside the routes so the document cannot drift.
indirect enum Schema: Sendable {
    case string(format: String? = nil, values: [String]? = nil, maxLength: Int? = nil)
    case integer
    case number
    case boolean
    case array(Schema)
    case object([(String, Schema)], required: [String] = [])
    case map(Schema)
    case ref(String)
    case nullable(Schema)

    var json: JSONValue {
        switch self {
        case .string(let format, let values, let maxLength):
            var object: [(String, JSONValue)] = [("type", "string")]
            if let format { object.append(("format", .string(format))) }
            if let values { object.append(("enum", .array(values.map(JSONValue.string)))) }
            if let maxLength { object.append(("maxLength", .int(maxLength))) }
            return .object(object)
        case .integer: return .object([("type", "integer"), ("format", "int64")])
        case .number: return .object([("type", "number")])
        case .boolean: return .object([("type", "boolean")])
        case .array(let items): return .object([("type", "array"), ("items", items.json)])
        case .object(let properties, let required):
            var object: [(String, JSONValue)] = [
                ("type", "object"),
                ("properties", .object(properties.map { ($0.0, $0.1.json) })),
            ]
            if !required.isEmpty { object.append(("required", .array(required.map(JSONValue.string)))) }
            return .object(object)
        case .map(let values): return .object([("type", "object"), ("additionalProperties", values.json)])
        case .ref(let name): return .object([("$ref", .string("#/components/schemas/\(name)"))])
        case .nullable(let inner):
            // OpenAPI 3.0 style, understood by 3.0 and 3.1 tooling alike.
            if case .ref = inner { return .object([("allOf", .array([inner.json])), ("nullable", true)]) }
            guard case .object(var fields) = inner.json else { return inner.json }
            fields.append(("nullable", true))
            return .object(fields)
        }
    }

    static func list(of name: String) -> Schema {
        .object([("items", .array(.ref(name))), ("total", .integer)], required: ["items", "total"])
    }
}

/// Ordered JSON, so the document reads the way it is written.
enum JSONValue: Sendable, ExpressibleByStringLiteral, ExpressibleByBooleanLiteral {
    case string(String)
    case int(Int)
    case bool(Bool)
    case array([JSONValue])
    case object([(String, JSONValue)])

    init(stringLiteral value: String) { self = .string(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }

    func serialized() -> String {
        var out = ""
        write(to: &out)
        return out
    }

    private func write(to out: inout String) {
        switch self {
        case .string(let s): JSONValue.quote(s, into: &out)
        case .int(let i): out += String(i)
        case .bool(let b): out += b ? "true" : "false"
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .object(let fields):
            out += "{"
            for (index, (key, value)) in fields.enumerated() {
                if index > 0 { out += "," }
                JSONValue.quote(key, into: &out)
                out += ":"
                value.write(to: &out)
            }
            out += "}"
        }
    }

    private static func quote(_ s: String, into out: inout String) {
        JSONString.append(s, to: &out)
    }
}
