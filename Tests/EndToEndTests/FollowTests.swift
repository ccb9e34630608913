import Foundation
import Testing

// `logview --print --follow` against real files that a writer in this test appends to, rotates
// (rename + create, copytruncate), deletes and re-creates, while the real binary runs.

/// A running `logview --print --follow --output json`, its stdout in a file.
final class FollowRun {
    let process: ChildProcess
    let stdoutPath: String
    let stderrPath: String

    /// `asUser` runs logview through `setpriv` as that uid/gid (the test runs as root);
    /// `environment` is added to the child's.
    init(
        _ arguments: [String], in dir: TemporaryDirectory, asUser: Int? = nil, output: String = "json",
        environment: [String: String] = [:]
    ) throws {
        guard FileManager.default.isExecutableFile(atPath: E2EPaths.logviewBinary) else {
            throw HarnessError("the logview binary is missing at \(E2EPaths.logviewBinary): run `swift build` first, or set LOGVIEW_BIN")
        }
        let binary = asUser == nil ? E2EPaths.logviewBinary : E2EPaths.logviewBinaryForAnyUser
        stdoutPath = dir.file("follow.out")
        stderrPath = dir.file("follow.err")
        let command = (asUser.map { ["/usr/bin/setpriv", "--reuid=\($0)", "--regid=\($0)", "--clear-groups"] } ?? [])
            + [binary, "--print", "--follow", "--output", output] + arguments
        process = try ChildProcess.launch(
            name: "logview", command: command,
            environment: childEnvironment(environment.merging(["TZ": "UTC"]) { $1 }), stdoutPath: stdoutPath, stderrPath: stderrPath)
    }

    deinit { _ = process.stop(signal: SIGKILL, grace: .seconds(2)) }

    /// The complete output lines so far.
    func lines() -> [String] {
        let data = FileManager.default.contents(atPath: stdoutPath) ?? Data()
        var text = String(decoding: data, as: UTF8.self)
        if let last = text.lastIndex(of: "\n") { text = String(text[...last]) } else { return [] }
        return text.split(separator: "\n").map(String.init)
    }

    /// The `message` of every entry printed so far.
    func messages() -> [String] {
        lines().compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) .flatMap { ($0 as? [String: Any])?["message"] as? String }
        }
    }

    /// Entries printed so far as (source, message, file, line).
    func entries() -> [(source: String, message: String, file: String, line: Int)] {
        lines().compactMap { line in
            guard let o = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
                let s = o["source"] as? String, let m = o["message"] as? String, let f = o["file"] as? String,
                let l = o["line"] as? Int
            else { return nil }
            return (s, m, f, l)
        }
    }

    func waitForMessages(_ what: String, timeout: Duration = .seconds(30), _ condition: ([String]) -> Bool) throws {
        try waitUntil(what, timeout: timeout, process: process) { condition(messages()) }
    }

    /// SIGTERM and the exit status.
    func stop() -> Int32 { process.stop(signal: SIGTERM, grace: .seconds(10)) }

    var stderr: String { String(decoding: FileManager.default.contents(atPath: stderrPath) ?? Data(), as: UTF8.self) }
}

/// Appends to a log with `O_APPEND`, like a service does; never closes it behind the test's back.
final class AppendingWriter {
    let path: String
    private(set) var fd: Int32

    init(_ path: String) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        if fd < 0 { throw HarnessError("cannot open \(path): \(String(cString: strerror(errno)))") }
    }

    deinit { close(fd) }

    func write(_ text: String) {
        var bytes = Array(text.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + done, $0.count - done) }
            if n <= 0 { return }
            done += n
        }
    }

    /// Re-opens the path (a service told to reopen its log after rotation).
    func reopen() throws {
        close(fd)
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        if fd < 0 { throw HarnessError("cannot reopen \(path): \(String(cString: strerror(errno)))") }
    }

    /// `logrotate` default: rename to `to`, then the service writes `linesBeforeReopen` more to the
    /// old file before it reopens the path (a new file).
    func rotateByRename(to: String, linesBeforeReopen: () -> String) throws {
        guard rename(path, to) == 0 else { throw HarnessError("rename \(path) failed") }
        write(linesBeforeReopen())
        try reopen()
    }

    /// `logrotate copytruncate`: copy the file, then truncate it in place; the service keeps its fd.
    func rotateByCopyTruncate(to: String) throws {
        try FileManager.default.copyItem(atPath: path, toPath: to)
        guard truncate(path, 0) == 0 else { throw HarnessError("truncate \(path) failed") }
    }
}

@Suite(.serialized) struct FollowTests {
    static func springLine(_ n: Int, _ text: String) -> String {
        "2026-01-30T14:02:\(String(format: "%02d", n % 60)).\(String(format: "%03d", n % 1000))Z  INFO 4242 --- [main] c.e.Follow : \(text)\n"
    }

    @Test func renameAndCreateRotationReadsTheOldFileToItsEnd() throws {
        let dir = try TemporaryDirectory("follow-rename")
        defer { dir.remove() }
        let log = dir.file("app.log")
        let w = try AppendingWriter(log)
        w.write(Self.springLine(1, "one"))
        let run = try FollowRun([log], in: dir)
        try run.waitForMessages("the first line") { $0.count == 1 }
        w.write(Self.springLine(2, "two"))
        try w.rotateByRename(to: log + ".1") { Self.springLine(3, "three, to the renamed file") }
        w.write(Self.springLine(4, "four, in the new file"))
        try run.waitForMessages("the line in the new file") { $0.count == 4 }
        #expect(run.stop() == 0)
        let e = run.entries()
        #expect(e.map(\.message) == [
            "INFO 4242 --- [main] c.e.Follow : one", "INFO 4242 --- [main] c.e.Follow : two",
            "INFO 4242 --- [main] c.e.Follow : three, to the renamed file", "INFO 4242 --- [main] c.e.Follow : four, in the new file",
        ].map { $0 })
        #expect(e.map(\.line) == [1, 2, 3, 1])
        #expect(e.allSatisfy { $0.file == log && $0.source == "app" })
        #expect(run.stderr == "")
    }

    @Test func copytruncateStartsAgainAtTheTop() throws {
        let dir = try TemporaryDirectory("follow-copytruncate")
        defer { dir.remove() }
        let log = dir.file("app.log")
        let w = try AppendingWriter(log)
        w.write(Self.springLine(1, "one") + Self.springLine(2, "two"))
        let run = try FollowRun([log], in: dir)
        try run.waitForMessages("the first lines") { $0.count == 2 }
        w.write(Self.springLine(3, "three"))
        try run.waitForMessages("line three") { $0.count == 3 }
        try w.rotateByCopyTruncate(to: log + ".1")
        // Longer than what was read before, so only the truncation check can tell.
        w.write(Self.springLine(4, "four after the truncation, a long line that passes the old offset"))
        w.write(Self.springLine(5, "five"))
        try run.waitForMessages("the lines after the truncation") { $0.count == 5 }
        #expect(run.stop() == 0)
        let e = run.entries()
        #expect(e.map(\.message).map { $0.replacingOccurrences(of: "INFO 4242 --- [main] c.e.Follow : ", with: "") }
            == ["one", "two", "three", "four after the truncation, a long line that passes the old offset", "five"])
        #expect(e.map(\.line) == [1, 2, 3, 1, 2])
        #expect(run.stderr == "")
    }

    @Test func aFileThatAppearsLaterAndANewFileInAFollowedDirectory() throws {
        let dir = try TemporaryDirectory("follow-late")
        defer { dir.remove() }
        let logs = try dir.directory("logs")
        let later = dir.file("later.log")
        try Self.springLine(1, "existing").write(toFile: logs + "/existing.log", atomically: false, encoding: .utf8)
        let run = try FollowRun([logs, later], in: dir)
        try run.waitForMessages("the existing file") { $0.count == 1 }
        #expect(run.stderr.contains("cannot open \(later): no such file"))
        let w = try AppendingWriter(later)
        w.write(Self.springLine(2, "the late file's first line"))
        try run.waitForMessages("the late file") { $0.count == 2 }
        let n = try AppendingWriter(logs + "/new.log")
        n.write(Self.springLine(3, "a new file in the directory"))
        try run.waitForMessages("the new file") { $0.count == 3 }
        w.write(Self.springLine(4, "more of the late file"))
        try run.waitForMessages("more of the late file") { $0.count == 4 }
        #expect(run.stop() == 1)  // a source could not be read at start
        let e = run.entries()
        #expect(e.map(\.source) == ["existing", "later", "new", "later"])
        #expect(e.map(\.line) == [1, 1, 1, 2])
        #expect(e.map(\.file) == [logs + "/existing.log", later, logs + "/new.log", later])
    }

    @Test func aStackTraceWrittenAfterItsEntryWasPrintedContinuesIt() throws {
        let dir = try TemporaryDirectory("follow-late-trace")
        defer { dir.remove() }
        let log = dir.file("app.log")
        let w = try AppendingWriter(log)
        w.write(Self.springLine(1, "one"))
        let text = try FollowRun([log, "--tz", "UTC"], in: dir, output: "text")
        let jsonDir = try TemporaryDirectory("follow-late-trace-json")
        defer { jsonDir.remove() }
        let json = try FollowRun([log], in: jsonDir, output: "json")
        try waitUntil("both to print the first line", timeout: .seconds(30), process: text.process) {
            text.lines().count == 1 && json.lines().count == 1
        }
        // The entry's first line, printed; its stack trace comes well after the reorder window.
        w.write(Self.springLine(2, "failed").replacingOccurrences(of: " INFO", with: "ERROR"))
        try waitUntil("the error line", timeout: .seconds(30), process: text.process) {
            text.lines().count == 2 && json.lines().count == 2
        }
        usleep(600_000)
        w.write("java.lang.IllegalStateException: boom\n\tat com.example.Orders.find(Orders.java:42)\n")
        try waitUntil("the trace", timeout: .seconds(30), process: text.process) {
            text.lines().count == 4 && json.lines().count == 3
        }
        usleep(300_000)
        #expect(text.stop() == 0)
        #expect(json.stop() == 0)
        // Text: the trace continues the entry, as under tail -f; nothing is printed twice.
        let indent = String(repeating: " ", count: "2026-01-30T14:02:02.002Z app ERROR ".count)
        #expect(text.lines() == [
            "2026-01-30T14:02:01.001Z app INFO  INFO 4242 --- [main] c.e.Follow : one",
            "2026-01-30T14:02:02.002Z app ERROR ERROR 4242 --- [main] c.e.Follow : failed",
            indent + "java.lang.IllegalStateException: boom",
            indent + "\tat com.example.Orders.find(Orders.java:42)",
        ])
        // JSON: the entry again, whole, as an update (same file and line, more lines).
        let e = json.entries()
        #expect(e.map(\.line) == [1, 2, 2])
        #expect(e[2].message == "ERROR 4242 --- [main] c.e.Follow : failed\njava.lang.IllegalStateException: boom\n\tat com.example.Orders.find(Orders.java:42)")
    }

    @Test func aPartialLineIsHeldForItsNewlineThenShownAfterTheGracePeriod() throws {
        let dir = try TemporaryDirectory("follow-partial")
        defer { dir.remove() }
        let log = dir.file("app.log")
        let w = try AppendingWriter(log)
        w.write(Self.springLine(1, "one"))
        let run = try FollowRun([log], in: dir)
        try run.waitForMessages("the first line") { $0.count == 1 }
        // A line written in two parts, well inside the grace period: one entry, not two.
        let whole = Self.springLine(2, "written in two parts")
        w.write(String(whole.prefix(30)))
        usleep(50_000)
        w.write(String(whole.dropFirst(30)))
        try run.waitForMessages("the joined line") { $0.count == 2 }
        // A last line whose newline never comes is shown after the grace period.
        w.write(String(Self.springLine(3, "no newline yet").dropLast()))
        try run.waitForMessages("the unterminated line") { $0.count == 3 }
        #expect(run.stop() == 0)
        let e = run.entries()
        #expect(e.map(\.message).map { $0.replacingOccurrences(of: "INFO 4242 --- [main] c.e.Follow : ", with: "") }
            == ["one", "written in two parts", "no newline yet"])
        #expect(e.map(\.line) == [1, 2, 3])
    }

    @Test func deleteAndRecreateIsFollowedWithAWarningOnlyWhileGone() throws {
        let dir = try TemporaryDirectory("follow-delete")
        defer { dir.remove() }
        let log = dir.file("app.log")
        let other = dir.file("other.log")
        try Self.springLine(1, "app one").write(toFile: log, atomically: false, encoding: .utf8)
        try Self.springLine(1, "other one").write(toFile: other, atomically: false, encoding: .utf8)
        let run = try FollowRun([log, other], in: dir)
        try run.waitForMessages("both files") { $0.count == 2 }
        unlink(log)
        // Gone for good (for now): one clear warning, and the other source goes on.
        try waitUntil("the deletion warning", process: run.process) { run.stderr.contains("app.log was deleted") }
        let o = try AppendingWriter(other)
        o.write(Self.springLine(2, "other two"))
        try run.waitForMessages("the other file going on") { $0.count == 3 }
        let w = try AppendingWriter(log)
        w.write(Self.springLine(3, "app again"))
        try run.waitForMessages("the re-created file") { $0.count == 4 }
        #expect(run.stop() == 0)
        let e = run.entries()
        #expect(e.map(\.message).map { $0.replacingOccurrences(of: "INFO 4242 --- [main] c.e.Follow : ", with: "") }
            == ["app one", "other one", "other two", "app again"])
        #expect(e.map(\.line) == [1, 1, 2, 1])
        #expect(run.stderr == "logview: \(log) was deleted or moved away; following it again when it reappears\n"
            + "logview: \(log) is back; following it again\n")
    }

    @Test func aClosedPipeEndsFollowQuietly() throws {
        let dir = try TemporaryDirectory("follow-pipe")
        defer { dir.remove() }
        let log = dir.file("app.log")
        try (1...10).map { Self.springLine($0, "line \($0)") }.joined().write(toFile: log, atomically: false, encoding: .utf8)
        let binary = E2EPaths.logviewBinary
        let script = "set -o pipefail; '\(binary)' --print -f '\(log)' | head -n 3"
        let r = try ChildProcess.run(name: "pipeline", executable: "/bin/bash", arguments: ["-c", script],
            environment: childEnvironment(["TZ": "UTC"]), scratch: dir.path, timeout: .seconds(30))
        #expect(r.status == 0)
        #expect(r.stderr == "")
        #expect(r.stdoutText.split(separator: "\n").count == 3)
        #expect(r.stdoutText.hasPrefix("2026-01-30T14:02:01.001Z app INFO  INFO 4242 --- [main] c.e.Follow : line 1\n"))
    }

    @Test func entriesOfDifferentSourcesArrivingTogetherPrintInTimeOrderAndLateOnesStillPrint() throws {
        let dir = try TemporaryDirectory("follow-reorder")
        defer { dir.remove() }
        let a = dir.file("a.log"), b = dir.file("b.log")
        try Self.springLine(1, "a start").write(toFile: a, atomically: false, encoding: .utf8)
        try Self.springLine(2, "b start").write(toFile: b, atomically: false, encoding: .utf8)
        // A long window, so the test does not depend on how fast the machine is.
        let run = try FollowRun(["--reorder-window", "2s", a, b], in: dir)
        try run.waitForMessages("the start") { $0.count == 2 }
        let wa = try AppendingWriter(a), wb = try AppendingWriter(b)
        wa.write(Self.springLine(10, "a at :10"))
        wb.write(Self.springLine(5, "b at :05, written later"))
        wb.write(Self.springLine(20, "b at :20"))
        try run.waitForMessages("the three lines") { $0.count == 5 }
        // Older than everything printed, and long after: printed when it comes, not dropped.
        wa.write(Self.springLine(3, "a at :03, very late"))
        try run.waitForMessages("the late line") { $0.count == 6 }
        #expect(run.stop() == 0)
        #expect(run.messages().map { $0.replacingOccurrences(of: "INFO 4242 --- [main] c.e.Follow : ", with: "") }
            == ["a start", "b start", "b at :05, written later", "a at :10", "b at :20", "a at :03, very late"])
    }

    @Test func aQuietSourceHoldsNoEntryBackForTheWholeWindow() throws {
        let dir = try TemporaryDirectory("follow-quiet")
        defer { dir.remove() }
        let a = dir.file("a.log"), b = dir.file("b.log"), c = dir.file("c.log")
        try Self.springLine(1, "a start").write(toFile: a, atomically: false, encoding: .utf8)
        try Self.springLine(2, "b start").write(toFile: b, atomically: false, encoding: .utf8)
        try Self.springLine(3, "c start").write(toFile: c, atomically: false, encoding: .utf8)
        // Five seconds of window: each line below is printed well before its window is over,
        // because b and c are not written (they cannot deliver anything older).
        let run = try FollowRun(["--reorder-window", "5s", a, b, c], in: dir)
        try run.waitForMessages("the start") { $0.count == 3 }
        let wa = try AppendingWriter(a)
        wa.write(Self.springLine(10, "a at :10"))
        try run.waitForMessages("a at :10, before its window closes", timeout: .seconds(3)) { $0.count == 4 }
        wa.write(Self.springLine(11, "a at :11"))
        try run.waitForMessages("a at :11, before its window closes", timeout: .seconds(3)) { $0.count == 5 }
        // Two sources written together still come out in time order.
        let wb = try AppendingWriter(b), wc = try AppendingWriter(c)
        wb.write(Self.springLine(30, "b at :30"))
        wc.write(Self.springLine(20, "c at :20, written later"))
        try run.waitForMessages("b and c") { $0.count == 7 }
        #expect(run.stop() == 0)
        #expect(run.messages().map { $0.replacingOccurrences(of: "INFO 4242 --- [main] c.e.Follow : ", with: "") }
            == ["a start", "b start", "c start", "a at :10", "a at :11", "c at :20, written later", "b at :30"])
    }

    @Test func aRequestIDQueryPrintsNewEntriesOfThatRequestOnly() throws {
        let dir = try TemporaryDirectory("follow-request")
        defer { dir.remove() }
        let log = dir.file("api.log")
        func line(_ s: Int, trace: String, request: String, _ text: String) -> String {
            "2026-01-30T14:02:\(String(format: "%02d", s)).000Z  INFO 49908 --- [api] [exec-1] [\(trace)-00f067aa0ba902b7] "
                + "[requestId=\(request)] c.e.Api : \(text)\n"
        }
        let traceA = "4bf92f3577b34da6a3ce929d0e0e4736", traceB = "5cf92f3577b34da6a3ce929d0e0e4737"
        let requestA = "0a1b2c3d4e5f60718293a4b5c6d7e8f9", requestB = "1a1b2c3d4e5f60718293a4b5c6d7e8f0"
        try line(1, trace: traceA, request: requestA, "A begins").write(toFile: log, atomically: false, encoding: .utf8)
        let run = try FollowRun(["--request-id", requestA, log], in: dir)
        try run.waitForMessages("the first entry of A") { $0.count == 1 }
        let w = try AppendingWriter(log)
        w.write(line(2, trace: traceB, request: requestB, "B, another request"))
        w.write(line(3, trace: traceA, request: "", "A again, by its trace id only"))
        w.write(line(4, trace: traceA, request: requestA, "A ends"))
        try run.waitForMessages("the end of A") { $0.contains { $0.hasSuffix("A ends") } }
        #expect(run.stop() == 0)
        let texts = run.messages().map { String($0.split(separator: ":").last ?? "") }
        #expect(texts == [" A begins", " A again, by its trace id only", " A ends"])
    }

    /// Root reads everything, so an unreadable file needs logview to run as another user.
    @Test(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"),
        "runs logview as nobody through setpriv, which needs root"))
    func aFileThatCannotBeReadIsReportedAndFollowedOnceItCanBe() throws {
        let dir = try TemporaryDirectory("follow-unreadable")
        defer { dir.remove() }
        let log = dir.file("app.log")
        try Self.springLine(1, "one").write(toFile: log, atomically: false, encoding: .utf8)
        chmod(log, 0o644)
        let run = try FollowRun([log], in: dir, asUser: 65534)
        try run.waitForMessages("the first line") { $0.count == 1 }
        // Rotated, and the new file is created readable by its owner only.
        guard rename(log, log + ".1") == 0 else { throw HarnessError("rename failed") }
        let fd = open(log, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw HarnessError("create failed") }
        let text = Array(Self.springLine(2, "two").utf8)
        _ = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        try waitUntil("the warning", process: run.process) { run.stderr.contains("cannot read") }
        chmod(log, 0o644)
        try run.waitForMessages("the line of the now readable file") { $0.count == 2 }
        #expect(run.stop() == 0)
        #expect(run.entries().map(\.line) == [1, 1])
        #expect(run.stderr == "logview: cannot read \(log): Permission denied; following it again when it is readable\n"
            + "logview: \(log) is readable again; following it\n")
    }

    /// Whether a small tmpfs can be mounted here (root in a container that allows it).
    static let canMountTmpfs: Bool = {
        guard getuid() == 0, let dir = try? TemporaryDirectory("follow-mount-probe") else { return false }
        defer { dir.remove() }
        let ok = ChildProcess.runQuietly(["/bin/mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir.path])
        if ok { _ = ChildProcess.runQuietly(["/bin/umount", dir.path]) }
        return ok
    }()

    @Test(.enabled(if: canMountTmpfs, "mounts a 64 KiB tmpfs, which needs root and a kernel that allows it"))
    func aFullFilesystemIsReportedAndFollowingGoesOn() throws {
        let dir = try TemporaryDirectory("follow-full")
        defer { dir.remove() }
        let fs = try dir.directory("fs")
        guard ChildProcess.runQuietly(["/bin/mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", fs]) else {
            throw HarnessError("mount tmpfs on \(fs) failed")
        }
        defer { _ = ChildProcess.runQuietly(["/bin/umount", fs]) }
        let log = fs + "/app.log"
        let w = try AppendingWriter(log)
        w.write(Self.springLine(1, "one"))
        let run = try FollowRun([log], in: dir)
        defer { _ = run.stop() }  // before the unmount, also when the test fails
        try run.waitForMessages("the first line") { $0.count == 1 }
        // Fill the filesystem with another file, then log one more line (its write may fail).
        let filler = AppendingWriter.fill(fs + "/filler")
        w.write(Self.springLine(2, "two"))
        try waitUntil("the full-filesystem warning", process: run.process) { run.stderr.contains("is full") }
        unlink(filler)
        w.write(Self.springLine(3, "three"))
        try run.waitForMessages("the line after space came back") { $0.contains { $0.hasSuffix("three") } }
        try waitUntil("the all-clear", process: run.process) { run.stderr.contains("has space again") }
        #expect(run.stop() == 0)
        #expect(run.stderr == "logview: the filesystem holding \(log) is full: the service cannot write new lines until space is freed\n"
            + "logview: the filesystem holding \(log) has space again\n")
        #expect(run.messages().first == "INFO 4242 --- [main] c.e.Follow : one")
        #expect(run.messages().last == "INFO 4242 --- [main] c.e.Follow : three")
    }
}

extension AppendingWriter {
    /// Writes zeros to `path` until its filesystem is full; returns the path.
    static func fill(_ path: String) -> String {
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        let zeros = [UInt8](repeating: 0x41, count: 4096)
        while fd >= 0, zeros.withUnsafeBytes({ Glibc.write(fd, $0.baseAddress, $0.count) }) > 0 {}
        close(fd)
        return path
    }
}

extension ChildProcess {
    /// Runs a short system command (mount, umount); true when it exits 0.
    static func runQuietly(_ command: [String]) -> Bool {
        guard let scratch = try? TemporaryDirectory("cmd") else { return false }
        defer { scratch.remove() }
        return (try? run(name: "system-command", command: command, environment: childEnvironment(), scratch: scratch.path,
            timeout: .seconds(20)))?.status == 0
    }
}
