/// Every log format logview knows, in detection priority order (specific first, generic last).
public enum FormatRegistry {
    public static let all: [any LogFormat] = [
        NginxJSONAccessFormat(), NginxAccessFormat(), NginxErrorFormat(),
        PostgresJSONFormat(), PostgresCSVFormat(), PostgresStderrFormat(),
        SpringBootFormat(), PythonLoggingFormat(), JSONLinesFormat(), SyslogFormat(), GenericFormat(),
    ]

    /// The format with this name (`--format`), if any.
    public static func format(named name: String) -> (any LogFormat)? {
        all.first { $0.name == name }
    }

    public static var names: [String] { all.map(\.name) }

    /// Detection candidates for a source: every format with the source's options; nginx and
    /// PostgreSQL are tried with the configured format string and with their defaults.
    public static func candidates(for options: FormatOptions) -> [FormatDetector.Candidate] {
        var out: [FormatDetector.Candidate] = []
        for f in all {
            out.append(.init(format: f, options: options))
            if options.nginxLogFormat != nil, f.name == "nginx-access" {
                var o = options
                o.nginxLogFormat = nil
                out.append(.init(format: f, options: o))
            }
            if options.postgresLinePrefix != nil, f.name == "postgresql" {
                var o = options
                o.postgresLinePrefix = nil
                out.append(.init(format: f, options: o))
            }
        }
        return out
    }
}

extension FormatRegistry {
    /// Used when no format starts any sampled line (binary data, free text).
    public static var fallback: any LogFormat { format(named: "generic") ?? PlainTextFormat() }
}

/// Every line is its own entry, timed by the file (used only when no format is registered).
struct PlainTextFormat: LogFormat {
    var name: String { "plain" }
    var defaultSourceName: String { "log" }
    func makeParser(_ options: FormatOptions) throws -> any LineParser { Parser(time: options.referenceTime) }
    final class Parser: LineParser {
        let time: Timestamp
        init(time: Timestamp) { self.time = time }
        func scan(_ line: UnsafeRawBufferPointer, into facts: inout LineFacts) -> LineKind {
            facts.timestamp = time
            return .start
        }
    }
}
