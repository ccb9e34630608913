import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The viewer is up before a large file is read: the built binary in tmux over a 157 MB log.
@Suite(.timeLimit(.minutes(10)))
struct TUILoadingTests {
    static let blocks = 25
    static let linesPerBlock = 60_000

    /// 25 blocks of 60,000 fixed-width lines (1,500,000 lines, 157 MB): block b is minute b,
    /// line i of a block is i milliseconds into it.
    static func writeLargeLog(_ path: String) throws {
        let template = Array("2026-01-30 00:00:00.000 INFO worker-0 processing item 000000 payload abcdefghijklmnopqrstuvwxyz0123456789\n".utf8)
        let width = template.count
        var block = [UInt8](repeating: 0, count: width * linesPerBlock)
        func put(_ value: Int, digits: Int, at offset: Int) {
            var v = value
            for k in stride(from: digits - 1, through: 0, by: -1) {
                block[offset + k] = UInt8(48 + v % 10)
                v /= 10
            }
        }
        for i in 0..<linesPerBlock {
            let base = i * width
            block.replaceSubrange(base..<base + width, with: template)
            put(i / 1000, digits: 2, at: base + 17)
            put(i % 1000, digits: 3, at: base + 20)
            put(i, digits: 6, at: base + 54)
        }
        guard let file = fopen(path, "w") else { throw HarnessError("cannot write \(path)") }
        defer { fclose(file) }
        for b in 0..<blocks {
            for i in 0..<linesPerBlock { put(b, digits: 2, at: i * width + 14) }
            guard fwrite(block, 1, block.count, file) == block.count else { throw HarnessError("short write to \(path)") }
        }
    }

    static func statusLine(_ screen: String) -> String {
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return lines.first { $0.hasPrefix(" loading ") || $0.hasPrefix(" big ") }.map { String($0.reversed().drop { $0 == " " }.reversed()) } ?? ""
    }

    @Test func aLargeFileLoadsWhileTheViewerAnswersKeys() throws {
        let dir = try TemporaryDirectory("tui-large")
        let tmux = try TmuxSession("large")
        defer {
            tmux.stop()
            dir.remove()
        }
        try Self.writeLargeLog(dir.file("big.log"))
        try tmux.type("\(E2EPaths.logviewBinary) --tz UTC big=\(dir.file("big.log"))")
        // The file's newest part is on screen at once, its last line at the bottom, while the
        // whole file is read.
        let preview = try tmux.waitFor("the viewer, loading, the newest part shown") {
            Self.statusLine($0).hasPrefix(" loading 0/1 sources, newest part shown │ ")
        }
        #expect(TUIViewerTests.timelineRows(preview).last == " 01-30 00:24:59.999 big INFO  INFO worker-0 processing item 059999 payload abcdefghijklmnopqrstuvwxyz0123456789")
        // Keys are answered while the file is read: the command line opens and closes.
        try tmux.send(":")
        try tmux.waitFor("the prompt") { $0.split(separator: "\n").last == ":" && $0.contains(" loading 0/1 sources, newest part shown ") }
        try tmux.send("Escape")
        let screen = try tmux.waitFor("the loaded file", timeout: .seconds(180)) {
            Self.statusLine($0) == " big 1500000 │ 1500000/1500000 │ window ±5s │ follow: off"
        }
        #expect(TUIViewerTests.timelineRows(screen).suffix(2) == [
            " 01-30 00:24:59.998 big INFO  INFO worker-0 processing item 059998 payload abcdefghijklmnopqrstuvwxyz0123456789",
            " 01-30 00:24:59.999 big INFO  INFO worker-0 processing item 059999 payload abcdefghijklmnopqrstuvwxyz0123456789",
        ])
        try tmux.send("g")
        let top = try tmux.waitFor("the first entry") { Self.statusLine($0).hasPrefix(" big 1500000 │ 1/1500000 │") }
        #expect(TUIViewerTests.timelineRows(top).first == " 01-30 00:00:00.000 big INFO  INFO worker-0 processing item 000000 payload abcdefghijklmnopqrstuvwxyz0123456789")
        try tmux.send("q")
        try tmux.waitFor("the shell prompt") { $0.contains("PROMPT$") && !$0.contains(" big 1500000 ") }

        // Quitting while loading leaves at once, with the terminal restored and status 0.
        try tmux.type("clear; \(E2EPaths.logviewBinary) --tz UTC big=\(dir.file("big.log"))")
        try tmux.waitFor("loading again") { Self.statusLine($0).hasPrefix(" loading 0/1 sources") }
        try tmux.send("q")
        try tmux.waitFor("the shell prompt after quitting") { $0.contains("PROMPT$") && !$0.contains(" loading ") }
        #expect(try tmux.display("#{alternate_on}") == "0")
        try tmux.type("echo status=$?")
        try tmux.waitFor("the exit status") { $0.contains("status=0") }
    }
}
