import Foundation
import Testing

// `logview --print --follow` with a tiny entry budget drops old entries from memory as it goes,
// and prints exactly what an untrimmed follow of the same files prints.

@Suite(.serialized) struct FollowTrimTests {
    /// A Spring Boot line `n` milliseconds after 14:00:00, so lines written later are never older.
    static func line(_ n: Int, _ text: String) -> String {
        let ms = n % 1000, s = n / 1000
        return String(format: "2026-01-30T14:%02d:%02d.%03dZ  INFO 4242 --- [main] c.e.Trim : %@\n", s / 60 % 60, s % 60, ms, text)
    }

    /// The same files followed twice at once: with `LOGVIEW_MAX_ENTRIES=100`, and untrimmed.
    struct Pair {
        let trimmed: FollowRun
        let whole: FollowRun
        let dirs: [TemporaryDirectory]

        init(_ arguments: [String]) throws {
            let a = try TemporaryDirectory("follow-trim-small"), b = try TemporaryDirectory("follow-trim-whole")
            dirs = [a, b]
            trimmed = try FollowRun(arguments, in: a, environment: ["LOGVIEW_MAX_ENTRIES": "100"])
            whole = try FollowRun(arguments, in: b)
        }

        func waitFor(_ what: String, _ condition: ([String]) -> Bool) throws {
            try trimmed.waitForMessages(what, condition)
            try whole.waitForMessages(what, condition)
        }

        /// Waits for `count` complete output lines from both (text output).
        func waitForLines(_ what: String, _ count: Int) throws {
            for run in [trimmed, whole] { try waitUntil(what, process: run.process) { run.lines().count == count } }
        }

        /// Both stopped; their outputs, byte for byte.
        func outputs() -> (trimmed: Data, whole: Data) {
            #expect(trimmed.stop() == 0)
            #expect(whole.stop() == 0)
            return (FileManager.default.contents(atPath: trimmed.stdoutPath) ?? Data(),
                FileManager.default.contents(atPath: whole.stdoutPath) ?? Data())
        }

        /// Entries the trimmed run said it dropped (its note on stderr at exit).
        func droppedNote() -> Int? {
            let prefix = "logview: while following, ", suffix = " older entries were dropped from memory (--max-entries/LOGVIEW_MAX_ENTRIES 100)\n"
            let text = trimmed.stderr
            guard text.hasPrefix(prefix), text.hasSuffix(suffix) else { return nil }
            return Int(text.dropFirst(prefix.count).dropLast(suffix.count).replacingOccurrences(of: ",", with: ""))
        }

        func remove() { for d in dirs { d.remove() } }
    }

    @Test func aLongFollowWithATinyBudgetPrintsExactlyWhatAnUntrimmedOneDoes() throws {
        let dir = try TemporaryDirectory("follow-trim-logs")
        defer { dir.remove() }
        let api = try AppendingWriter(dir.file("api.log")), worker = try AppendingWriter(dir.file("worker.log"))
        api.write(Self.line(0, "api start"))
        worker.write(Self.line(1, "worker start"))
        let pair = try Pair(["--output", "json", dir.file("api.log"), dir.file("worker.log")])
        defer { pair.remove() }
        try pair.waitFor("the first lines") { $0.count == 2 }
        // 4,000 lines in 40 bursts over both files, in time order.
        var n = 2
        for burst in 0..<40 {
            var a = "", w = ""
            for k in 0..<100 {
                if k % 3 == 0 { w += Self.line(n, "worker \(n)") } else { a += Self.line(n, "api \(n) request_id=b\(burst)") }
                n += 1
            }
            api.write(a)
            worker.write(w)
            usleep(20_000)
        }
        api.write(Self.line(n, "END"))
        try pair.waitFor("the last line") { $0.last?.hasSuffix("END") ?? false }
        let (trimmed, whole) = pair.outputs()
        #expect(whole.count > 400_000)
        #expect(trimmed == whole)
        #expect(String(decoding: whole, as: UTF8.self).split(separator: "\n").count == 4003)
        let dropped = try #require(pair.droppedNote())
        #expect(dropped >= 3_800 && dropped <= 3_903)
        #expect(pair.whole.stderr == "")
    }

    @Test func aRequestFollowStillFindsEntriesThatArriveLater() throws {
        let dir = try TemporaryDirectory("follow-trim-request")
        defer { dir.remove() }
        let log = dir.file("app.log")
        let w = try AppendingWriter(log)
        w.write(Self.line(0, "first request_id=abc123"))
        let pair = try Pair(["--output", "json", "--request-id", "abc123", log])
        defer { pair.remove() }
        try pair.waitFor("the first entry of the request") { $0.count == 1 }
        var n = 1
        func filler(_ count: Int) {
            var text = ""
            for _ in 0..<count {
                text += Self.line(n, "filler \(n) request_id=other\(n)")
                n += 1
            }
            w.write(text)
            usleep(20_000)
        }
        for _ in 0..<30 { filler(100) }
        w.write(Self.line(n, "second request_id=abc123"))
        n += 1
        filler(50)  // within the budget of 100: the second and third link through the id table
        w.write(Self.line(n, "third trace request_id=abc123"))
        n += 1
        for _ in 0..<20 { filler(100) }
        w.write(Self.line(n, "fourth request_id=abc123"))
        try pair.waitFor("the fourth entry of the request") { $0.count == 4 }
        let (trimmed, whole) = pair.outputs()
        #expect(trimmed == whole)
        #expect(pair.whole.messages().map { $0.replacingOccurrences(of: "INFO 4242 --- [main] c.e.Trim : ", with: "") }
            == ["first request_id=abc123", "second request_id=abc123", "third trace request_id=abc123", "fourth request_id=abc123"])
        let dropped = try #require(pair.droppedNote())
        #expect(dropped >= 4_900 && dropped <= 4_954)
    }

    @Test func aStackTraceContinuedAfterATrimContinuesItsEntry() throws {
        let dir = try TemporaryDirectory("follow-trim-trace")
        defer { dir.remove() }
        let log = dir.file("app.log")
        let w = try AppendingWriter(log)
        w.write(Self.line(0, "start"))
        let pair = try Pair(["--output", "text", log])
        defer { pair.remove() }
        try pair.waitForLines("the first line", 1)
        // 300 lines end in an error: the budget of 100 is passed, and the error is printed last.
        w.write((1..<300).map { Self.line($0, "line \($0)") }.joined() + Self.line(300, "boom"))
        try pair.waitForLines("the error", 301)
        // Its stack trace comes in a later write: printed as a continuation, not as the entry again.
        w.write("java.lang.IllegalStateException: boom\n\tat com.example.Trim.run(Trim.java:42)\n")
        w.write(Self.line(301, "after"))
        try pair.waitForLines("the line after the trace", 304)
        let (trimmed, whole) = pair.outputs()
        #expect(trimmed == whole)
        let lines = String(decoding: trimmed, as: UTF8.self).split(separator: "\n").suffix(4).map(String.init)
        #expect(lines.count == 4 && lines[0].hasSuffix("boom") && lines[3].hasSuffix("after"))
        let indent = String(repeating: " ", count: 35)
        #expect(Array(lines[1...2]) == [indent + "java.lang.IllegalStateException: boom", indent + "\tat com.example.Trim.run(Trim.java:42)"])
        // 301 entries at the trim: the 201 oldest go.
        #expect(pair.droppedNote() == 201)
    }

    @Test func aBudgetThatIsNoNumberIsAUsageError() throws {
        let dir = try TemporaryDirectory("follow-trim-bad")
        defer { dir.remove() }
        try Self.line(0, "start").write(toFile: dir.file("app.log"), atomically: true, encoding: .utf8)
        let zero = try Logview.run(["--print", "-f", "--max-entries", "0", dir.file("app.log")], scratch: dir.path)
        #expect(zero.status == 64)
        #expect(zero.stderr.contains("--max-entries must be at least 1"), "\(zero.stderr)")
        let word = try Logview.run(["--print", "-f", dir.file("app.log")], environment: ["LOGVIEW_MAX_ENTRIES": "lots"], scratch: dir.path)
        #expect(word.status == 64)
        #expect(word.stderr.contains("LOGVIEW_MAX_ENTRIES must be a whole number of entries, at least 1 (it is 'lots')"), "\(word.stderr)")
        #expect(word.stdout.isEmpty)
    }
}
