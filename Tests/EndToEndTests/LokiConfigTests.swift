import Foundation
import Testing
import TestSupport

// Loki sources defined in the config file, against the replay server of RemoteSourcesTests
// (recorded answers of a real Loki 3.7.6: Loki cannot run on this machine).

@Suite(.timeLimit(.minutes(10)))
struct LokiConfigTests {
    /// A config with one `[loki.x]` endpoint at `url`, a Loki source on it and the local nginx copy.
    static func writeConfig(in local: LocalCopies, url: String) throws -> String {
        let config = local.directory.file("config.toml")
        let text = """
            [loki.x]
            url = "\(url)"
            tenant = "ops"

            [[source]]
            name = "remote"
            kind = "loki"
            selector = '\(RemoteFixtures.requestQuery)'
            endpoint = "x"

            [[source]]
            name = "nginx"
            path = "\(local.nginx)"

            """
        try Data(text.utf8).write(to: URL(fileURLWithPath: config))
        return config
    }

    @Test func aConfigLokiSourceIsQueriedAtItsEndpointUnderItsName() throws {
        let local = try LocalCopies.write()
        defer { local.directory.remove() }
        let loki = try RemoteSourcesTests.lokiReplay()
        defer { loki.stop() }
        let config = try Self.writeConfig(in: local, url: loki.url)
        let run = try Logview.run(["--config", config, "--print", "--output", "json"] + RemoteSourcesTests.window, scratch: local.directory.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr == "")
        #expect(loki.requests.map(\.path) == ["/loki/api/v1/query_range"])
        #expect(loki.requests.map { $0.parameter("query") } == [RemoteFixtures.requestQuery])
        #expect(loki.requests.map { $0.headers["x-scope-orgid"] } == ["ops"])
        let entries = try run.entries()
        #expect(entries.map(\.source) == ["nginx", "remote", "remote", "remote", "remote", "remote"])
        #expect(entries.map(\.ts) == [
            "2026-01-30T05:00:32.000000000Z", "2026-01-30T05:00:32.000000000Z", "2026-01-30T05:00:32.013000000Z",
            "2026-01-30T05:00:32.014000000Z", "2026-01-30T05:00:32.021000000Z", "2026-01-30T05:00:32.814000000Z",
        ])
        #expect(entries.map { $0.file == nil } == [false, true, true, true, true, true])
        // The local nginx line and Loki's copy of it carry the same message.
        #expect(entries[0].message == entries[1].message)
        #expect(entries[1].message.hasPrefix(#"198.51.100.226 - - [30/Jan/2026:14:00:32 +0900] "POST /api/assist HTTP/1.1" 502 138 "#))
        #expect(entries.dropFirst(2).map { String($0.message.prefix(40)) } == [
            "INFO 50717 --- [api] [http-nio-8080-exec",
            "INFO 50717 --- [api] [http-nio-8080-exec",
            "[50341] ai@appdb LOG:  duration: 4.578 m",
            "ERROR 50717 --- [api] [http-nio-8080-exe",
        ])
        // One source spanning three jobs, each job's lines read by that job's format (nginx,
        // Spring Boot, PostgreSQL): levels and request ids as the per-job sources give them.
        #expect(entries.map(\.level) == ["error", "error", "info", "info", "info", "error"])
        #expect(entries.map { $0.requestIDs.contains(RemoteFixtures.requestID) } == [true, true, true, true, true, true])
        #expect(entries.last?.message.hasSuffix("at java.base/java.lang.Thread.run(Thread.java:840) ~[na:na]") == true)
        #expect(run.stdoutText.contains(#""server":"\#(loki.url)","fields":{"detected_level":"error","host":"app1","job":"backend""#))

        // A loki: argument without --loki/LOKI_ADDR goes to the config's only endpoint, named by job.
        let argument = try Logview.run(["--config", config, "--print", "--output", "json", "loki:" + RemoteFixtures.requestQuery] + RemoteSourcesTests.window,
                                       scratch: local.directory.path)
        #expect(argument.status == 0, "\(argument.stderr)")
        #expect(try argument.entries().map(\.source) == ["nginx", "backend", "backend", "postgresql", "backend"])
        #expect(loki.requests.map { $0.headers["x-scope-orgid"] } == ["ops", "ops"])
    }

    @Test func listingsUseTheConfigEndpointAndLokiNameChoosesOne() throws {
        let dir = try TemporaryDirectory("loki-config-list")
        defer { dir.remove() }
        let loki = try RemoteSourcesTests.lokiReplay()
        defer { loki.stop() }
        let passwordFile = dir.file("loki-password")
        try Data("s3cret\n".utf8).write(to: URL(fileURLWithPath: passwordFile))
        let two = dir.file("two.toml"), one = dir.file("one.toml")
        try Data("""
            [loki.old]
            url = "http://127.0.0.1:1"

            [loki.main]
            url = "\(loki.url)"
            tenant = "ops"
            username = "reader"
            password_file = "\(passwordFile)"

            """.utf8).write(to: URL(fileURLWithPath: two))
        try Data("[loki.main]\nurl = \"\(loki.url)\"\n".utf8).write(to: URL(fileURLWithPath: one))
        let window = RemoteSourcesTests.window

        // The config's only endpoint, without --loki or LOKI_ADDR.
        let only = try Logview.run(["--config", one, "--list-labels", "--list-label-values", "job"] + window, scratch: dir.path)
        #expect(only.status == 0, "\(only.stderr)")
        #expect(only.stdoutText == "filename\nhost\njob\nservice_name\nunit\njob=backend\njob=nginx\njob=postgresql\n")
        #expect(loki.requests.map { $0.headers["x-scope-orgid"] } == [nil, nil])

        // Two endpoints: --loki NAME picks one, with its tenant and the password from its file.
        let named = try Logview.run(["--config", two, "--loki", "main", "--list-streams", #"loki:{job="nginx"} |= "GET""#] + window, scratch: dir.path)
        #expect(named.status == 0, "\(named.stderr)")
        #expect(named.stdoutText == #"{filename="/var/log/nginx/access.log", host="app1", job="nginx", service_name="nginx"}"# + "\n")
        #expect(loki.requests.last?.path == "/loki/api/v1/series")
        #expect(loki.requests.last?.headers["x-scope-orgid"] == "ops")
        #expect(loki.requests.last?.headers["authorization"] == "Basic cmVhZGVyOnMzY3JldA==")

        let unnamed = try Logview.run(["--config", two, "--list-labels"] + window, scratch: dir.path)
        #expect(unnamed.status != 0)
        #expect(unnamed.stderr.contains("loki: sources need the server: give --loki NAME (old, main in the config file), --loki URL or LOKI_ADDR"))
        let unknown = try Logview.run(["--config", two, "--loki", "backup", "--list-labels"] + window, scratch: dir.path)
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("--loki backup: neither an http:// or https:// URL nor a [loki.NAME] endpoint (the config file defines old, main)"))
        #expect(loki.requests.count == 3)
    }

    /// Credentials are bound to a server: the environment's token, given for another Loki, is not
    /// sent to a config endpoint; for the only server given, it is.
    @Test func environmentCredentialsGoOnlyToTheServerTheyAreFor() throws {
        let dir = try TemporaryDirectory("loki-config-credentials")
        defer { dir.remove() }
        let loki = try RemoteSourcesTests.lokiReplay()
        defer { loki.stop() }
        let config = dir.file("one.toml")
        try Data("[loki.main]\nurl = \"\(loki.url)\"\n".utf8).write(to: URL(fileURLWithPath: config))
        let window = RemoteSourcesTests.window
        let elsewhere = try Logview.run(["--config", config, "--loki", "main", "--list-labels"] + window,
            environment: ["LOKI_ADDR": "https://logs.example.net", "LOKI_BEARER_TOKEN": "t0ken"], scratch: dir.path)
        #expect(elsewhere.status == 0, "\(elsewhere.stderr)")
        #expect(loki.requests.count == 1)
        #expect(loki.requests.last?.headers["authorization"] == nil)
        let here = try Logview.run(["--config", config, "--list-labels"] + window,
            environment: ["LOKI_BEARER_TOKEN": "t0ken"], scratch: dir.path)
        #expect(here.status == 0, "\(here.stderr)")
        #expect(loki.requests.count == 2)
        #expect(loki.requests.last?.headers["authorization"] == "Bearer t0ken")
    }
}
