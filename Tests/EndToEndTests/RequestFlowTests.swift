import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

// Real requests through real servers: nginx (reverse proxy, `$request_id`) -> backend.py
// (Spring Boot file log, X-Request-ID in the MDC) -> PostgreSQL (statements commented with the
// request id and traceparent; COMMIT/ROLLBACK without). Then `logview --request-id` must return
// exactly the entries the test finds for that request by reading the raw logs itself.

/// The requests the flow sends: one per behaviour worth checking.
enum FlowRequest: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// 200; a three-line SELECT whose comment (and id) is on its last, tab-continued line.
    case userFound
    /// 404; a WARN in the backend; an empty SELECT that still COMMITs.
    case userMissing
    /// 200; an @Async audit line that carries the trace but not the request id.
    case orderWithAudit
    /// 200; no backend log line at all, only nginx and SQL.
    case productWithoutBackendLog
    /// 500; PostgreSQL ERROR+DETAIL+STATEMENT and ROLLBACK, a backend ERROR with a stack trace.
    case duplicateUser

    var method: String { self == .duplicateUser ? "POST" : "GET" }

    var path: String {
        switch self {
        case .userFound: "/api/users/42"
        case .userMissing: "/api/users/4040"
        case .orderWithAudit: "/api/orders/7"
        case .productWithoutBackendLog: "/api/products/3"
        case .duplicateUser: "/api/users"
        }
    }

    var body: Data {
        self == .duplicateUser ? Data(#"{"name":"Ada Again","email":"ada@example.com"}"#.utf8) : Data()
    }

    var expectedStatus: Int {
        switch self {
        case .userFound, .orderWithAudit, .productWithoutBackendLog: 200
        case .userMissing: 404
        case .duplicateUser: 500
        }
    }

    var loggedByBackend: Bool { self != .productWithoutBackendLog }

    var testDescription: String { "\(method) \(path)" }
}

/// What one recorded run of the servers left behind. The servers are already stopped.
struct RequestFlowRun: Sendable {
    @TaskLocal static var current: RequestFlowRun?

    /// The corpus README's `main` format.
    static let nginxLogFormat = #"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" rid=$request_id rt=$request_time urt=$upstream_response_time"#
    /// The hosts' zone (nginx `$time_local`, the backend's offset, PostgreSQL's `KST`).
    static let serverZone = "Asia/Seoul"

    let directory: TemporaryDirectory
    let accessLog: String
    let backendLog: String
    let postgresLog: String
    let responses: [FlowRequest: HTTPResponse]
    /// Exit status of each server's stop, and the process ids that must be gone.
    let stopStatuses: [String: Int32]
    let stoppedPIDs: [String: pid_t]

    func id(of request: FlowRequest) -> String { responses[request]?.headers["x-request-id"] ?? "" }

    /// The logview arguments over the three logs.
    func logviewArguments(_ filters: [String]) -> [String] {
        ["--print", "--output", "json"] + filters + [
            "--nginx-log-format", Self.nginxLogFormat, "--pg-line-prefix", PostgresServer.linePrefix,
            "nginx=" + accessLog, "backend=" + backendLog, "postgresql=" + postgresLog,
        ]
    }

    static let schema = """
        CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL, email text NOT NULL UNIQUE);
        CREATE TABLE products (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2) NOT NULL);
        CREATE TABLE order_items (order_id int NOT NULL, product_id int NOT NULL REFERENCES products, quantity int NOT NULL);
        INSERT INTO users (id, name, email) SELECT g, 'user ' || g, 'user' || g || '@example.com' FROM generate_series(1, 100) g;
        UPDATE users SET name = 'Ada Lovelace', email = 'ada@example.com' WHERE id = 42;
        SELECT setval('users_id_seq', 100);
        INSERT INTO products VALUES (1, 'desk lamp', 39.90), (2, 'notebook', 4.50), (3, 'fountain pen', 120.00);
        INSERT INTO order_items VALUES (7, 1, 1), (7, 2, 3), (7, 3, 1);
        """

    /// Starts PostgreSQL, the backend and nginx; sends every FlowRequest at once; waits until
    /// the logs are quiet; stops the servers (nginx, backend, PostgreSQL) by PID.
    static func record(in dir: TemporaryDirectory) throws -> RequestFlowRun {
        let postgres = try PostgresServer.start(in: dir, logTimezone: serverZone)
        defer { postgres.stop() }
        try postgres.run(sql: "CREATE DATABASE shop;", scratch: dir.path)
        try postgres.run(sql: schema, database: "shop", scratch: dir.path)
        let backend = try BackendServer.start(in: dir, postgres: postgres, database: "shop", timezone: serverZone)
        defer { backend.stop() }
        let nginx = try NginxServer.start(in: dir, upstreamPort: backend.port, logFormat: nginxLogFormat, timezone: serverZone)
        defer { nginx.stop() }

        let responses = try sendConcurrently(FlowRequest.allCases, port: nginx.port)
        // nginx prints whole seconds, so a request's span reaches to the end of its logged second.
        // Let that second pass before the pool's sessions disconnect at shutdown, so the
        // disconnections are plainly after every request.
        usleep(1_300_000)
        let statuses = ["nginx": nginx.stop(), "backend": backend.stop(), "postgres": postgres.stop()]
        for request in FlowRequest.allCases where responses[request]?.status != request.expectedStatus {
            let r = responses[request]
            throw HarnessError("\(request.testDescription) answered \(r?.status ?? 0), expected \(request.expectedStatus): "
                + String(decoding: r?.body ?? Data(), as: UTF8.self)
                + "\nbackend stderr:\n\(backend.process.stderrTail())")
        }
        return RequestFlowRun(
            directory: dir, accessLog: nginx.accessLogPath, backendLog: backend.logPath, postgresLog: postgres.logPath,
            responses: responses, stopStatuses: statuses,
            stoppedPIDs: ["nginx": nginx.process.pid, "backend": backend.process.pid, "postgres": postgres.process.pid])
    }

    /// One thread per request, so they overlap in the servers and interleave in the logs.
    private static func sendConcurrently(_ requests: [FlowRequest], port: UInt16) throws -> [FlowRequest: HTTPResponse] {
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var values: [FlowRequest: Result<HTTPResponse, Error>] = [:]
        }
        let results = Results()
        let group = DispatchGroup()
        for request in requests {
            group.enter()
            Thread {
                defer { group.leave() }
                let r = Result {
                    try HTTPClient.send(request.method, request.path, port: port, body: request.body,
                                        contentType: request.method == "POST" ? "application/json" : nil)
                }
                results.lock.lock()
                results.values[request] = r
                results.lock.unlock()
            }.start()
        }
        guard group.wait(timeout: .now() + 60) == .success else { throw HarnessError("requests did not finish within 60 s") }
        return try results.values.mapValues { try $0.get() }
    }
}

/// Records one run around the whole suite: the servers are started, used and stopped before
/// the first test, and the temporary directory is removed after the last.
struct RequestFlowRecording: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let dir = try TemporaryDirectory("request-flow")
        let run: RequestFlowRun
        do {
            run = try RequestFlowRun.record(in: dir)
        } catch {
            print("logview-e2e: recording the request flow failed; its files stay in \(dir.path)")
            throw error
        }
        defer { dir.remove() }
        try await RequestFlowRun.$current.withValue(run) { try await function() }
    }
}

extension Trait where Self == RequestFlowRecording {
    static var recordedRequestFlow: Self { Self() }
}

// MARK: - The expected answer, from the raw logs

/// An entry as the test reads it from a raw log, independently of logview.
struct RawEntry: Hashable, Sendable, CustomStringConvertible {
    let source: String
    let file: String
    let line: Int
    let lines: Int
    /// UTC nanoseconds of its printed time.
    let ts: Int64
    let level: String
    let text: String
    /// The request id it carries, if any.
    let requestID: String?
    /// Trace ids it carries.
    let traceIDs: Set<String>

    var key: EntryKey { EntryKey(source: source, file: file, line: line, lines: lines) }
    var description: String { "\(source) \(file):\(line)+\(lines) \(UTCTime.rfc3339(ts)) \(text.prefix(200))" }
}

/// What the tests compare: which source, which file, first line, physical lines.
struct EntryKey: Hashable, Sendable, CustomStringConvertible {
    let source: String
    let file: String
    let line: Int
    let lines: Int
    var description: String { "\(source) \(URL(fileURLWithPath: file).lastPathComponent):\(line)+\(lines)" }
}

extension PrintedEntry {
    var key: EntryKey { EntryKey(source: source, file: file ?? "", line: line ?? 0, lines: lines ?? 0) }
}

/// The three logs of a run, cut into entries the way their formats fold lines.
struct FlowLogs {
    static let sourceOrder = ["nginx", "backend", "postgresql"]

    let nginx: [RawEntry]
    let backend: [RawEntry]
    let postgres: [RawEntry]
    /// COMMIT/ROLLBACK entries (no id) and the request of their session they belong to.
    let sessionLinks: [RawEntry: String]

    var all: [RawEntry] { nginx + backend + postgres }

    init(_ run: RequestFlowRun) throws {
        nginx = try Self.nginxEntries(LogFileLines(path: run.accessLog))
        backend = try Self.backendEntries(LogFileLines(path: run.backendLog))
        let (pg, links) = try Self.postgresEntries(LogFileLines(path: run.postgresLog))
        postgres = pg
        sessionLinks = links
    }

    /// The entries of request `id`: those carrying it, those carrying a trace id seen with it,
    /// and its session's COMMIT/ROLLBACK; in time order (ties: source order, then line).
    func expected(for id: String) -> [RawEntry] {
        let carrying = all.filter { $0.requestID == id }
        let traces = carrying.reduce(into: Set<String>()) { $0.formUnion($1.traceIDs) }
        let viaTrace = all.filter { $0.requestID == nil && !$0.traceIDs.isDisjoint(with: traces) }
        let viaSession = sessionLinks.filter { $0.value == id }.map(\.key)
        return Array(Set(carrying + viaTrace + viaSession)).sorted(by: Self.timeOrder)
    }

    static func timeOrder(_ a: RawEntry, _ b: RawEntry) -> Bool {
        if a.ts != b.ts { return a.ts < b.ts }
        let sa = sourceOrder.firstIndex(of: a.source)!, sb = sourceOrder.firstIndex(of: b.source)!
        return sa != sb ? sa < sb : a.line < b.line
    }

    /// The request (or other group) an entry belongs to, for naming a wrong link.
    func owner(of key: EntryKey) -> String? {
        guard let e = all.first(where: { $0.key == key }) else { return nil }
        return e.requestID ?? sessionLinks[e]
    }

    // nginx: one line, one entry; `[$time_local]` gives whole seconds.
    private static func nginxEntries(_ f: LogFileLines) throws -> [RawEntry] {
        try stride(from: 1, through: f.count, by: 1).map { n in
            let text = f.text(n)
            guard let m = text.firstMatch(of: #/\[(\d{2})/(\w{3})/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})\]/#),
                  let month = UTCTime.months.firstIndex(of: String(m.2)) else {
                throw HarnessError("\(f.path):\(n): no $time_local in \(text)")
            }
            let sign = m.7 == "-" ? -1 : 1
            let ts = UTCTime.nanoseconds(Int(m.3)!, month + 1, Int(m.1)!, Int(m.4)!, Int(m.5)!, Int(m.6)!, millis: 0,
                                         offsetSeconds: sign * (Int(m.8)! * 3600 + Int(m.9)! * 60))
            let id = text.firstMatch(of: #/rid=([0-9a-f]{32})/#).map { String($0.1) }
            return RawEntry(source: "nginx", file: f.path, line: n, lines: 1, ts: ts, level: "", text: text,
                            requestID: id, traceIDs: [])
        }
    }

    // Spring Boot: a line starting with the timestamp opens an entry; every other line (stack
    // frames, the empty lines %wEx prints, a two-line message) continues it.
    private static func backendEntries(_ f: LogFileLines) throws -> [RawEntry] {
        let header = #/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})(Z|([+-])(\d{2}):(\d{2})) +([A-Z]+) /#
        var starts: [(line: Int, ts: Int64, level: String)] = []
        for n in stride(from: 1, through: f.count, by: 1) {
            guard let m = f.text(n).firstMatch(of: header) else {
                if starts.isEmpty { throw HarnessError("\(f.path):\(n): continuation line before any entry") }
                continue
            }
            let offset = m.8 == "Z" ? 0 : (m.9 == "-" ? -1 : 1) * (Int(m.10!)! * 3600 + Int(m.11!)! * 60)
            let ts = UTCTime.nanoseconds(Int(m.1)!, Int(m.2)!, Int(m.3)!, Int(m.4)!, Int(m.5)!, Int(m.6)!,
                                         millis: Int(m.7)!, offsetSeconds: offset)
            starts.append((n, ts, String(m.12)))
        }
        return starts.enumerated().map { i, s in
            let end = i + 1 < starts.count ? starts[i + 1].line : f.count + 1
            let text = (s.line..<end).map(f.text).joined(separator: "\n")
            let id = text.firstMatch(of: #/\[requestId=([0-9a-f]{32})\]/#).map { String($0.1) }
            let trace = text.firstMatch(of: #/\] \[([0-9a-f]{32})-[0-9a-f]{16}\] \[requestId=/#).map { String($0.1) }
            return RawEntry(source: "backend", file: f.path, line: s.line, lines: end - s.line, ts: s.ts,
                            level: s.level, text: text, requestID: id, traceIDs: trace.map { [$0] } ?? [])
        }
    }

    // PostgreSQL stderr with '%m [%p] %q%u@%d ': a message's DETAIL/HINT/CONTEXT/STATEMENT/QUERY/
    // LOCATION lines and tab-continued lines fold into it. Sessions: a COMMIT/ROLLBACK without a
    // comment belongs to the request whose commented statement ran last in that backend (pid).
    private static func postgresEntries(_ f: LogFileLines) throws -> ([RawEntry], [RawEntry: String]) {
        let header = #/^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{3}) ([A-Z]+) \[(\d+)\] (?:\S*@\S* )?([A-Z]+[0-9]?):  (.*)$/#
        let attached: Set<String> = ["DETAIL", "HINT", "CONTEXT", "STATEMENT", "QUERY", "LOCATION"]
        struct Open { var line: Int; var end: Int; var ts: Int64; var pid: String; var severity: String; var message: String }
        var opened: [Open] = []
        for n in stride(from: 1, through: f.count, by: 1) {
            let text = f.text(n)
            if let m = text.firstMatch(of: header) {
                let severity = String(m.10), pid = String(m.9)
                if attached.contains(severity), let last = opened.last, last.pid == pid {
                    opened[opened.count - 1].end = n + 1
                    continue
                }
                guard let offset = UTCTime.abbreviations[String(m.8)] else {
                    throw HarnessError("\(f.path):\(n): unknown zone abbreviation \(m.8)")
                }
                let ts = UTCTime.nanoseconds(Int(m.1)!, Int(m.2)!, Int(m.3)!, Int(m.4)!, Int(m.5)!, Int(m.6)!,
                                             millis: Int(m.7)!, offsetSeconds: offset)
                opened.append(Open(line: n, end: n + 1, ts: ts, pid: pid, severity: severity, message: String(m.11)))
            } else {
                guard !opened.isEmpty else { throw HarnessError("\(f.path):\(n): continuation line before any entry") }
                opened[opened.count - 1].end = n + 1
            }
        }
        var entries: [RawEntry] = []
        var links: [RawEntry: String] = [:]
        var sessionRequest: [String: String] = [:]
        for o in opened {
            let text = (o.line..<o.end).map(f.text).joined(separator: "\n")
            let id = text.firstMatch(of: #/request_id='([0-9a-f]{32})'/#).map { String($0.1) }
            let trace = text.firstMatch(of: #/traceparent='00-([0-9a-f]{32})-[0-9a-f]{16}-01'/#).map { String($0.1) }
            let entry = RawEntry(source: "postgresql", file: f.path, line: o.line, lines: o.end - o.line, ts: o.ts,
                                 level: o.severity, text: text, requestID: id, traceIDs: trace.map { [$0] } ?? [])
            entries.append(entry)
            if id != nil || trace != nil {
                sessionRequest[o.pid] = id  // a traced statement of no request ends the previous request's turn
            } else if o.message.firstMatch(of: #/^duration: [0-9.]+ ms  statement: (COMMIT|ROLLBACK);?$/#) != nil,
                      let owner = sessionRequest[o.pid] {
                links[entry] = owner
            } else if o.message.hasPrefix("disconnection:") {
                sessionRequest[o.pid] = nil
            }
        }
        return (entries, links)
    }
}

/// Civil time to UTC nanoseconds and back to the contract's RFC 3339 text.
enum UTCTime {
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    /// The abbreviations the test's servers print.
    static let abbreviations = ["KST": 9 * 3600, "UTC": 0, "GMT": 0]

    static func nanoseconds(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int,
                            millis: Int, offsetSeconds: Int) -> Int64 {
        let seconds = daysFromCivil(year, month, day) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offsetSeconds)
        return seconds * 1_000_000_000 + Int64(millis) * 1_000_000
    }

    /// `2026-01-30T05:02:03.123456789Z`.
    static func rfc3339(_ ns: Int64) -> String {
        let seconds = ns >= 0 ? ns / 1_000_000_000 : (ns - 999_999_999) / 1_000_000_000
        let fraction = ns - seconds * 1_000_000_000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (y, m, d) = civil(fromDays: days)
        func pad(_ v: Int64, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):"
            + "\(pad(secondOfDay % 60, 2)).\(pad(fraction, 9))Z"
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64((month + 9) % 12)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

// MARK: - Tests

@Suite(.recordedRequestFlow, .timeLimit(.minutes(10)))
struct RequestFlowTests {
    /// The harness itself: the servers answered, logged the ids where they should, and are gone.
    @Test func serversLeaveCorrelatedLogs() throws {
        let run = try #require(RequestFlowRun.current)
        let logs = try FlowLogs(run)
        let ids = FlowRequest.allCases.map(run.id)
        #expect(Set(ids).count == ids.count, "every request got its own id: \(ids)")
        for request in FlowRequest.allCases {
            let id = run.id(of: request)
            #expect(id.wholeMatch(of: #/[0-9a-f]{32}/#) != nil, "\(request.testDescription): X-Request-ID echoed by the backend: '\(id)'")
            let access = logs.nginx.filter { $0.requestID == id }
            #expect(access.count == 1, "\(request.testDescription): one access-log line with rid=\(id)")
            #expect(access.first?.text.contains("\"\(request.method) \(request.path) HTTP/1.1\" \(request.expectedStatus) ") == true,
                    "\(request.testDescription): \(access.first?.text ?? "no line")")
            #expect(logs.backend.contains { $0.requestID == id } == request.loggedByBackend,
                    "\(request.testDescription): backend log lines with requestId=\(id)")
            #expect(logs.postgres.filter { $0.requestID == id }.count == 2, "\(request.testDescription): BEGIN and one statement carry the id")
            let ends = logs.sessionLinks.filter { $0.value == id }.map(\.key.text)
            let end = request == .duplicateUser ? "ROLLBACK" : "COMMIT"
            #expect(ends.count == 1 && ends[0].hasSuffix("statement: \(end);"), "\(request.testDescription): its \(end): \(ends)")
        }

        let duplicate = run.id(of: .duplicateUser)
        let pgError = logs.postgres.filter { $0.requestID == duplicate && $0.level == "ERROR" }
        #expect(pgError.count == 1 && pgError[0].lines == 3, "ERROR+DETAIL+STATEMENT is one entry: \(pgError)")
        #expect(pgError.first?.text.contains("ERROR:  duplicate key value violates unique constraint \"users_email_key\"") == true)
        let trace = logs.backend.filter { $0.requestID == duplicate && $0.level == "ERROR" && $0.lines > 1 }
        #expect(trace.count == 2, "the two-line SqlExceptionHelper message and the stack trace: \(trace)")
        #expect(trace.last.map { $0.lines >= 12 && $0.text.hasSuffix("\n") } == true, "%wEx ends with an empty line")

        let user = logs.postgres.filter { $0.requestID == run.id(of: .userFound) && $0.lines == 3 }
        #expect(user.count == 1 && user[0].text.split(separator: "\n").last?.hasPrefix("\t") == true,
                "the multi-line SELECT continues with tabs and carries its comment on the last line: \(user)")
        let audit = logs.backend.filter { $0.requestID == nil && !$0.traceIDs.isEmpty && $0.text.contains("Recorded view of order 7") }
        let order = logs.backend.first { $0.requestID == run.id(of: .orderWithAudit) }
        #expect(audit.count == 1 && order.map { audit[0].traceIDs == $0.traceIDs } == true,
                "the audit line carries only the order request's trace")
        #expect(logs.postgres.contains { $0.text.contains("connection authorized: user=postgres database=shop application_name=api") })
        #expect(logs.postgres.contains { $0.text.contains("disconnection: session time:") })

        for (name, status) in run.stopStatuses {
            #expect(status == 0, "\(name) stopped cleanly")
        }
        for (name, pid) in run.stoppedPIDs {
            #expect(kill(-pid, 0) == -1 && errno == ESRCH, "no process of \(name)'s group (\(pid)) is left")
        }
    }

    /// `--request-id` returns exactly the request's entries, in time order, with their times.
    @Test(arguments: FlowRequest.allCases)
    func requestIDSelectsExactlyItsEntries(_ request: FlowRequest) throws {
        let run = try #require(RequestFlowRun.current)
        let logs = try FlowLogs(run)
        let id = run.id(of: request)
        let expected = logs.expected(for: id)
        try #require(!expected.isEmpty, "the raw logs have entries for \(id)")

        let result = try Logview.run(run.logviewArguments(["--request-id", id]), scratch: run.directory.path)
        #expect(result.status == 0, "\(result.commandLine)\nexit status \(result.status); stderr: \(result.stderr.prefix(2000))")
        let printed = try result.entries()

        let want = expected.map(\.key), got = printed.map(\.key)
        let missing = expected.filter { !got.contains($0.key) }
        let extra = printed.filter { !want.contains($0.key) }
        let foreign = extra.compactMap { e in logs.owner(of: e.key).map { "\(e.key) belongs to \($0)" } }
        #expect(foreign.isEmpty, "entries of other requests returned for \(id): \(foreign)")
        #expect(Set(got) == Set(want),
                "\(result.commandLine)\nmissing: \(missing.map(\.description).joined(separator: "\n  "))\nunexpected: \(extra.map(\.description).joined(separator: "\n  "))")
        if Set(got) == Set(want) {
            #expect(got == want, "time order (ties: source order, then line)\nwant: \(want)\n got: \(got)")
        }

        for entry in printed {
            guard let raw = expected.first(where: { $0.key == entry.key }) else { continue }
            #expect(entry.ts == UTCTime.rfc3339(raw.ts), "ts of \(raw)")
            if raw.requestID == id {
                #expect(entry.requestIDs.contains(id), "request_ids of \(raw) include \(id): \(entry.requestIDs)")
            }
            if raw.source == "backend" || raw.level == "ERROR" {
                let level = ["INFO": "info", "WARN": "warn", "ERROR": "error"][raw.level]
                #expect(entry.level == level, "level of \(raw)")
            }
        }
        #expect(printed.map(\.ts) == printed.map(\.ts).sorted(), "ts never decreases")
        let nginx = printed.filter { $0.source == "nginx" }
        #expect(nginx.count == 1, "one nginx entry for \(id)")
    }

    /// An id no request had: nothing printed, exit status 0.
    @Test func unknownRequestIDPrintsNothing() throws {
        let run = try #require(RequestFlowRun.current)
        let result = try Logview.run(run.logviewArguments(["--request-id", "0123456789abcdef0123456789abcdef"]),
                                     scratch: run.directory.path)
        #expect(result.status == 0, "\(result.commandLine)\nstderr: \(result.stderr.prefix(2000))")
        #expect(result.stdout.isEmpty, "no entries: \(result.stdoutText.prefix(500))")
    }

    /// Without a filter every physical line of the three logs is in exactly one entry, folded as
    /// the test folds it, at the time the line prints, in time order.
    @Test func fullMergeKeepsEveryEntry() throws {
        let run = try #require(RequestFlowRun.current)
        let logs = try FlowLogs(run)
        let result = try Logview.run(run.logviewArguments([]), scratch: run.directory.path)
        #expect(result.status == 0, "\(result.commandLine)\nstderr: \(result.stderr.prefix(2000))")
        let printed = try result.entries()
        for (file, raw) in [(run.accessLog, logs.nginx), (run.backendLog, logs.backend), (run.postgresLog, logs.postgres)] {
            let got = printed.filter { $0.file == file }.sorted { ($0.line ?? 0) < ($1.line ?? 0) }
            expectSame(got.map(\.key.description), raw.map(\.key.description), "entries of \(file)")
            expectSame(got.map { "\($0.key) \($0.ts)" }, raw.map { "\($0.key) \(UTCTime.rfc3339($0.ts))" }, "times of \(file)")
        }
        #expect(printed.count == logs.all.count, "entry count")
        #expect(printed.map(\.ts) == printed.map(\.ts).sorted(), "ts never decreases")
    }
}

/// One issue naming the first differences of two sequences, instead of printing both whole.
func expectSame(_ got: [String], _ want: [String], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    guard got != want else { return }
    let differing = (0..<max(got.count, want.count)).filter { i in
        i >= got.count || i >= want.count || got[i] != want[i]
    }
    let shown = differing.prefix(8).map { i in
        "  #\(i + 1): got \(i < got.count ? got[i] : "nothing"), want \(i < want.count ? want[i] : "nothing")"
    }
    let message = "\(what): \(got.count) printed, \(want.count) expected, \(differing.count) differ:\n"
        + shown.joined(separator: "\n")
    Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
}
