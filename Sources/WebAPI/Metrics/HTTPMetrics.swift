import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// Request counts and latency by route template, in Prometheus text form.
/// Labels are bounded: method, route template (never a raw path) and status.
public final class HTTPMetrics: Sendable {
    static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    private struct Series: Hashable {
        let method: String
        let route: String
        let status: Int
    }

    private struct Histogram {
        var counts = [Int](repeating: 0, count: HTTPMetrics.buckets.count)
        var sum = 0.0
        var count = 0
    }

    private struct State {
        var requests: [Series: Int] = [:]
        var latency: [Series: Histogram] = [:]
    }

    private let state = Mutex(State())
    private let started = Date()

    public init() {}

    func observe(method: String, route: String, status: Int, seconds: Double) {
        let series = Series(method: method, route: route, status: status)
        let latencyKey = Series(method: method, route: route, status: 0)
        state.withLock { state in
            state.requests[series, default: 0] += 1
            var histogram = state.latency[latencyKey] ?? Histogram()
            for (index, bound) in Self.buckets.enumerated() where seconds <= bound { histogram.counts[index] += 1 }
            histogram.sum += seconds
            histogram.count += 1
            state.latency[latencyKey] = histogram
        }
    }

    /// The exposition text for `GET /metrics`.
    public func render(extra: [String] = []) -> String {
        let snapshot = state.withLock { $0 }
        var out = "# HELP hotline_http_requests_total HTTP requests by method, route template and status.\n"
        out += "# TYPE hotline_http_requests_total counter\n"
        for (series, count) in snapshot.requests.sorted(by: { ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status) }) {
            out += "hotline_http_requests_total{method=\"\(series.method)\",route=\"\(escape(series.route))\",status=\"\(series.status)\"} \(count)\n"
        }
        out += "# HELP hotline_http_request_duration_seconds HTTP request latency by method and route template.\n"
        out += "# TYPE hotline_http_request_duration_seconds histogram\n"
        for (series, histogram) in snapshot.latency.sorted(by: { ($0.key.route, $0.key.method) < ($1.key.route, $1.key.method) }) {
            let labels = "method=\"\(series.method)\",route=\"\(escape(series.route))\""
            for (index, bound) in Self.buckets.enumerated() {
                out += "hotline_http_request_duration_seconds_bucket{\(labels),le=\"\(bound)\"} \(histogram.counts[index])\n"
            }
            out += "hotline_http_request_duration_seconds_bucket{\(labels),le=\"+Inf\"} \(histogram.count)\n"
            out += "hotline_http_request_duration_seconds_sum{\(labels)} \(histogram.sum)\n"
            out += "hotline_http_request_duration_seconds_count{\(labels)} \(histogram.count)\n"
        }
        out += "# HELP hotline_uptime_seconds Seconds since the process started.\n# TYPE hotline_uptime_seconds gauge\n"
        out += "hotline_uptime_seconds \(Int(Date().timeIntervalSince(started)))\n"
        for line in extra { out += line + "\n" }
        return out
    }

    private func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}

struct MetricsMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let metrics: HTTPMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let route = context.endpointPath ?? (request.uri.path.hasPrefix("/api/") ? "unmatched" : "static")
        metrics.observe(method: request.method.rawValue, route: route, status: response.status.code, seconds: seconds)
        return response
    }
}

/// Headers every response carries: no sniffing, no framing, a strict CSP
/// for the web application.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let frameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[Self.frameOptions] = "DENY"
        response.headers[Self.referrerPolicy] = "same-origin"
        if response.headers[.contentSecurityPolicy] == nil {
            response.headers[.contentSecurityPolicy] =
                "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
        }
        return response
    }
}
