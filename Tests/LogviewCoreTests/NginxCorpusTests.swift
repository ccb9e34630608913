import Foundation
import Testing

@testable import LogviewCore

/// Runs the nginx parsers over a generated corpus when `LOGVIEW_CORPUS` names one:
/// `python3 /work/shared/corpus/generate DIR --size 5MB --hostile; LOGVIEW_CORPUS=DIR swift test --filter NginxCorpus`.
/// Every line of the four nginx files must start an entry, the counts must equal `manifest.json`,
/// and times must agree with `truth.jsonl`. Assumes the default `--start` offset, +09:00.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["LOGVIEW_CORPUS"] != nil))
struct NginxCorpusTests {
    static let directory = URL(fileURLWithPath: ProcessInfo.processInfo.environment["LOGVIEW_CORPUS"] ?? "/nonexistent")

    typealias Span = (start: Int64, end: Int64)

    static let truth = (try? readTruth()) ?? (byID: [:], byLine: [:])

    /// Each request's (start, end) in UTC ns from `truth.jsonl`, by request id and by file and line.
    static func readTruth() throws -> (byID: [String: Span], byLine: [String: [Int: Span]]) {
        let text = String(
            decoding: try Data(contentsOf: directory.appendingPathComponent("truth.jsonl")), as: UTF8.self)
        var spans: [String: Span] = [:]
        var byLine: [String: [Int: Span]] = [:]
        for line in text.split(separator: "\n") {
            // Hostile records can hold escapes Foundation refuses (lone surrogates); skip those.
            guard let record = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let id = record["request_id"] as? String,
                let start = (record["start_ns"] as? NSNumber)?.int64Value,
                let end = (record["end_ns"] as? NSNumber)?.int64Value
            else { continue }
            spans[id] = (start, end)
            let sources = record["sources"] as? [String: Any]
            for case let source as [String: Any] in sources?.values.map({ $0 }) ?? [] {
                guard let file = source["file"] as? String, file.hasPrefix("nginx/") else { continue }
                for line in source["lines"] as? [Int] ?? [] { byLine[file, default: [:]][line] = (start, end) }
            }
        }
        return (spans, byLine)
    }

    @Test(
        arguments: [
            ("nginx/access.log", NginxAccessFormatTests.mainFormat),
            ("nginx/access-combined.log", nil),
            ("nginx/access.json", "json"),
            ("nginx/error.log", "error"),
        ] as [(String, String?)])
    func everyLineStartsAnEntry(file: String, format: String?) throws {
        let options = FormatOptions(
            zone: nginxSeoul, nginxLogFormat: format == "json" || format == "error" ? nil : format)
        let parser: any LineParser =
            switch format {
            case "json": try NginxJSONAccessFormat().makeParser(options)
            case "error": try NginxErrorFormat().makeParser(options)
            default: try NginxAccessFormat().makeParser(options)
            }
        let bytes = [UInt8](try Data(contentsOf: Self.directory.appendingPathComponent(file)))
        let spans = Self.truth.byID
        #expect(!spans.isEmpty)
        var lines = 0
        var starts = 0
        var checkedTimes = 0
        var facts = LineFacts()
        bytes.withUnsafeBytes { all in
            var start = 0
            while start < all.count {
                var end = start
                while end < all.count, all[end] != 0x0A { end += 1 }
                var lineEnd = end
                if lineEnd > start, all[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                facts = LineFacts()
                lines += 1
                let line = all.slice(start, lineEnd)
                if parser.scan(line, into: &facts) == .start {
                    starts += 1
                    // Every corpus line names its client and (but for JSON) its request.
                    #expect(facts.peer != nil, "\(file):\(lines)")
                    #expect(format == "json" || facts.requestLine != nil, "\(file):\(lines)")
                    #expect(format != "error" || facts.session != 0, "\(file):\(lines)")
                    // nginx prints the request's end; $time_local truncates it to the second.
                    if facts.ids.count > 0, format != "error",
                        let span = spans[String(decoding: line.slice(facts.ids[0].range), as: UTF8.self)]
                    {
                        let unit = facts.precision.unit.nanoseconds
                        #expect(facts.timestamp.nanoseconds == span.end / unit * unit, "\(file):\(lines)")
                        // $request_time has milliseconds; a few truth starts are not on a whole millisecond.
                        if let duration = facts.duration {
                            #expect(abs(duration.nanoseconds - (span.end - span.start)) < 1_000_000, "\(file):\(lines)")
                        }
                        checkedTimes += 1
                    }
                    // Every line lies within its request at its precision (error.log read in +09:00).
                    if let span = Self.truth.byLine[file]?[lines] {
                        let unit = facts.precision.unit.nanoseconds
                        let t = facts.timestamp.nanoseconds
                        #expect(t >= span.start / unit * unit && t <= span.end, "\(file):\(lines)")
                        checkedTimes += 1
                    }
                } else {
                    Issue.record(
                        "\(file):\(lines) is not an entry: \(String(decoding: all.slice(start, lineEnd), as: UTF8.self))"
                    )
                }
                start = end + 1
            }
        }
        let manifest =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: Self.directory.appendingPathComponent("manifest.json"))) as? [String: Any]
        let files = manifest?["files"] as? [String: Any]
        let expected = (files?[file] as? [String: Any])?["lines_or_entries"] as? Int
        #expect(starts == lines)
        #expect(starts == expected)
        #expect(checkedTimes > 0)
        print(
            "nginx corpus: \(file): \(starts) entries of \(lines) lines (manifest \(expected ?? -1)), \(checkedTimes) times checked against truth.jsonl"
        )
    }
}
