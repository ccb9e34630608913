/// nginx access logs written with `log_format ... escape=json '{...}'`: one JSON object per line.
///
/// Keys are read by the nginx variable they are named after (`msec`, `time_iso8601`,
/// `time_local`, `status`, `request_id`, `request_time`, `remote_addr`, `request`...). A line is an
/// entry when it opens a JSON object and has a readable time; a line cut short (the file's last
/// line, or one still being written) still counts if the time came before the cut.
public struct NginxJSONAccessFormat: LogFormat {
    /// The identifier `--format` and the config use.
    public var name: String { "nginx-json" }
    /// Sources in this format are called `nginx` unless configured otherwise.
    public var defaultSourceName: String { "nginx" }

    public init() {}

    /// A parser for one source; `options.zone` reads times that carry no offset. Never throws.
    public func makeParser(_ options: FormatOptions) throws -> any LineParser {
        NginxJSONAccessLineParser(zone: options.zone)
    }
}

/// Reads `escape=json` access-log lines.
final class NginxJSONAccessLineParser: LineParser {
    private let zone: ZoneRules

    init(zone: ZoneRules) { self.zone = zone }

    /// Walks the object once, keeping the members logview uses. Does not allocate.
    func scan(_ line: UnsafeRawBufferPointer, into facts: inout LineFacts) -> LineKind {
        guard var reader = NginxJSONMemberReader(line) else { return .continuation }
        var msec: ByteRange?
        var iso: ByteRange?
        var local: ByteRange?
        var status: ByteRange?
        var requestTime: ByteRange?
        var peer: ByteRange?
        var request: ByteRange?
        var ids = IDSlots()
        walk: while true {
            switch reader.next() {
            case .member(let key, let value, let isString):
                switch NginxVariableRole(name: line.slice(key)) {
                case .msec: msec = msec ?? value
                case .timeISO8601 where isString: iso = iso ?? value
                case .timeLocal where isString: local = local ?? value
                case .status: status = status ?? value
                case .requestTime: requestTime = requestTime ?? value
                case .remoteAddr where isString: peer = peer ?? value
                case .request where isString: request = request ?? value
                case .requestID where isString: NginxValues.addID(value, kind: .request, to: &ids, in: line)
                case .traceparent where isString:
                    if let trace = NginxValues.traceIDRange(inTraceparent: value, of: line) {
                        NginxValues.addID(trace, kind: .trace, to: &ids, in: line)
                    }
                case .traceID where isString:
                    if let trace = NginxValues.traceIDRange(bare: value, of: line) {
                        NginxValues.addID(trace, kind: .trace, to: &ids, in: line)
                    }
                default: break
                }
            case .end, .truncated: break walk
            case .malformed: return .continuation
            }
        }

        // The most precise readable time wins.
        if let r = msec, let t = NginxTime.msec(line.slice(r)) {
            (facts.timestamp, facts.precision) = (t.timestamp, t.precision)
        } else if let r = iso, let t = NginxTime.iso8601(line.slice(r), zone: zone) {
            (facts.timestamp, facts.precision) = (t.timestamp, t.precision)
        } else if let r = local, let t = NginxTime.local(line.slice(r)) {
            (facts.timestamp, facts.precision) = (t, .seconds)
        } else {
            return .continuation
        }
        facts.messageStart = 0
        facts.level = status.map { NginxValues.level(status: line.slice($0)) } ?? .unknown
        if let r = requestTime, let seconds = NginxValues.seconds(line.slice(r)) {
            facts.duration = TimeSpan(nanoseconds: seconds.nanoseconds)
        }
        facts.peer = peer.flatMap { NginxValues.isAbsent(line.slice($0)) ? nil : $0 }
        facts.requestLine = request.flatMap { NginxValues.isAbsent(line.slice($0)) ? nil : $0 }
        facts.ids = ids
        return .start
    }

    /// Every member in order: keys and string values decoded, other values as written.
    func annotate(_ text: UnsafeRawBufferPointer) -> [Field] {
        guard var reader = NginxJSONMemberReader(text) else { return [] }
        var fields: [Field] = []
        while case .member(let key, let value, let isString) = reader.next() {
            let raw = text.slice(value)
            fields.append(
                Field(
                    NginxJSONMemberReader.decodedString(text.slice(key)),
                    isString ? NginxJSONMemberReader.decodedString(raw) : String(decoding: raw, as: UTF8.self)))
        }
        return fields
    }
}
