import Foundation
import Testing
import TestSupport

// Loki sources defined in the config file, against the replay server of RemoteSourcesTests
// (recorded answers of a real Loki 3.7.6: Loki cannot run on this machine).

@Suite(.timeLimit(.minutes(3)))
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
            "2026-01-30 14:00:32.021 KST [50341] ai@a",
            "ERROR 50717 --- [api] [http-nio-8080-exe",
        ])
        #expect(entries.last?.message.hasSuffix("at java.base/java.lang.Thread.run(Thread.java:840) ~[na:na]") == true)
        #expect(run.stdoutText.contains(#""server":"\#(loki.url)","fields":{"detected_level":"error","host":"app1","job":"backend""#))

        // A loki: argument without --loki/LOKI_ADDR goes to the config's only endpoint, named by job.
        let argument = try Logview.run(["--config", config, "--print", "--output", "json", "loki:" + RemoteFixtures.requestQuery] + RemoteSourcesTests.window,
                                       scratch: local.directory.path)
        #expect(argument.status == 0, "\(argument.stderr)")
        #expect(try argument.entries().map(\.source) == ["nginx", "backend", "backend", "postgresql", "backend"])
        #expect(loki.requests.map { $0.headers["x-scope-orgid"] } == ["ops", "ops"])
    }
}
