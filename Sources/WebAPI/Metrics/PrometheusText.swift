/// Lines of the Prometheus text format, for the figures other parts of the
/// server report. Label values come from fixed sets (methods, status
/// classes, dispositions), never from the traffic.
public struct PrometheusText: Sendable {
    public private(set) var lines: [String] = []

    public init() {}

    public enum Kind: String, Sendable {
        case counter, gauge
    }

    /// `# HELP` and `# TYPE` for a metric, then its samples.
    public mutating func metric(_ name: String, _ kind: Kind, _ help: String, _ samples: [(labels: [(String, String)], value: Int)]) {
        lines.append("# HELP \(name) \(help)")
        lines.append("# TYPE \(name) \(kind.rawValue)")
        for sample in samples {
            let labels = sample.labels.map { "\($0.0)=\"\($0.1)\"" }.joined(separator: ",")
            lines.append(labels.isEmpty ? "\(name) \(sample.value)" : "\(name){\(labels)} \(sample.value)")
        }
    }

    /// A metric with one unlabelled sample.
    public mutating func metric(_ name: String, _ kind: Kind, _ help: String, _ value: Int) {
        metric(name, kind, help, [(labels: [], value: value)])
    }
}
