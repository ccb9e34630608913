import Foundation
import LogviewCore
import Testing

/// Checks the Spring Boot and Python formats against a generated corpus
/// (`/work/shared/corpus/generate DIR --size 5MB --hostile`). Runs only when `LOGVIEW_CORPUS`
/// names such a directory: big inputs are generated, not committed.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["LOGVIEW_CORPUS"] != nil))
struct AppFormatsCorpusTests {
    let directory = ProcessInfo.processInfo.environment["LOGVIEW_CORPUS"] ?? ""

    @Test(arguments: [
        ("backend/backend.log", "backend", "spring-boot"),
        ("ai/ai.log", "ai", "python"),
    ])
    func entriesMatchTruth(file: String, truthKey: String, formatName: String) throws {
        let format: any LogFormat = formatName == "python" ? PythonLoggingFormat() : SpringBootFormat()
        let offset = try manifestOffset()
        let parser = AppFormatTestKit.parser(format, FormatOptions(zone: ZoneRules(fixedOffset: Int32(offset))))
        let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: directory + "/" + file)))
        let lines = AppFormatTestKit.lines(of: data)
        let manifest = try json(directory + "/manifest.json")
        let files = try #require(manifest["files"] as? [String: Any])
        let expectedLines = try #require((files[file] as? [String: Any])?["lines_or_entries"] as? Int)
        #expect(lines.count == expectedLines)

        let entries = AppFormatTestKit.entries(parser, lines)
        #expect(entries.first?.firstLine == 0)
        var byFirstLine: [Int: AppFormatTestKit.Entry] = [:]
        for e in entries { byFirstLine[e.firstLine + 1] = e }

        // Every entry truth.jsonl names starts where it says, spans its lines, and lies in the request.
        var checked = 0
        let truth = try [UInt8](Data(contentsOf: URL(fileURLWithPath: directory + "/truth.jsonl")))
        for record in truth.split(separator: 0x0A) {
            // Foundation's JSON reader rejects the lone surrogates hostile URIs carry; our scanner does not care.
            guard let r = TruthRecord(Array(record), source: truthKey) else { continue }
            let (startNs, endNs, rid, firstLines, counts) = (r.startNs, r.endNs, r.requestID, r.lines, r.lineCounts)
            for (line, count) in zip(firstLines, counts) {
                let entry = try #require(byFirstLine[line], "\(file):\(line) should start an entry")
                #expect(entry.lineCount == count, "\(file):\(line)")
                #expect(entry.facts.timestamp.nanoseconds >= startNs - 999_999, "\(file):\(line)")
                #expect(entry.facts.timestamp.nanoseconds <= endNs, "\(file):\(line)")
                // A writer killed mid-line (hostile corpus) can cut the id off the file's last line.
                let cutShort = line == lines.count && data.last != 0x0A
                #expect(cutShort || entry.ids.contains(rid), "\(file):\(line)")
                checked += 1
            }
        }
        #expect(checked > 50)
        print("\(file): \(lines.count) lines, \(entries.count) entries, \(checked) truth references checked")
    }

    /// The parts of one truth.jsonl record this test needs, read with `JSONFieldScanner`.
    struct TruthRecord {
        var startNs: Int64 = 0
        var endNs: Int64 = 0
        var requestID = ""
        var lines: [Int] = []
        var lineCounts: [Int] = []

        init?(_ bytes: [UInt8], source: String) {
            let found: Bool = bytes.withUnsafeBytes { b in
                guard var object = JSONFieldScanner(b) else { return false }
                var found = false
                while let m = object.next() {
                    let text = String(decoding: b.slice(m.value), as: UTF8.self)
                    switch String(decoding: b.slice(m.key), as: UTF8.self) {
                    case "start_ns": startNs = Int64(text) ?? 0
                    case "end_ns": endNs = Int64(text) ?? 0
                    case "request_id": requestID = text
                    case "sources":
                        guard var sources = JSONFieldScanner(b, objectAt: Int(m.value.start)) else { break }
                        while let s = sources.next() {
                            guard String(decoding: b.slice(s.key), as: UTF8.self) == source,
                                var refs = JSONFieldScanner(b, objectAt: Int(s.value.start))
                            else { continue }
                            while let r = refs.next() {
                                let numbers = String(decoding: b.slice(r.value), as: UTF8.self)
                                    .split(whereSeparator: { "[],".contains($0) }).compactMap { Int($0) }
                                switch String(decoding: b.slice(r.key), as: UTF8.self) {
                                case "lines": lines = numbers
                                case "nlines": lineCounts = numbers
                                default: break
                                }
                            }
                            found = true
                        }
                    default: break
                    }
                }
                return found
            }
            guard found else { return nil }
        }
    }

    private func json(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    private func manifestOffset() throws -> Int {
        try #require(try json(directory + "/manifest.json")["app_utc_offset_s"] as? Int)
    }
}
