/// Every log format logview knows, in detection priority order (specific first, generic last).
public enum FormatRegistry {
    public static let all: [any LogFormat] = [
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
