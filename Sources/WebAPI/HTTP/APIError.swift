import CallCenter
import Foundation
import Hummingbird

/// An error as the API answers it: status plus the CONTRACT.md body
/// `{"error":{"code","message","field"}}`.
public struct APIError: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var field: String?
    /// The rule behind the message as a catalogue key and its values, so the
    /// web application can say it in the interface language.
    public var reason: MessageCode?
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, code: String, message: String, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    var body: [UInt8] {
        struct Body: Encodable {
            struct Inner: Encodable {
                let code: String
                let message: String
                let field: String?
                let reason: MessageCode?
            }
            let error: Inner
        }
        return Array((try? JSONEncoder().encode(Body(error: .init(code: code, message: message, field: field, reason: reason)))) ?? Data())
    }

    static func invalidQuery(_ field: String, _ message: String) -> APIError {
        APIError(.badRequest, code: "invalid_query", message: message, field: field)
    }
}

extension APIError {
    /// The wire form of a business rule's refusal.
    init(_ error: DomainError) {
        switch error.kind {
        case .invalid: self.init(.badRequest, code: "invalid_field", message: error.message, field: error.field)
        case .invalidQuery: self.init(.badRequest, code: "invalid_query", message: error.message, field: error.field)
        case .missing: self.init(.badRequest, code: "missing_field", message: error.message, field: error.field)
        case .unauthenticated: self.init(.unauthorized, code: "unauthenticated", message: error.message)
        case .invalidCredentials: self.init(.unauthorized, code: "invalid_credentials", message: error.message)
        case .forbidden: self.init(.forbidden, code: "forbidden", message: error.message, field: error.field)
        case .outOfScope: self.init(.forbidden, code: "out_of_scope", message: error.message, field: error.field)
        case .passwordChangeRequired: self.init(.forbidden, code: "password_change_required", message: error.message)
        case .notFound: self.init(.notFound, code: "not_found", message: error.message)
        case .conflict: self.init(.conflict, code: "conflict", message: error.message, field: error.field)
        case .departmentNotEmpty: self.init(.conflict, code: "department_not_empty", message: error.message)
        case .departmentCycle: self.init(.conflict, code: "department_cycle", message: error.message, field: error.field)
        case .inUse: self.init(.conflict, code: "in_use", message: error.message)
        case .protected: self.init(.conflict, code: "protected", message: error.message)
        case .tooManyAttempts(let seconds):
            self.init(.tooManyRequests, code: "too_many_attempts", message: error.message)
            headers[.retryAfter] = String(seconds)
        }
        reason = error.code
    }

    /// Hummingbird's own errors (no route, body too large, …) in our body.
    init(_ error: HTTPError) {
        switch error.status.code {
        case 404: self.init(.notFound, code: "not_found", message: "No such resource")
        case 413: self.init(.contentTooLarge, code: "payload_too_large", message: "The request body is too large")
        case 405: self.init(.methodNotAllowed, code: "method_not_allowed", message: "Method not allowed here")
        case 415: self.init(.unsupportedMediaType, code: "unsupported_media_type", message: error.body ?? "Unsupported media type")
        default:
            let code = error.status.code < 500 ? "bad_request" : "internal"
            self.init(error.status, code: code, message: error.body ?? error.status.reasonPhrase)
        }
    }
}

/// Turns every error into the contract's body; unexpected ones are logged
/// and answered 500 without internals.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch let error as DomainError {
            return try APIError(error).response(from: request, context: context)
        } catch let error as HTTPError {
            return try APIError(error).response(from: request, context: context)
        } catch let error as any HTTPResponseError where error.status.code < 500 {
            return try APIError(HTTPError(error.status)).response(from: request, context: context)
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))", "http.path": "\(request.uri.path)"])
            return try APIError(.internalServerError, code: "internal", message: "Internal error; it has been logged.")
                .response(from: request, context: context)
        }
    }
}
