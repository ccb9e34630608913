import Foundation
import Testing
import TestSupport

// The real binary against remote sources. Loki cannot run on this machine: a server on
// 127.0.0.1 replays byte-exact answers recorded from a real Loki 3.7.6 (Fixtures/loki,
// RECORDING.md). The corpus those answers came from is regenerated here (`generate --size 2MB
// --seed 7`, deterministic), so the local nginx and PostgreSQL files hold the same lines.

enum RemoteFixtures {
    static let loki = E2EPaths.fixtures + "/loki/"

    static func body(_ name: String) -> [UInt8] { Array(FileManager.default.contents(atPath: loki + name) ?? Data()) }

    static let requestID = "68b9b89e487c92d1c53be9b3d4ce44e5"
    static let requestQuery = #"{job=~"nginx|backend|postgresql"} |= "68b9b89e487c92d1c53be9b3d4ce44e5""#
}

/// Local nginx and PostgreSQL logs holding the request's lines exactly as Loki stored them (the
/// recorded answer carries them verbatim), so local and remote copies can be compared.
struct LocalCopies {
    let directory: TemporaryDirectory
    let nginx: String
    let postgres: String

    static func write() throws -> LocalCopies {
        let dir = try TemporaryDirectory("loki-local")
        guard let object = try JSONSerialization.jsonObject(with: Data(RemoteFixtures.body("query_range_request_id_forward.json"))) as? [String: Any],
              let data = object["data"] as? [String: Any], let result = data["result"] as? [[String: Any]]
        else { throw HarnessError("the recorded request-id answer is unreadable") }
        var lines: [String: String] = [:]
        for stream in result {
            guard let labels = stream["stream"] as? [String: String], let job = labels["job"],
                  let values = stream["values"] as? [[Any]] else { continue }
            for v in values { if let line = v[1] as? String { lines[job, default: ""] += line + "\n" } }
        }
        let nginx = dir.file("access.log"), postgres = dir.file("postgresql-15-main.log")
        try Data((lines["nginx"] ?? "").utf8).write(to: URL(fileURLWithPath: nginx))
        try Data((lines["postgresql"] ?? "").utf8).write(to: URL(fileURLWithPath: postgres))
        return LocalCopies(directory: dir, nginx: nginx, postgres: postgres)
    }
}

@Suite(.timeLimit(.minutes(10)))
struct RemoteSourcesTests {
    static func lokiReplay() throws -> ReplayServer {
        try ReplayServer { r in
            switch (r.path, r.parameter("query")) {
            case ("/loki/api/v1/query_range", RemoteFixtures.requestQuery?):
                .http(status: 200, contentType: "application/json; charset=UTF-8", body: RemoteFixtures.body("query_range_request_id_forward.json"))
            case ("/loki/api/v1/query_range", #"{job="nginx""#?):
                .http(status: 400, contentType: "text/plain; charset=utf-8", body: RemoteFixtures.body("error_invalid_logql.txt"))
            case ("/loki/api/v1/labels", _):
                .http(status: 200, contentType: "application/json", body: RemoteFixtures.body("labels.json"))
            case ("/loki/api/v1/label/job/values", _):
                .http(status: 200, contentType: "application/json", body: RemoteFixtures.body("label_job_values.json"))
            case ("/loki/api/v1/series", _) where r.parameter("match[]") == #"{job="nginx"}"#:
                .http(status: 200, contentType: "application/json", body: RemoteFixtures.body("series_nginx.json"))
            default:
                .http(status: 404, contentType: "text/plain; charset=utf-8", body: Array("404 page not found\n".utf8))
            }
        }
    }

    static let window = ["--since", "2026-01-30T05:00:00Z", "--until", "2026-01-30T05:05:00Z", "--tz", "UTC"]

    @Test func aLokiSelectorMergesWithLocalNginxAndPostgresForOneRequest() throws {
        let local = try LocalCopies.write()
        defer { local.directory.remove() }
        let loki = try Self.lokiReplay()
        defer { loki.stop() }
        let files = ["nginx=" + local.nginx, "postgresql=" + local.postgres, "--source-tz", "Asia/Seoul"]
        let pivot = ["--request-id", RemoteFixtures.requestID, "--output", "json"] + Self.window
        let merged = try Logview.run(["--loki", loki.url, "loki:" + RemoteFixtures.requestQuery] + files + pivot, scratch: local.directory.path)
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(merged.stderr == "")
        #expect(loki.requests.map { $0.parameter("start") } == ["1769749200000000000"])
        #expect(loki.requests.map { $0.parameter("end") } == ["1769749500000000001"])

        let entries = try merged.entries()
        let remote = entries.filter { $0.file == nil }
        let localEntries = entries.filter { $0.file != nil }
        #expect(entries.map(\.source) == ["nginx", "nginx", "backend", "backend", "postgresql", "postgresql", "backend"])
        #expect(remote.map(\.ts) == [
            "2026-01-30T05:00:32.000000000Z", "2026-01-30T05:00:32.013000000Z", "2026-01-30T05:00:32.014000000Z",
            "2026-01-30T05:00:32.021000000Z", "2026-01-30T05:00:32.814000000Z",
        ])
        #expect(remote.last?.lines == 65)
        #expect(remote.last?.level == "error")
        // The remote copy of each local line is read the same way: time, level, ids, message.
        #expect(localEntries.map(\.file) == [local.nginx, local.postgres])
        for l in localEntries {
            let twin = remote.first { $0.source == l.source }
            #expect(twin?.ts == l.ts)
            #expect(twin?.level == l.level)
            #expect(twin?.requestIDs == l.requestIDs)
            #expect(twin?.message == l.message)
        }
        #expect(localEntries.first?.requestIDs.contains(RemoteFixtures.requestID) == true)
        // Each Loki entry keeps its server and stream labels.
        let lines = merged.stdoutText.split(separator: "\n")
        #expect(lines.filter { $0.contains(#""server":"\#(loki.url)","fields":{"detected_level":"error","host":"app1","job":"backend""#) }.count == 1)

        // Text output: the same merge, in time order.
        let text = try Logview.run(["--loki", loki.url, "loki:" + RemoteFixtures.requestQuery] + files + ["--request-id", RemoteFixtures.requestID] + Self.window,
                                   scratch: local.directory.path)
        #expect(text.status == 0)
        #expect(text.stdoutText.split(separator: "\n").count == 2 + 1 + 1 + 2 + 65)
    }

    @Test func aFailingLokiSourceGivesOneLineAndTheOthersGoOn() throws {
        let dir = try TemporaryDirectory("loki-fail")
        defer { dir.remove() }
        let log = dir.file("access.log")
        try Data((#"203.0.113.9 - - [30/Jan/2026:05:01:00 +0000] "GET / HTTP/1.1" 200 5 "-" "curl/8.0""# + "\n").utf8).write(to: URL(fileURLWithPath: log))
        let loki = try Self.lokiReplay()
        defer { loki.stop() }
        let bad = try Logview.run(["--loki", loki.url, #"loki:{job="nginx""#, log] + Self.window, scratch: dir.path)
        #expect(bad.status == 1)
        #expect(bad.stderr == #"logview: loki:{job="nginx": \#(loki.url): Loki rejected the query {job="nginx": parse error at line 1, col 13: syntax error: unexpected $end, expecting } or ,: fix the LogQL selector (e.g. loki:'{job="nginx"} |= "ERROR"')"# + "\n")
        let localLine = "2026-01-30T05:01:00Z nginx INFO  203.0.113.9 - - [30/Jan/2026:05:01:00 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"curl/8.0\"\n"
        #expect(bad.stdoutText == localLine)

        let port = loki.port
        loki.stop()
        let gone = try Logview.run(["--loki", "http://127.0.0.1:\(port)", "--remote-retries", "0", #"loki:{job="nginx"}"#, log] + Self.window, scratch: dir.path)
        #expect(gone.status == 1)
        #expect(gone.stderr == "logview: loki:{job=\"nginx\"}: http://127.0.0.1:\(port): connection refused: check that the server runs and the URL's host and port are right\n")
        #expect(gone.stdoutText == localLine)

        let noServer = try Logview.run([#"loki:{job="nginx"}"#, log], scratch: dir.path)
        #expect(noServer.status != 0)
        #expect(noServer.stderr.contains("loki: sources need the server: give --loki URL or set LOKI_ADDR"))
    }

    @Test func labelsAndStreamsHelpFindSelectors() throws {
        let dir = try TemporaryDirectory("loki-labels")
        defer { dir.remove() }
        let loki = try Self.lokiReplay()
        defer { loki.stop() }
        let labels = try Logview.run(["--loki", loki.url, "--list-labels", "--list-label-values", "job"] + Self.window, scratch: dir.path)
        #expect(labels.status == 0, "\(labels.stderr)")
        #expect(labels.stdoutText == "filename\nhost\njob\nservice_name\nunit\njob=backend\njob=nginx\njob=postgresql\n")
        let streams = try Logview.run(["--loki", loki.url, "--list-streams", #"loki:{job="nginx"} |= "GET""#] + Self.window, scratch: dir.path)
        #expect(streams.status == 0, "\(streams.stderr)")
        #expect(streams.stdoutText == #"{filename="/var/log/nginx/access.log", host="app1", job="nginx", service_name="nginx"}"# + "\n")
        #expect(loki.requests.first?.parameter("start") == "1769749200000000000")
    }
}

@Suite(.enabled(if: GatewaydServer.isAvailable, "systemd-journal-gatewayd is needed (package systemd-journal-remote)"), .timeLimit(.minutes(10)))
struct GatewaydSourceEndToEndTests {
    @Test func aGatewaydJournalMergesWithALocalFile() throws {
        let dir = try TemporaryDirectory("gatewayd")
        defer { dir.remove() }
        mkdir(dir.file("journal"), 0o755)
        let rid = "68b9b89e487c92d1c53be9b3d4ce44e5"
        try GatewaydServer.makeJournal([
            [("__REALTIME_TIMESTAMP", Array("1769749232013000".utf8)), ("__MONOTONIC_TIMESTAMP", Array("1000".utf8)),
             ("_BOOT_ID", Array("0123456789abcdef0123456789abcdef".utf8)), ("_SYSTEMD_UNIT", Array("backend.service".utf8)),
             ("PRIORITY", Array("3".utf8)), ("MESSAGE", Array("upstream failed requestId=\(rid)".utf8))],
        ], exportPath: dir.file("e.export"), journalPath: dir.file("journal/e.journal"))
        let server = try GatewaydServer(directory: dir.file("journal"))
        defer { server.stop() }
        let log = dir.file("access.log")
        try Data(#"198.51.100.226 - - [30/Jan/2026:14:00:32 +0900] "POST /api/assist HTTP/1.1" 502 138 "-" "curl/8.0" rid=68b9b89e487c92d1c53be9b3d4ce44e5"#.utf8 + [0x0A]).write(to: URL(fileURLWithPath: log))
        let run = try Logview.run(["gatewayd+" + server.url, "nginx=" + log, "--request-id", rid, "--output", "json"], scratch: dir.path)
        #expect(run.status == 0, "\(run.stderr)")
        let entries = try run.entries()
        #expect(entries.map(\.source) == ["nginx", "backend.service"])
        #expect(entries.map(\.ts) == ["2026-01-30T05:00:32.000000000Z", "2026-01-30T05:00:32.013000000Z"])
        #expect(entries[1].level == "error")
        #expect(run.stdoutText.contains(#""cursor":"s="#))
        #expect(run.stdoutText.contains(#""_SYSTEMD_UNIT":"backend.service""#))

        server.stop()
        let down = try Logview.run(["gatewayd+" + server.url, "nginx=" + log, "--remote-retries", "0"], scratch: dir.path)
        #expect(down.status == 1)
        #expect(down.stderr == "logview: gatewayd+\(server.url): \(server.url): connection refused: check that the server runs and the URL's host and port are right\n")
        #expect(down.stdoutText.contains("POST /api/assist"))
    }
}
