import LogviewCore

/// Builds indexes from inline text, so tests read like the logs they are about.
public enum Fixture {
    public static func segment(_ text: String, path: String = "/logs/test.log", modified: Int64 = 0) -> Segment {
        Segment(path: path, data: SegmentBytes(copying: Array(text.utf8)), modified: Timestamp(nanoseconds: modified))
    }

    public static func segment(bytes: [UInt8], path: String = "/logs/test.log", modified: Int64 = 0) -> Segment {
        Segment(path: path, data: SegmentBytes(copying: bytes), modified: Timestamp(nanoseconds: modified))
    }

    public static func source(
        _ name: String, _ text: String, format: any LogFormat = KeyValueTestFormat(),
        options: FormatOptions = FormatOptions(), path: String? = nil
    ) throws -> SourceIndex {
        try SourceIndexer.index(
            name: name, format: format, options: options,
            segments: [segment(text, path: path ?? "/logs/\(name).log")])
    }

    /// Every physical line fed to a parser: (kind, facts) per line, for format tests.
    public static func scanLines(_ text: String, parser: any LineParser) -> [(LineKind, LineFacts)] {
        var out: [(LineKind, LineFacts)] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let bytes = Array(line.utf8)
            bytes.withUnsafeBytes { b in
                var facts = LineFacts()
                let kind = parser.scan(b, into: &facts)
                out.append((kind, facts))
            }
        }
        return out
    }

    /// The text of an id range in a line.
    public static func text(_ line: String, _ r: ByteRange) -> String {
        String(decoding: Array(line.utf8)[Int(r.start)..<Int(r.end)], as: UTF8.self)
    }
}

/// A deliberately tiny format for testing the store, merge and correlation without depending on
/// any real log format (those have their own tests). A line that starts with `@` starts an entry:
/// `@<ns> <level> [s=<session>] [id=<x>] [tid=<x>] [peer=<x>] [req=<x>] [dur=<ns>] message`;
/// any other line continues the entry above and may carry `id=`/`tid=` too.
public struct KeyValueTestFormat: LogFormat {
    public init() {}
    public var name: String { "kv-test" }
    public var defaultSourceName: String { "kv" }
    public func makeParser(_ options: FormatOptions) throws -> any LineParser { Parser() }

    final class Parser: LineParser {
        func scan(_ line: UnsafeRawBufferPointer, into facts: inout LineFacts) -> LineKind {
            let isStart = line.count > 1 && line[0] == 0x40
            var i = 0
            var field = 0
            while i < line.count {
                while i < line.count && line[i] == 0x20 { i += 1 }
                let start = i
                while i < line.count && line[i] != 0x20 { i += 1 }
                let word = line.slice(start, i)
                defer { field += 1 }
                if isStart && field == 0 {
                    guard let (v, _) = word.digitRun(at: 1) else { return .continuation }
                    facts.timestamp = Timestamp(nanoseconds: Int64(v))
                    facts.precision = .nanoseconds
                    continue
                }
                if isStart && field == 1 {
                    facts.level = Level(word: word) ?? .unknown
                    continue
                }
                if word.matches("s=", at: 0), let (v, _) = word.digitRun(at: 2) {
                    facts.session = UInt64(v)
                } else if word.matches("id=", at: 0) {
                    facts.ids.append(ByteRange(start + 3, i), kind: .request, in: line)
                } else if word.matches("tid=", at: 0) {
                    facts.ids.append(ByteRange(start + 4, i), kind: .trace, in: line)
                } else if word.matches("peer=", at: 0) {
                    facts.peer = ByteRange(start + 5, i)
                } else if word.matches("req=", at: 0) {
                    facts.requestLine = ByteRange(start + 4, i)
                } else if word.matches("dur=", at: 0), let (v, _) = word.digitRun(at: 4) {
                    facts.duration = TimeSpan(nanoseconds: Int64(v))
                } else if isStart && facts.messageStart == 0 {
                    facts.messageStart = start
                }
            }
            return isStart ? .start : .continuation
        }
    }
}
