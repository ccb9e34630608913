import Foundation
import Testing

/// Plain files stay open while logview runs (their bytes are read back when printed), so many
/// files under a low descriptor limit must still all be read: logview raises its soft limit.
@Suite struct FileBackedSourcesTests {
    @Test func manyFilesUnderALowSoftDescriptorLimitAreAllPrinted() throws {
        let dir = try TemporaryDirectory("many-files")
        defer { dir.remove() }
        let logs = try dir.directory("logs")
        for i in 1...150 {
            let line = "2026-01-30 14:00:00,\(String(format: "%03d", i)) INFO     [1] [app] [r\(i)] line \(i)\n"
            try Data(line.utf8).write(to: URL(fileURLWithPath: logs + "/app\(i).log"))
        }
        let scratch = try dir.directory("scratch")
        let result = try ChildProcess.run(
            name: "logview", executable: "/bin/bash",
            arguments: ["-c", "ulimit -Sn 64 && exec \"$0\" --print --tz UTC \"$1\"", E2EPaths.logviewBinary, logs],
            environment: childEnvironment(["TZ": "UTC"]), scratch: scratch, timeout: .seconds(60))
        let lines = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr == "")
        #expect(lines.count == 150)
        #expect(lines.last == "2026-01-30T14:00:00.150Z app150 INFO  INFO     [1] [app] [r150] line 150")
    }

    /// Where the hard limit is low too (a unit with `LimitNOFILE=64`), files past the descriptor
    /// budget are read into memory instead of held open: every one is still printed.
    @Test func manyFilesUnderALowHardDescriptorLimitAreAllPrinted() throws {
        let dir = try TemporaryDirectory("many-files-hard")
        defer { dir.remove() }
        let logs = try dir.directory("logs")
        for i in 1...150 {
            let line = "2026-01-30 14:00:00,\(String(format: "%03d", i)) INFO     [1] [app] [r\(i)] line \(i)\n"
            try Data(line.utf8).write(to: URL(fileURLWithPath: logs + "/app\(i).log"))
        }
        let scratch = try dir.directory("scratch")
        let result = try ChildProcess.run(
            name: "logview", executable: "/bin/bash",
            arguments: ["-c", "ulimit -n 64 && exec \"$0\" --print --tz UTC \"$1\"", E2EPaths.logviewBinary, logs],
            environment: childEnvironment(["TZ": "UTC"]), scratch: scratch, timeout: .seconds(60))
        let lines = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr == "")
        #expect(lines.count == 150)
        #expect(lines.first == "2026-01-30T14:00:00.001Z app1   INFO  INFO     [1] [app] [r1] line 1")
        #expect(lines.last == "2026-01-30T14:00:00.150Z app150 INFO  INFO     [1] [app] [r150] line 150")
    }
}
