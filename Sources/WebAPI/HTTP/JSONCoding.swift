import CallCenter
import Foundation
import Hummingbird

enum JSONCoding {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(rfc3339(date))
        }
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func rfc3339(_ date: Date) -> String { RFC3339.string(date) }

    static let maxBody = 1 << 20

    /// Decodes a JSON object body, turning every decoding failure into a
    /// contract error that names the field.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        // A form or text/plain body is what another site's page can send without asking: JSON only.
        guard isJSON(request.headers[.contentType]) else {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type", message: "Send the body as JSON (Content-Type: application/json)")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBody)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError(.contentTooLarge, code: "payload_too_large", message: "The request body is larger than \(maxBody) bytes")
        }
        let data = Data(buffer: buffer)
        guard (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) is [String: Any] else {
            throw APIError(.badRequest, code: "invalid_json", message: "The body must be a JSON object")
        }
        if let key = JSONKeyCheck.firstDuplicateKey(Array(buffer.readableBytesView)) {
            throw APIError(.badRequest, code: "duplicate_key", message: "\(key) appears twice in the body", field: key)
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DomainError {
            throw APIError(error)
        } catch let error as DecodingError {
            throw map(error)
        }
    }

    /// `application/json`, with or without parameters, or a `+json` type.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let type = contentType.split(separator: ";", maxSplits: 1).first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        return type == "application/json" || (type.hasPrefix("application/") && type.hasSuffix("+json"))
    }

    static func map(_ error: DecodingError) -> APIError {
        func path(_ codingPath: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            (codingPath + (last.map { [$0] } ?? [])).map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath, key)
            return APIError(.badRequest, code: "missing_field", message: "\(field) is required", field: field)
        case .valueNotFound(_, let context):
            let field = path(context.codingPath)
            return APIError(.badRequest, code: "missing_field", message: "\(field) must not be null", field: field)
        case .typeMismatch(let type, let context):
            let field = path(context.codingPath)
            return APIError(.badRequest, code: "invalid_field", message: "\(field) must be \(describe(type))", field: field)
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            if field.isEmpty { return APIError(.badRequest, code: "invalid_json", message: "The body is not valid JSON") }
            return APIError(.badRequest, code: "invalid_field", message: "\(field): \(context.debugDescription)", field: field)
        @unknown default:
            return APIError(.badRequest, code: "invalid_json", message: "The body could not be read")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        default: type is any Collection.Type ? "an array" : "of another type"
        }
    }
}

/// A JSON field that distinguishes "absent" (keep the value) from `null`
/// (clear it), for partial updates.
enum Patch<Value: Decodable & Sendable>: Sendable {
    case absent
    case null
    case value(Value)

    var asDoubleOptional: Value?? {
        switch self {
        case .absent: nil
        case .null: .some(nil)
        case .value(let value): .some(value)
        }
    }
}

extension KeyedDecodingContainer {
    func decodePatch<Value: Decodable & Sendable>(_ type: Value.Type, forKey key: Key) throws -> Patch<Value> {
        guard contains(key) else { return .absent }
        if try decodeNil(forKey: key) { return .null }
        return .value(try decode(Value.self, forKey: key))
    }
}

extension Response {
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try JSONCoding.encoder.encode(value)
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    static var noContent: Response { Response(status: .noContent) }
}
