import Dispatch
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A burst of 50,000 lines a second on one followed file, end to end: the built binary in tmux
/// answers keys while the lines pour in, and afterwards every line is there, the newest at the
/// bottom. Nothing here measures time (Benchmarks/tui-burst does).
@Suite(.timeLimit(.minutes(10)))
struct TUIBurstTests {
    /// Lines the writer appends after the first (seq 0, written before the viewer starts).
    static let burstLines = 300_000
    /// 500 lines every 10 ms: 50,000 lines a second.
    static let linesPerBatch = 500
    static let batchInterval: Duration = .milliseconds(10)

    /// Line `n` is `n` milliseconds after 14:00:00 and carries its number.
    static func line(_ n: Int) -> String {
        String(format: "2026-01-30 14:%02d:%02d.%03d INFO burst-writer seq=%06d\n", n / 60_000, n / 1000 % 60, n % 1000, n)
    }

    /// Its row on the 160-column screen.
    static func row(_ n: Int) -> String {
        String(format: " 01-30 14:%02d:%02d.%03d burst INFO  INFO burst-writer seq=%06d", n / 60_000, n / 1000 % 60, n % 1000, n)
    }

    /// The screen's rows without trailing blanks (capture-pane ends each row with a newline).
    static func lines(_ screen: String) -> [String] {
        screen.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { String($0.reversed().drop { $0 == " " }.reversed()) }
    }

    static func statusLine(_ screen: String) -> String {
        lines(screen).first { $0.hasPrefix(" burst ") } ?? ""
    }

    /// The status line's entry count, position and follow state, when it has that shape.
    static func status(_ screen: String) -> (count: Int, position: Int, rest: String)? {
        let status = statusLine(screen)
        guard let m = status.wholeMatch(of: #/ burst (\d+) │ (\d+)/(\d+) │ (.*)/#), m.output.1 == m.output.3,
            let count = Int(m.output.1), let position = Int(m.output.2)
        else { return nil }
        return (count, position, String(m.output.4))
    }

    /// The follow state while paused with `unseen` new entries below the cursor.
    static func paused(_ unseen: Int) -> String {
        unseen == 0 ? "follow: paused (G)" : "follow: paused, \(unseen) new (G)"
    }

    static let helpLine = "F1 help  q quit  / search  r request  w window  s/v split  Enter detail"

    /// A row of the histogram strip: bars (or nothing) across the screen.
    static func isHistogramRow(_ row: String) -> Bool {
        !row.isEmpty && row.count <= 160 && row.allSatisfy { "▁▂▃▄▅▆▇█ ".contains($0) }
    }

    /// Appends lines 1...`burstLines` to `path` in batches on a thread of its own; `done` is
    /// signalled after the last. The batches are made before it starts, so the rate is the
    /// file's, not string formatting's.
    static func startWriter(_ path: String, done: DispatchSemaphore) throws {
        let batches = stride(from: 1, through: burstLines, by: linesPerBatch).map { first in
            Array((first..<min(first + linesPerBatch, burstLines + 1)).map(line).joined().utf8)
        }
        let fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard fd >= 0 else { throw HarnessError("cannot open \(path) for appending") }
        Thread {
            let clock = ContinuousClock()
            let start = clock.now
            for (b, batch) in batches.enumerated() {
                var written = 0
                while written < batch.count {
                    let n = batch.withUnsafeBytes { write(fd, $0.baseAddress! + written, batch.count - written) }
                    if n <= 0 { break }
                    written += n
                }
                // Batches keep to their schedule: a late one is followed by the next at once.
                let left = start + batchInterval * (b + 1) - clock.now
                if left > .zero { usleep(UInt32(left / .microseconds(1))) }
            }
            close(fd)
            done.signal()
        }.start()
    }

    @Test func aBurstOfFiftyThousandLinesASecondLosesNoLineAndKeysAreAnswered() throws {
        let dir = try TemporaryDirectory("tui-burst")
        let tmux = try TmuxSession("burst")
        defer {
            tmux.stop()
            dir.remove()
        }
        let log = dir.file("burst.log")
        try Self.line(0).write(toFile: log, atomically: true, encoding: .utf8)
        try tmux.type("\(E2EPaths.logviewBinary) --tz UTC -f burst=\(log)")
        try tmux.waitFor("the viewer, following") { Self.statusLine($0) == " burst 1 │ 1/1 │ window ±5s │ follow: live" }

        let writerDone = DispatchSemaphore(value: 0)
        try Self.startWriter(log, done: writerDone)
        try tmux.waitFor("the burst arriving") { (Self.status($0)?.count ?? 0) > 1000 }

        // The histogram strip: two rows of bars above the entries, then gone again.
        try tmux.send("h")
        var screen = try tmux.waitFor("the histogram strip") { Self.lines($0).first.map(Self.isHistogramRow) == true }
        var rows = Self.lines(screen)
        #expect(Self.isHistogramRow(rows[1]))
        #expect(rows[2].hasPrefix(" 01-30 14:"))
        try tmux.send("h")
        try tmux.waitFor("the strip gone") { Self.lines($0).first?.hasPrefix(" 01-30 14:") == true }

        // The command line opens and closes.
        try tmux.send(":")
        try tmux.waitFor("the prompt") { Self.lines($0).last == ":" && Self.status($0) != nil }
        try tmux.send("Escape")
        try tmux.waitFor("the prompt closed") { Self.lines($0).last == Self.helpLine }

        // A search finds a line of the burst and stops following there.
        try tmux.send("/")
        try tmux.send("seq=000777", literal: true)
        try tmux.send("Enter")
        screen = try tmux.waitFor("line 777 found") { Self.status($0)?.position == 778 }
        // The entries that came after the search are counted as new (how many depends on when).
        #expect(Self.status(screen)?.rest.wholeMatch(of: #/window ±5s │ search /seq=000777/ │ follow: paused(, \d+ new)? \(G\)/#) != nil)
        #expect(Self.lines(screen).contains(Self.row(777)))

        // G follows again; k pauses one entry above the newest, and the new ones are counted.
        try tmux.send("G")
        try tmux.waitFor("following again") { Self.status($0)?.rest.hasSuffix("│ follow: live") == true }
        try tmux.send("k")
        screen = try tmux.waitFor("paused") { Self.status($0)?.rest.contains("│ follow: paused") == true }
        let paused = try #require(Self.status(screen))
        #expect(paused.rest == "window ±5s │ search /seq=000777/ │ " + Self.paused(paused.count - paused.position - 1))

        // Once the writer is done, every line is there: the count is exact, the cursor stayed.
        #expect(writerDone.wait(timeout: .now() + 120) == .success)
        let total = Self.burstLines + 1
        try tmux.waitFor("every line", timeout: .seconds(120)) {
            Self.statusLine($0) == " burst \(total) │ \(paused.position)/\(total) │ window ±5s │ search /seq=000777/ │ " + Self.paused(total - paused.position - 1)
        }
        try tmux.send("G")
        screen = try tmux.waitFor("the newest line") { Self.statusLine($0) == " burst \(total) │ \(total)/\(total) │ window ±5s │ search /seq=000777/ │ follow: live" }
        rows = Self.lines(screen).filter { $0.hasPrefix(" 01-30 ") }
        #expect(rows.suffix(2) == [Self.row(Self.burstLines - 1), Self.row(Self.burstLines)])

        // A line from the middle of the burst is found by its number.
        try tmux.send("/")
        try tmux.send("seq=123457", literal: true)
        try tmux.send("Enter")
        screen = try tmux.waitFor("line 123457 found") { Self.status($0)?.position == 123_458 }
        #expect(Self.statusLine(screen) == " burst \(total) │ 123458/\(total) │ window ±5s │ search /seq=123457/ │ follow: paused (G)")
        #expect(Self.lines(screen).contains(Self.row(123_457)))
        try tmux.send("q")
        try tmux.waitFor("the shell prompt") { $0.contains("PROMPT$") && !$0.contains("follow:") }
    }
}
