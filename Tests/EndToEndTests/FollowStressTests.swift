import Foundation
import Testing
import TestSupport

// Many lines, many rotations: while `logview --print --follow --output json` runs, a writer
// appends numbered lines to an nginx access log, a Spring Boot backend log and a PostgreSQL log,
// in chunks of varying size (some lines split across two writes), and rotates each file several
// times, alternating rename + create (with a few lines still written to the renamed file, as a
// service does before it reopens) and copytruncate. Afterwards every line must have been printed
// exactly once, in its file's order.
//
// copytruncate loses whatever the follower had not read before the truncation (it does so for
// `tail -F` too; the copy is not followed), so before each copytruncate the writer waits until
// logview has printed everything written so far. Rename rotations get no such help.

/// One stream of numbered lines that the stress writer feeds (a log file, or the journal).
protocol StressStream: AnyObject {
    /// The source name logview prints for it.
    var source: String { get }
    /// Lines written so far (numbered 1...written).
    var written: Int { get }
    /// Writes the next `count` lines; `split` writes the last one in two parts.
    func write(count: Int, split: Bool)
    /// Rotates the stream's file; `waitForReader` returns once logview printed all written lines.
    func rotate(_ k: Int, waitForReader: () throws -> Void) throws
}

/// A log file of one format, rotated in turns by rename + create and by copytruncate.
final class FileStressStream: StressStream {
    let source: String
    let writer: AppendingWriter
    private(set) var written = 0
    private let format: (Int) -> String

    init(source: String, path: String, format: @escaping (Int) -> String) throws {
        self.source = source
        self.format = format
        writer = try AppendingWriter(path)
    }

    func write(count: Int, split: Bool) {
        var text = ""
        for _ in 0..<count {
            written += 1
            text += format(written)
        }
        if split, text.count > 10 {
            let cut = text.index(text.endIndex, offsetBy: -7)
            writer.write(String(text[..<cut]))
            writer.write(String(text[cut...]))
        } else {
            writer.write(text)
        }
    }

    func rotate(_ k: Int, waitForReader: () throws -> Void) throws {
        let target = writer.path + ".\(k)"
        if k % 2 == 1 {
            try writer.rotateByRename(to: target) {
                var text = ""
                for _ in 0..<3 {
                    written += 1
                    text += format(written)
                }
                return text
            }
        } else {
            try waitForReader()
            try writer.rotateByCopyTruncate(to: target)
        }
    }
}

/// Journal entries of one unit, appended by systemd-journal-remote to a journal file in a directory
/// that logview follows; "rotation" starts a new journal file, as journald does when a file is full.
final class JournalStressStream: StressStream {
    let source = "stress"
    let directory: String
    private(set) var written = 0
    private var file: String

    init(directory: String) {
        self.directory = directory
        file = directory + "/system.journal"
    }

    static func realtime(_ n: Int) -> UInt64 { 1_769_781_600_000_000 + UInt64(n) * 1000 }  // 14:00:00Z + n ms

    func write(count: Int, split: Bool) {
        var entries: [JournalExport.Entry] = []
        for _ in 0..<count {
            written += 1
            entries.append(.init(realtime: Self.realtime(written), [
                ("_SYSTEMD_UNIT", "stress.service"), ("PRIORITY", "6"), ("MESSAGE", "stress seq=\(written)"),
            ]))
        }
        // A failed append shows up below as missing lines.
        try? JournalExport.write(entries, to: file)
    }

    func rotate(_ k: Int, waitForReader: () throws -> Void) throws {
        file = directory + "/system@\(k).journal"
    }
}

/// Counts the lines of a growing output file incrementally.
final class OutputLineCounter {
    let path: String
    private var offset: UInt64 = 0
    private(set) var lines = 0

    init(_ path: String) { self.path = path }

    func refresh() -> Int {
        guard let h = FileHandle(forReadingAtPath: path) else { return lines }
        defer { try? h.close() }
        try? h.seek(toOffset: offset)
        let data = h.readDataToEndOfFile()
        offset += UInt64(data.count)
        lines += data.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        return lines
    }
}

@Suite(.serialized) struct FollowStressTests {
    static let perStream = 70_000
    static let rotateEvery = 11_000

    static func clock(_ n: Int) -> (min: Int, sec: Int, ms: Int) {
        let total = 7_200_000 + n  // ms after 12:00
        return ((total / 60_000) % 60, (total / 1000) % 60, total % 1000)
    }

    static func nginx(_ n: Int) -> String {
        let t = clock(n)
        return "127.0.0.1 - - [30/Jan/2026:14:\(pad(t.min)):\(pad(t.sec)) +0000] \"GET /stress?seq=\(n) HTTP/1.1\" 200 5 \"-\" \"stress\"\n"
    }

    static func backend(_ n: Int) -> String {
        let t = clock(n)
        return "2026-01-30T14:\(pad(t.min)):\(pad(t.sec)).\(pad(t.ms, 3))Z  INFO 4242 --- [main] c.e.Stress : seq=\(n)\n"
    }

    static func postgres(_ n: Int) -> String {
        let t = clock(n)
        return "2026-01-30 14:\(pad(t.min)):\(pad(t.sec)).\(pad(t.ms, 3)) UTC [4242] LOG:  stress seq=\(n)\n"
    }

    static func pad(_ v: Int, _ width: Int = 2) -> String {
        let s = String(v)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    @Test func everyLineOnceInOrderThroughManyRotations() throws {
        let dir = try TemporaryDirectory("follow-stress")
        defer { dir.remove() }
        var streams: [any StressStream] = [
            try FileStressStream(source: "nginx", path: dir.file("access.log"), format: Self.nginx),
            try FileStressStream(source: "backend", path: dir.file("backend.log"), format: Self.backend),
            try FileStressStream(source: "postgresql", path: dir.file("postgresql-15-main.log"), format: Self.postgres),
        ]
        var arguments = [dir.file("access.log"), dir.file("backend.log"), dir.file("postgresql-15-main.log")]
        // The journal joins when systemd-journal-remote is there to write real journal files.
        if JournalExport.isAvailable {
            let journalDir = try dir.directory("journal")
            streams.append(JournalStressStream(directory: journalDir))
            arguments.append("journal-dir:" + journalDir)
        }
        for s in streams { s.write(count: 100, split: false) }
        let run = try FollowRun(arguments, in: dir)
        let counter = OutputLineCounter(run.stdoutPath)
        func total() -> Int { streams.reduce(0) { $0 + $1.written } }
        func waitForReader() throws {
            let expected = total()
            try waitUntil("logview to print all \(expected) lines written so far", timeout: .seconds(60), process: run.process) {
                counter.refresh() >= expected
            }
        }
        // Rotations before logview opened a file would hide lines from it: wait for the start.
        try waitForReader()
        // A deterministic mix of chunk sizes (1 to 400 lines), streams in turn.
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        var rotations = [Int](repeating: 0, count: streams.count)
        var chunk = 0
        while streams.contains(where: { $0.written < Self.perStream }) {
            for (i, s) in streams.enumerated() where s.written < Self.perStream {
                chunk += 1
                let count = min(Self.perStream - s.written, 1 + next(400))
                s.write(count: count, split: chunk % 7 == 0)
                if s.written / Self.rotateEvery > rotations[i], s.written < Self.perStream {
                    rotations[i] += 1
                    try s.rotate(rotations[i], waitForReader: waitForReader)
                }
            }
        }
        #expect(rotations.allSatisfy { $0 >= 5 })
        try waitForReader()
        // Anything duplicated would come after the last expected line: give it a moment to show.
        usleep(300_000)
        #expect(run.stop() == 0)
        #expect(run.stderr == "")

        var seqs: [String: [Int]] = [:]
        var unparsed = 0
        for line in run.lines() {
            guard let o = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
                let source = o["source"] as? String, let message = o["message"] as? String,
                let r = message.range(of: "seq="), let n = Int(message[r.upperBound...].prefix { $0.isNumber })
            else {
                unparsed += 1
                continue
            }
            seqs[source, default: []].append(n)
        }
        #expect(unparsed == 0)
        #expect(Set(seqs.keys) == Set(streams.map(\.source)))
        for s in streams {
            let got = seqs[s.source] ?? []
            let outOfOrder = zip(got, got.dropFirst()).first { $0.0 >= $0.1 }
            #expect(got.count == s.written, "\(s.source): \(got.count) lines printed, \(s.written) written")
            #expect(Set(got).count == got.count, "\(s.source): duplicates")
            #expect(outOfOrder == nil, "\(s.source): \(String(describing: outOfOrder)) out of order")
            #expect(got.first == 1 && got.last == s.written)
        }
    }
}
