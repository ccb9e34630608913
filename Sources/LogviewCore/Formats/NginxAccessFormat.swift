/// nginx access logs written with a `log_format` (default: nginx's predefined `combined`).
///
/// Any format is compiled once per source (`FormatOptions.nginxLogFormat`); a line that does not
/// have the format's shape is a continuation, which is what the detector counts. The entry time is
/// the format's time variable (`$msec`, else `$time_iso8601`, else `$time_local`), which nginx
/// writes when the request ends.
public struct NginxAccessFormat: LogFormat {
    /// The identifier `--format` and the config use.
    public var name: String { "nginx-access" }
    /// Sources in this format are called `nginx` unless configured otherwise.
    public var defaultSourceName: String { "nginx" }

    public init() {}

    /// A parser for one source, with `options.nginxLogFormat` compiled once here.
    /// - Throws: `NginxLogFormat.Error` when the configured format does not compile.
    public func makeParser(_ options: FormatOptions) throws -> any LineParser {
        guard let text = options.nginxLogFormat else {
            return NginxAccessLineParser(format: .combined, zone: options.zone, allowsTrailingFields: true)
        }
        return NginxAccessLineParser(format: try NginxLogFormat(text), zone: options.zone)
    }
}

/// Reads the lines of one access log against its compiled format.
final class NginxAccessLineParser: LineParser {
    private let matcher: NginxLineMatcher
    private let variableNames: [String]
    private let zone: ZoneRules
    private let timeVariable: Int
    private let timeRole: NginxVariableRole
    private let statusVariable: Int?
    private let requestTimeVariable: Int?
    private let peerVariable: Int?
    private let requestVariable: Int?
    private let idVariables: [(index: Int, role: NginxVariableRole)]

    init(format: NginxLogFormat, zone: ZoneRules, allowsTrailingFields: Bool = false) {
        matcher = NginxLineMatcher(format, allowsTrailingFields: allowsTrailingFields)
        variableNames = format.variableNames
        self.zone = zone
        let roles = variableNames.map(NginxVariableRole.init(name:))
        func first(_ role: NginxVariableRole) -> Int? { roles.firstIndex(of: role) }
        // The most precise time wins; compiling guaranteed there is one.
        if let i = first(.msec) {
            (timeVariable, timeRole) = (i, .msec)
        } else if let i = first(.timeISO8601) {
            (timeVariable, timeRole) = (i, .timeISO8601)
        } else {
            (timeVariable, timeRole) = (first(.timeLocal) ?? 0, .timeLocal)
        }
        statusVariable = first(.status)
        requestTimeVariable = first(.requestTime)
        peerVariable = first(.remoteAddr)
        requestVariable = first(.request)
        idVariables = roles.enumerated().compactMap { index, role in
            role == .requestID || role == .traceparent || role == .traceID ? (index, role) : nil
        }
    }

    /// Matches the line against the format and reads time, level, ids, duration, peer and request.
    /// Does not allocate.
    func scan(_ line: UnsafeRawBufferPointer, into facts: inout LineFacts) -> LineKind {
        guard matcher.match(line) else { return .continuation }
        let time = line.slice(matcher.range(of: timeVariable))
        switch timeRole {
        case .msec:
            guard let t = NginxTime.msec(time) else { return .continuation }
            (facts.timestamp, facts.precision) = (t.timestamp, t.precision)
        case .timeISO8601:
            guard let t = NginxTime.iso8601(time, zone: zone) else { return .continuation }
            (facts.timestamp, facts.precision) = (t.timestamp, t.precision)
        default:
            guard let t = NginxTime.local(time) else { return .continuation }
            (facts.timestamp, facts.precision) = (t, .seconds)
        }
        facts.messageStart = 0
        facts.level = statusVariable.map { NginxValues.level(status: line.slice(matcher.range(of: $0))) } ?? .unknown
        if let v = requestTimeVariable, let seconds = NginxValues.seconds(line.slice(matcher.range(of: v))) {
            facts.duration = TimeSpan(nanoseconds: seconds.nanoseconds)
        }
        if let v = peerVariable { facts.peer = present(matcher.range(of: v), in: line) }
        if let v = requestVariable { facts.requestLine = present(matcher.range(of: v), in: line) }
        for (index, role) in idVariables {
            let range = matcher.range(of: index)
            switch role {
            case .traceparent:
                if let trace = NginxValues.traceIDRange(inTraceparent: range, of: line) {
                    NginxValues.addID(trace, kind: .trace, to: &facts.ids, in: line)
                }
            case .traceID:
                if let trace = NginxValues.traceIDRange(bare: range, of: line) {
                    NginxValues.addID(trace, kind: .trace, to: &facts.ids, in: line)
                }
            default:
                NginxValues.addID(range, kind: .request, to: &facts.ids, in: line)
            }
        }
        if matcher.matchedEnd < line.count {
            // Fields appended to `combined` (`rid=…`, `request_id=…`) still name the request.
            IDScanner.scan(line, from: matcher.matchedEnd, to: line.count, into: &facts.ids)
        }
        return .start
    }

    /// Every variable of the format, named without `$`, with its value as nginx wrote it
    /// (nginx's `\xHH` escapes are kept; the output layer makes bytes safe to show).
    func annotate(_ text: UnsafeRawBufferPointer) -> [Field] {
        guard matcher.match(text) else { return [] }
        return variableNames.enumerated().map { index, name in
            Field(name, String(decoding: text.slice(matcher.range(of: index)), as: UTF8.self))
        }
    }

    private func present(_ range: ByteRange, in line: UnsafeRawBufferPointer) -> ByteRange? {
        NginxValues.isAbsent(line.slice(range)) ? nil : range
    }
}
