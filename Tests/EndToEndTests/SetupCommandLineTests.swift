import Foundation
import Testing

// The real binary with a config file and with discovery under --root: errors come before
// anything opens, as `file:line: what`, and a discovered root prints its logs.
@Suite struct SetupCommandLineTests {
    static func logview(_ arguments: [String], in scratch: TemporaryDirectory, environment: [String: String] = [:])
        throws -> ChildProcess.Completed
    {
        try ChildProcess.run(
            name: "logview", command: [E2EPaths.logviewBinary] + arguments,
            environment: childEnvironment(["TZ": "UTC", "HOME": scratch.path, "XDG_CONFIG_HOME": scratch.path + "/xdg"].merging(environment) { $1 }),
            scratch: scratch.path, timeout: .seconds(60))
    }

    @Test func aBadConfigFileStopsWithFileAndLine() throws {
        let scratch = try TemporaryDirectory("config")
        defer { scratch.remove() }
        try scratch.directory("xdg/logview")
        try Data("[defaults]\ntheme = \"dark\"\n\n[[source]]\nname = \"nginx\"\npath = \"/var/log/nginx/access.log\"\nformat = \"apache\"\n"
            .utf8).write(to: URL(fileURLWithPath: scratch.file("xdg/logview/config.toml")))
        let run = try Self.logview(["--print"], in: scratch)
        #expect(run.status == 78)
        #expect(run.stdoutText == "")
        #expect(run.stderr.hasPrefix("logview: \(scratch.path)/xdg/logview/config.toml:7: unknown format 'apache'; known: "))
    }

    @Test func anUnknownLayoutListsTheKnownOnes() throws {
        let scratch = try TemporaryDirectory("layout")
        defer { scratch.remove() }
        let config = scratch.file("my.toml")
        try Data("[layout.incident]\nsources = []\n[layout.quiet]\nlevel = \"error\"\n".utf8).write(to: URL(fileURLWithPath: config))
        let run = try Self.logview(["--config", config, "--layout", "triage", "--demo", "--print"], in: scratch)
        #expect(run.status == 78)
        #expect(run.stderr == "logview: \(config): unknown layout 'triage'; known layouts: incident, quiet\n")
        let ok = try Self.logview(["--config", config, "--layout", "quiet", "--demo", "--print", "--level", "crit"], in: scratch)
        #expect(ok.status == 0)
        // The eight FATAL failed logins, each with its DETAIL line folded in.
        let lines = ok.stdoutText.split(separator: "\n")
        #expect(lines.count == 16)
        #expect(lines.filter { $0.contains("FATAL:  password authentication failed") }.count == 8)
    }

    @Test func showSourcesListsTheConfigsSources() throws {
        let scratch = try TemporaryDirectory("show")
        defer { scratch.remove() }
        let config = scratch.file("c.toml")
        try Data("[[source]]\nname = \"nginx\"\npath = \"/var/log/nginx/access.log*\"\nformat = \"nginx-access\"\n\n[[source]]\nname = \"ai\"\nunit = \"ai.service\"\n".utf8)
            .write(to: URL(fileURLWithPath: config))
        let run = try Self.logview(["--config", config, "--show-sources"], in: scratch)
        #expect(run.status == 0)
        #expect(run.stdoutText == """
            Config: \(config)
            Sources:
              nginx  file     /var/log/nginx/access.log*  (\(config):1, format nginx-access)
              ai     journal  journal:ai.service  (\(config):6)

            """)
    }

    @Test func configDefaultsSetTheDisplayZoneAndWindow() throws {
        let scratch = try TemporaryDirectory("defaults")
        defer { scratch.remove() }
        try scratch.directory("xdg/logview")
        try Data("[defaults]\ntz = \"Asia/Seoul\"\nwindow = \"1ms\"\n".utf8)
            .write(to: URL(fileURLWithPath: scratch.file("xdg/logview/config.toml")))
        let run = try Self.logview(["--demo", "--print", "--around", "2026-01-30 14:02:42.313"], in: scratch)
        #expect(run.status == 0)
        let starts = run.stdoutText.split(separator: "\n").filter { !$0.hasPrefix(" ") }.map { String($0.prefix(45)) }
        #expect(starts == [
            "2026-01-30T14:02:42.312000+09:00 ai          ",
            "2026-01-30T14:02:42.313000+09:00 backend     ",
            "2026-01-30T14:02:42.313000+09:00 ai          ",
        ])
    }

    @Test func discoveryUnderARootPrintsItsLogs() throws {
        let scratch = try TemporaryDirectory("root")
        defer { scratch.remove() }
        try scratch.directory("img/etc/nginx")
        try scratch.directory("img/var/log/nginx")
        try Data("http {\n  log_format t '$msec $status \"$request\" $request_id';\n  access_log /var/log/nginx/access.log t;\n}\n".utf8)
            .write(to: URL(fileURLWithPath: scratch.file("img/etc/nginx/nginx.conf")))
        try Data("1769749323.250 200 \"GET / HTTP/1.1\" 0123456789abcdef0123456789abcdef\n".utf8)
            .write(to: URL(fileURLWithPath: scratch.file("img/var/log/nginx/access.log")))
        let root = scratch.file("img")
        let show = try Self.logview(["--root", root, "--show-sources"], in: scratch)
        #expect(show.status == 0)
        #expect(show.stdoutText == """
            Root: \(root)
            Read:
              nginx: /etc/nginx/nginx.conf, read directly
            Sources:
              nginx  nginx-access  /var/log/nginx/access.log  (access_log at /etc/nginx/nginx.conf:3, log_format t)
            Skipped:
              /etc/postgresql: not found (PostgreSQL is not configured here)

            """)
        let print = try Self.logview(["--root", root, "--print", "--output", "json"], in: scratch)
        #expect(print.status == 0, "\(print.stderr)")
        #expect(print.stdoutText == #"{"ts":"2026-01-30T05:02:03.250000000Z","source":"nginx","level":"info","request_ids":["0123456789abcdef0123456789abcdef"],"message":"1769749323.250 200 \"GET / HTTP/1.1\" 0123456789abcdef0123456789abcdef","file":"\#(root)/var/log/nginx/access.log","line":1,"lines":1}"# + "\n")

        let empty = try scratch.directory("empty")
        let nothing = try Self.logview(["--root", empty, "--print"], in: scratch)
        #expect(nothing.status == 64)
        #expect(nothing.stderr.contains("no sources given and none found (config file or discovery under \(empty))"))
    }
}

/// Config `request_id` patterns: an id only the pattern can see joins the request.
@Suite struct ConfigRequestIDTests {
    static let config = """
        [[source]]
        name = "edge"
        path = "LOGS/edge.log"

        [[source]]
        name = "worker"
        path = "LOGS/worker.log"
        request_id = ['\\[job ([0-9a-f]+)\\]', 'ref#(\\w+)']

        """

    @Test func aPatternsIDFindsEntriesTheScannerCannotSee() throws {
        let scratch = try TemporaryDirectory("config-rid")
        defer { scratch.remove() }
        try Data("""
            2026-01-30 05:02:03.100 INFO request_id=abc123 POST /pay
            2026-01-30 05:02:03.900 INFO request_id=ffff00 GET /health

            """.utf8).write(to: URL(fileURLWithPath: scratch.file("edge.log")))
        try Data("""
            2026-01-30 05:02:03.200 INFO [job abc123] charging card
            2026-01-30 05:02:03.300 WARN retrying
              ref#abc123 attempt 2
            2026-01-30 05:02:03.400 INFO [job ffff00] health ok
            2026-01-30 05:02:03.500 ERROR ref#abc123 declined

            """.utf8).write(to: URL(fileURLWithPath: scratch.file("worker.log")))
        let config = scratch.file("c.toml")
        try Data(Self.config.replacingOccurrences(of: "LOGS", with: scratch.path).utf8).write(to: URL(fileURLWithPath: config))
        let run = try SetupCommandLineTests.logview(["--config", config, "--print", "--request-id", "abc123"], in: scratch)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr == "")
        // The continuation line keeps its own two spaces after the message column's indent.
        #expect(run.stdoutText == """
            2026-01-30T05:02:03.100Z edge   INFO  INFO request_id=abc123 POST /pay
            2026-01-30T05:02:03.200Z worker INFO  INFO [job abc123] charging card
            2026-01-30T05:02:03.300Z worker WARN  WARN retrying
            \(String(repeating: " ", count: 40))ref#abc123 attempt 2
            2026-01-30T05:02:03.500Z worker ERROR ERROR ref#abc123 declined

            """)
        // Without the patterns only the edge line carries the id.
        try Data(Self.config.replacingOccurrences(of: "LOGS", with: scratch.path).replacingOccurrences(of: "request_id = ", with: "# ").utf8)
            .write(to: URL(fileURLWithPath: config))
        let plain = try SetupCommandLineTests.logview(["--config", config, "--print", "--request-id", "abc123"], in: scratch)
        #expect(plain.stdoutText == "2026-01-30T05:02:03.100Z edge   INFO  INFO request_id=abc123 POST /pay\n")
    }

    /// Lines appended while following are read by the same parser: a pattern's id joins the request live.
    @Test func followedLinesGetThePatternsIDs() throws {
        let scratch = try TemporaryDirectory("config-rid-follow")
        defer { scratch.remove() }
        try Data("2026-01-30 05:02:03.100 INFO request_id=abc123 POST /pay\n".utf8).write(to: URL(fileURLWithPath: scratch.file("edge.log")))
        let worker = scratch.file("worker.log")
        try Data("2026-01-30 05:02:03.200 INFO [job abc123] charging card\n".utf8).write(to: URL(fileURLWithPath: worker))
        let config = scratch.file("c.toml")
        try Data(Self.config.replacingOccurrences(of: "LOGS", with: scratch.path).utf8).write(to: URL(fileURLWithPath: config))
        let run = try FollowRun(["--config", config, "--request-id", "abc123"], in: scratch)
        try run.waitForMessages("the two entries of the request") { $0.count == 2 }
        let handle = try #require(FileHandle(forWritingAtPath: worker))
        handle.seekToEndOfFile()
        handle.write(Data("2026-01-30 05:02:04.000 INFO [job ffff00] other request\n2026-01-30 05:02:04.100 INFO ref#abc123 refunded\n".utf8))
        try handle.close()
        try run.waitForMessages("the appended entry of the request") { $0.count == 3 }
        #expect(run.stop() == 0)
        #expect(run.messages() == [
            "INFO request_id=abc123 POST /pay", "INFO [job abc123] charging card", "INFO ref#abc123 refunded",
        ])
    }

    @Test func aRemoteSourceWithPatternsStopsBeforeAnythingOpens() throws {
        let scratch = try TemporaryDirectory("config-rid-remote")
        defer { scratch.remove() }
        let config = scratch.file("c.toml")
        try Data("""
            [loki.prod]
            url = "http://127.0.0.1:9"

            [[source]]
            name = "app"
            selector = '{job="app"}'
            endpoint = "prod"
            request_id = 'rid=(\\w+)'

            """.utf8).write(to: URL(fileURLWithPath: config))
        let run = try SetupCommandLineTests.logview(["--config", config, "--print"], in: scratch)
        #expect(run.status == 78)
        #expect(run.stdoutText == "")
        #expect(run.stderr == "logview: \(config):8: request_id patterns apply to file sources only; a loki source cannot use them yet (remove the key)\n")
    }
}
