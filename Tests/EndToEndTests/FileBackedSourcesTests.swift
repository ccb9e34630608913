import Foundation
import Testing

/// Plain files stay open while logview runs (their bytes are read back when printed), so many
/// files under a low descriptor limit must still all be read: logview raises its soft limit, and
/// past half of the hard one reads further files into memory instead of holding them open.
@Suite struct FileBackedSourcesTests {
    /// 150 one-line logs printed by logview under `limit` (a bash `ulimit` command).
    func printManyFiles(under limit: String, _ name: String) throws -> (status: Int32, lines: [Substring], stderr: String) {
        let dir = try TemporaryDirectory(name)
        defer { dir.remove() }
        let logs = try dir.directory("logs")
        for i in 1...150 {
            let line = "2026-01-30 14:00:00,\(String(format: "%03d", i)) INFO     [1] [app] [r\(i)] line \(i)\n"
            try Data(line.utf8).write(to: URL(fileURLWithPath: logs + "/app\(i).log"))
        }
        let scratch = try dir.directory("scratch")
        let result = try ChildProcess.run(
            name: "logview", executable: "/bin/bash",
            arguments: ["-c", "\(limit) && exec \"$0\" --print --tz UTC \"$1\"", E2EPaths.logviewBinary, logs],
            environment: childEnvironment(["TZ": "UTC"]), scratch: scratch, timeout: .seconds(60))
        return (result.status, String(decoding: result.stdout, as: UTF8.self).split(separator: "\n"), result.stderr)
    }

    @Test func manyFilesUnderALowSoftDescriptorLimitAreAllPrinted() throws {
        let run = try printManyFiles(under: "ulimit -Sn 64", "many-files")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr == "")
        #expect(run.lines.count == 150)
        #expect(run.lines.last == "2026-01-30T14:00:00.150Z app150 INFO  INFO     [1] [app] [r150] line 150")
    }

    /// Where the hard limit is low too (a unit with `LimitNOFILE=64`).
    @Test func manyFilesUnderALowHardDescriptorLimitAreAllPrinted() throws {
        let run = try printManyFiles(under: "ulimit -n 64", "many-files-hard")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr == "")
        #expect(run.lines.count == 150)
        #expect(run.lines.first == "2026-01-30T14:00:00.001Z app1   INFO  INFO     [1] [app] [r1] line 1")
        #expect(run.lines.last == "2026-01-30T14:00:00.150Z app150 INFO  INFO     [1] [app] [r150] line 150")
    }
}
