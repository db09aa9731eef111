import CallCenter
import Foundation
import Hummingbird

/// Logo设置: the image on the login page and in the toolbar.
enum LogoController {
    static let maxBytes = 512 * 1024

    static func register(on table: RouteTable, services s: Services) {
        table.add(
            Endpoint(method: .get, path: "/api/v1/logo", access: .anonymous, summary: "The uploaded logo (404 when none)", tag: "organization",
                     response: .string(format: "binary"), responseContentType: "image/*")
        ) { _, _ in
            guard var logo = try await s.repos.logo.load() else {
                throw APIError(.notFound, code: "not_found", message: "No logo has been uploaded")
            }
            // A logo stored before SVGs were rebuilt on upload is rebuilt on the way out.
            if logo.contentType == "image/svg+xml" {
                guard let safe = try? SVGSanitizer.sanitize(logo.bytes) else {
                    throw APIError(.notFound, code: "not_found", message: "No logo has been uploaded")
                }
                logo.bytes = Array(safe.utf8)
            }
            return Response(
                status: .ok,
                headers: [
                    .contentType: logo.contentType, .cacheControl: "no-cache",
                    // An SVG opened on its own must not run anything.
                    .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; sandbox",
                ],
                body: .init(byteBuffer: ByteBuffer(bytes: logo.bytes))
            )
        }
        table.add(
            Endpoint(method: .put, path: "/api/v1/logo", access: .permission(Permission.logoUpdate), summary: "Upload the logo (PNG, JPEG or SVG; at most 512 KiB)",
                     tag: "organization", request: .string(format: "binary"), requestContentTypes: ["image/png", "image/jpeg", "image/svg+xml"], status: 204)
        ) { request, _, caller in
            let buffer: ByteBuffer
            do {
                buffer = try await request.body.collect(upTo: maxBytes)
            } catch let error as HTTPError where error.status == .contentTooLarge {
                throw APIError(.contentTooLarge, code: "payload_too_large", message: "The logo must be at most 512 KiB")
            }
            var bytes = Array(buffer.readableBytesView)
            let declared = request.headers[.contentType]?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            let type = try ImageSniffer.check(bytes, declared: declared)
            if type == "image/svg+xml" {
                // Stored as rebuilt from the safe subset, never as uploaded.
                do {
                    bytes = Array(try SVGSanitizer.sanitize(bytes).utf8)
                } catch {
                    throw DomainError.invalid("file", "the SVG could not be read as a plain image (\(error)); upload a PNG or a simple SVG")
                }
            }
            try await s.repos.logo.save(Logo(contentType: type, bytes: bytes))
            try await s.audit.record("logo.update", target: "logo", detail: "\(type) \(bytes.count) bytes", actor: caller.actor)
            return .noContent
        }
        table.add(
            Endpoint(method: .delete, path: "/api/v1/logo", access: .permission(Permission.logoUpdate), summary: "Remove the logo", tag: "organization", status: 204)
        ) { _, _, caller in
            try await s.repos.logo.remove()
            try await s.audit.record("logo.remove", target: "logo", actor: caller.actor)
            return .noContent
        }
    }
}

/// Trusts the bytes, not the declared type: only real PNG, JPEG and SVG
/// (which `SVGSanitizer` then rebuilds) get in.
enum ImageSniffer {
    static func check(_ bytes: [UInt8], declared: String) throws -> String {
        guard !bytes.isEmpty else { throw DomainError.invalid("file", "the file is empty") }
        let actual: String
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            actual = "image/png"
        } else if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
            actual = "image/jpeg"
        } else if let text = String(validating: bytes, as: UTF8.self), isSVG(text) {
            actual = "image/svg+xml"
        } else {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type", message: "The logo must be a PNG, JPEG or SVG image")
        }
        if !declared.isEmpty, declared != actual, !(declared == "image/jpg" && actual == "image/jpeg") {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type", message: "The file is \(actual) but was sent as \(declared)")
        }
        return actual
    }

    private static func isSVG(_ text: String) -> Bool {
        let head = text.prefix(1024).trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        return (head.hasPrefix("<?xml") || head.hasPrefix("<svg") || head.hasPrefix("<!--")) && text.lowercased().contains("<svg")
    }
}
