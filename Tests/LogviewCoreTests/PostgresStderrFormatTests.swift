import Foundation
import Testing

@testable import LogviewCore

/// Feeds lines to a format's parser the way the store does, and folds them into entries.
enum PostgresFeed {
    struct Entry {
        var firstLine: Int
        var lineCount: Int
        var facts: LineFacts
        /// `request:<id>` / `trace:<id>`, from the first line and every continuation, each once.
        var ids: [String]
    }

    static func kinds(_ format: any LogFormat, _ lines: [String], options: FormatOptions = FormatOptions()) throws
        -> [LineKind]
    {
        let parser = try format.makeParser(options)
        return lines.map { line in
            var facts = LineFacts()
            var bytes = Array(line.utf8)
            return bytes.withUnsafeMutableBytes { parser.scan(UnsafeRawBufferPointer($0), into: &facts) }
        }
    }

    static func entries(_ format: any LogFormat, _ lines: [String], options: FormatOptions = FormatOptions()) throws
        -> [Entry]
    {
        let parser = try format.makeParser(options)
        var entries: [Entry] = []
        for (n, line) in lines.enumerated() {
            var facts = LineFacts()
            let bytes = Array(line.utf8)
            let (kind, ids) = bytes.withUnsafeBytes { buffer -> (LineKind, [String]) in
                let kind = parser.scan(buffer, into: &facts)
                let ids = (0..<facts.ids.count).map { k in
                    (facts.ids[k].kind == .request ? "request:" : "trace:")
                        + String(decoding: buffer.slice(facts.ids[k].range), as: UTF8.self)
                }
                return (kind, ids)
            }
            if kind == .start || entries.isEmpty {
                entries.append(Entry(firstLine: n + 1, lineCount: 1, facts: facts, ids: []))
            } else {
                entries[entries.count - 1].lineCount += 1
            }
            for id in ids where !entries[entries.count - 1].ids.contains(id) { entries[entries.count - 1].ids.append(id) }
        }
        return entries
    }

    static func annotate(_ format: any LogFormat, _ text: String, options: FormatOptions = FormatOptions()) throws
        -> [String: String]
    {
        let parser = try format.makeParser(options)
        let fields = Array(text.utf8).withUnsafeBytes { parser.annotate($0) }
        var byName: [String: String] = [:]
        for f in fields where byName[f.name] == nil { byName[f.name] = f.value }
        return byName
    }

    /// A 384-dimension pgvector literal like the AI service sends (about 2.7 KB).
    static func vectorLiteral() -> String {
        (0..<384).map { i -> String in
            let v = (i * 7919 + 13) % 1000
            let digits = v < 10 ? "00\(v)" : v < 100 ? "0\(v)" : "\(v)"
            return (i % 3 == 0 ? "-" : "") + "0.0" + digits
        }.joined(separator: ",")
    }
}

/// 2026-01-30 14:02:03.123 KST (+09:00).
private let kst140203_123: Int64 = 1_769_749_323_123_000_000
private let kst = FormatOptions(zone: ZoneRules(fixedOffset: 9 * 3600, name: "Asia/Seoul"))

@Suite struct PostgresStderrFormatTests {
    let format = PostgresStderrFormat()

    @Test func namesTheFormat() {
        #expect(format.name == "postgresql")
        #expect(format.defaultSourceName == "postgresql")
    }

    @Test func durationExecuteWithSQLCommenterAndParameters() throws {
        let lines = [
            "2026-01-30 14:02:03.123 KST [50998] app@appdb LOG:  duration: 3.957 ms  execute <unnamed>: update user_preferences set currency=$1,language=$2,marketing_opt_in=$3,updated_at=now() where user_id=$4 /*request_id='ec3645ed1b723065988bed7ed8298904',traceparent='00-7a6b427b8657be512fb85de3b80b8cb4-837bc09bb420f657-01'*/",
            "2026-01-30 14:02:03.123 KST [50998] app@appdb DETAIL:  parameters: $1 = 'KRW', $2 = 'ko', $3 = 'f', $4 = '40776'",
        ]
        let entries = try PostgresFeed.entries(format, lines, options: kst)
        #expect(entries.count == 1)
        let e = try #require(entries.first)
        #expect(e.lineCount == 2)
        #expect(e.facts.timestamp.nanoseconds == kst140203_123)
        #expect(e.facts.precision == .milliseconds)
        #expect(e.facts.level == .info)
        #expect(e.facts.session == 50998)
        #expect(e.facts.messageStart == 28)
        #expect(e.facts.duration == TimeSpan(nanoseconds: 3_957_000))
        #expect(e.ids == ["request:ec3645ed1b723065988bed7ed8298904", "trace:7a6b427b8657be512fb85de3b80b8cb4"])
    }

    @Test func commitCarriesNoIDs() throws {
        let lines = ["2026-01-30 14:02:03.126 KST [50998] app@appdb LOG:  duration: 2.598 ms  execute S_4: COMMIT"]
        let e = try #require(try PostgresFeed.entries(format, lines, options: kst).first)
        #expect(e.facts.timestamp.nanoseconds == kst140203_123 + 3_000_000)
        #expect(e.facts.level == .info)
        #expect(e.facts.session == 50998)
        #expect(e.facts.duration == TimeSpan(nanoseconds: 2_598_000))
        #expect(e.ids.isEmpty)
    }

    @Test func errorDetailStatementIsOneEntryWithTheStatementsIDs() throws {
        let lines = [
            "2026-01-30 14:00:29.440 KST [50887] app@appdb ERROR:  duplicate key value violates unique constraint \"orders_idempotency_key_key\"",
            "2026-01-30 14:00:29.440 KST [50887] app@appdb DETAIL:  Key (idempotency_key)=(de732add-3adf-4057-a0cb-1b708d827462) already exists.",
            "2026-01-30 14:00:29.440 KST [50887] app@appdb STATEMENT:  insert into orders (created_at,idempotency_key,status,total_cents,user_id) values (now(),$1,$2,$3,$4) returning id /*request_id='79822e4b878c2ca7d7708cd5394e6cb5',traceparent='00-f68be7bbd6315ca7272f80d81d8e01d8-006eae8889c7453b-01'*/",
            "2026-01-30 14:00:29.441 KST [50887] app@appdb LOG:  duration: 0.112 ms  execute S_2: ROLLBACK",
        ]
        #expect(try PostgresFeed.kinds(format, lines, options: kst) == [.start, .continuation, .continuation, .start])
        let entries = try PostgresFeed.entries(format, lines, options: kst)
        #expect(entries.map(\.lineCount) == [3, 1])
        #expect(entries[0].facts.level == .error)
        #expect(entries[0].facts.timestamp.nanoseconds == 1_769_749_229_440_000_000)
        #expect(entries[0].ids == ["request:79822e4b878c2ca7d7708cd5394e6cb5", "trace:f68be7bbd6315ca7272f80d81d8e01d8"])
        #expect(entries[1].ids.isEmpty)
        #expect(entries[1].facts.duration == TimeSpan(nanoseconds: 112_000))
    }

    @Test func fatalPasswordAuthenticationWithPgHbaDetail() throws {
        let lines = [
            "2026-01-30 14:03:22.346 KST [51566] postgres@appdb FATAL:  password authentication failed for user \"postgres\"",
            "2026-01-30 14:03:22.346 KST [51566] postgres@appdb DETAIL:  Connection matched pg_hba.conf line 102: \"host    all             all             0.0.0.0/0               scram-sha-256\"",
        ]
        let entries = try PostgresFeed.entries(format, lines, options: kst)
        #expect(entries.count == 1)
        #expect(entries[0].lineCount == 2)
        #expect(entries[0].facts.level == .critical)
        #expect(entries[0].facts.session == 51566)
        #expect(entries[0].facts.timestamp.nanoseconds == 1_769_749_402_346_000_000)
    }

    @Test func unknownUserBeforeAuthentication() throws {
        let lines = [
            "2026-01-30 14:02:51.330 KST [51305] [unknown]@[unknown] LOG:  connection received: host=10.0.1.10 port=38584",
            "2026-01-30 14:02:51.333 KST [51305] app@appdb LOG:  connection authorized: user=app database=appdb application_name=PostgreSQL JDBC Driver",
        ]
        let entries = try PostgresFeed.entries(format, lines, options: kst)
        #expect(entries.map(\.lineCount) == [1, 1])
        #expect(entries.map(\.facts.session) == [51305, 51305])
        #expect(entries.map(\.facts.level) == [.info, .info])
        #expect(entries[0].facts.timestamp.nanoseconds == 1_769_749_371_330_000_000)
        let fields = try PostgresFeed.annotate(format, lines[0], options: kst)
        #expect(fields["user"] == "[unknown]")
        #expect(fields["database"] == "[unknown]")
        #expect(fields["message"] == "connection received: host=10.0.1.10 port=38584")
    }

    @Test func processOutsideASessionStopsThePrefixAtQ() throws {
        let line = "2026-01-30 14:05:00.001 KST [812] LOG:  checkpoint starting: time"
        let e = try #require(try PostgresFeed.entries(format, [line], options: kst).first)
        #expect(e.facts.timestamp.nanoseconds == 1_769_749_500_001_000_000)
        #expect(e.facts.session == 812)
        #expect(e.facts.level == .info)
        #expect(e.facts.messageStart == 28)
        let fields = try PostgresFeed.annotate(format, line, options: kst)
        #expect(fields["pid"] == "812")
        #expect(fields["user"] == nil)
        #expect(fields["severity"] == "LOG")
        #expect(fields["message"] == "checkpoint starting: time")
    }

    @Test func tabContinuedSQLCarriesTheIDsOnItsLastLine() throws {
        let lines = [
            "2026-01-30 14:00:00.039 KST [50966] app@appdb LOG:  duration: 13.033 ms  execute <unnamed>: SELECT o.id, o.status, o.total_cents, o.created_at,",
            "\t       count(i.id) AS item_count",
            "\t  FROM orders o",
            "\t  LEFT JOIN order_items i ON i.order_id = o.id",
            "\t WHERE o.user_id = $1",
            "\t GROUP BY o.id",
            "\t ORDER BY o.created_at DESC",
            "\t LIMIT $2 OFFSET $3 /*request_id='b6cdcd4f1f050f5961758db9a40cfdae',traceparent='00-285e6d5f0cf6b5f4ef5df8a4e153f278-5115b577574e9249-01'*/",
            "2026-01-30 14:00:00.039 KST [50966] app@appdb DETAIL:  parameters: $1 = '49169', $2 = '20', $3 = '80'",
        ]
        let kinds = try PostgresFeed.kinds(format, lines, options: kst)
        #expect(kinds == [.start] + Array(repeating: .continuation, count: 8))
        let entries = try PostgresFeed.entries(format, lines, options: kst)
        #expect(entries.count == 1)
        #expect(entries[0].lineCount == 9)
        #expect(entries[0].facts.ids.count == 0)  // the first line has none; the tab line brings them
        #expect(entries[0].ids == ["request:b6cdcd4f1f050f5961758db9a40cfdae", "trace:285e6d5f0cf6b5f4ef5df8a4e153f278"])
        let fields = try PostgresFeed.annotate(format, lines.joined(separator: "\n"), options: kst)
        #expect(fields["duration_ms"] == "13.033")
        #expect(fields["detail"] == "parameters: $1 = '49169', $2 = '20', $3 = '80'")
        #expect(fields["message"]?.hasSuffix("\n  FROM orders o\n  LEFT JOIN order_items i ON i.order_id = o.id\n WHERE o.user_id = $1\n GROUP BY o.id\n ORDER BY o.created_at DESC\n LIMIT $2 OFFSET $3 /*request_id='b6cdcd4f1f050f5961758db9a40cfdae',traceparent='00-285e6d5f0cf6b5f4ef5df8a4e153f278-5115b577574e9249-01'*/") == true)
        #expect(fields["request_id"] == "b6cdcd4f1f050f5961758db9a40cfdae")
        #expect(fields["trace_id"] == "285e6d5f0cf6b5f4ef5df8a4e153f278")
    }

    @Test func autovacuumReportIsOneEntry() throws {
        let lines = [
            "2026-01-30 14:00:54.233 KST [51129] LOG:  automatic vacuum of table \"appdb.public.sessions\": index scans: 1",
            "\tpages: 0 removed, 28601 remain, 6800 scanned (23.78% of total)",
            "\ttuples: 8939 removed, 1144040 remain, 0 are dead but not yet removable",
            "\tremovable cutoff: 9123668, which was 19 XIDs old when operation ended",
            "\tnew relfrozenxid: 9123168, which is 963 XIDs ahead of previous value",
            "\tindex scan needed: 2266 pages from table (7.93% of total) had 8939 dead item identifiers removed",
            "\tindex \"sessions_pkey\": pages: 4085 in total, 0 newly deleted, 0 currently deleted, 0 reusable",
            "\tI/O timings: read: 0.511 ms, write: 0.000 ms",
            "\tavg read rate: 13.258 MB/s, avg write rate: 4.232 MB/s",
            "\tbuffer usage: 20400 hits, 1700 misses, 1360 dirtied",
            "\tWAL usage: 17878 records, 183 full page images, 2681700 bytes",
            "\tsystem usage: CPU: user: 0.09 s, system: 0.02 s, elapsed: 0.26 s",
            "2026-01-30 14:00:55.318 KST [51045] ai@appdb LOG:  duration: 6.967 ms  statement: SELECT 1",
        ]
        let entries = try PostgresFeed.entries(format, lines, options: kst)
        #expect(entries.map(\.lineCount) == [12, 1])
        #expect(entries.map(\.facts.session) == [51129, 51045])
        #expect(entries[0].facts.timestamp.nanoseconds == 1_769_749_254_233_000_000)
        #expect(entries[0].facts.duration == nil)
    }

    @Test func longVectorLiteralLine() throws {
        let line = "2026-01-30 14:00:55.318 KST [51045] ai@appdb LOG:  duration: 6.967 ms  statement: WITH q AS (SELECT '["
            + PostgresFeed.vectorLiteral()
            + "]'::vector AS v) SELECT d.id, d.title, 1 - (d.embedding <=> q.v) AS score FROM documents d, q ORDER BY d.embedding <=> q.v LIMIT 5 /*request_id='a7b4d516d35b92e987da0fb677e2665b'*/"
        #expect(line.utf8.count > 2700)
        let entries = try PostgresFeed.entries(format, [line], options: kst)
        #expect(entries.count == 1)
        #expect(entries[0].facts.session == 51045)
        #expect(entries[0].facts.timestamp.nanoseconds == 1_769_749_255_318_000_000)
        #expect(entries[0].facts.duration == TimeSpan(nanoseconds: 6_967_000))
        #expect(entries[0].ids == ["request:a7b4d516d35b92e987da0fb677e2665b"])
    }

    @Test func detailOfAnotherProcessStartsItsOwnEntry() throws {
        let lines = [
            "2026-01-30 14:02:03.123 KST [100] app@appdb LOG:  duration: 1.000 ms  execute <unnamed>: select 1",
            "2026-01-30 14:02:03.124 KST [200] app@appdb LOG:  duration: 1.000 ms  execute <unnamed>: select 2",
            "2026-01-30 14:02:03.125 KST [100] app@appdb DETAIL:  parameters: $1 = '1'",
            "2026-01-30 14:02:03.126 KST [100] app@appdb HINT:  a hint of the same process",
        ]
        let entries = try PostgresFeed.entries(format, lines, options: kst)
        #expect(entries.map(\.lineCount) == [1, 1, 2])
        #expect(entries.map(\.facts.session) == [100, 200, 100])
        #expect(entries[2].facts.level == .unknown)
        #expect(entries[2].facts.timestamp.nanoseconds == kst140203_123 + 2_000_000)
    }

    @Test(arguments: [
        ("WARNING", Level.warning), ("NOTICE", .notice), ("INFO", .info), ("DEBUG1", .debug), ("DEBUG5", .debug),
        ("PANIC", .emergency), ("FATAL", .critical), ("ERROR", .error), ("LOG", .info),
    ])
    func levelFromSeverity(word: String, level: Level) throws {
        let line = "2026-01-30 14:02:03.123 KST [7] app@appdb \(word):  something happened"
        let e = try #require(try PostgresFeed.entries(format, [line], options: kst).first)
        #expect(e.facts.level == level)
        #expect(e.facts.timestamp.nanoseconds == kst140203_123)
    }

    @Test func secondaryWordsContinueTheEntry() throws {
        let words = ["DETAIL", "HINT", "STATEMENT", "CONTEXT", "QUERY", "LOCATION"]
        let lines = ["2026-01-30 14:02:03.123 KST [7] app@appdb ERROR:  boom"]
            + words.map { "2026-01-30 14:02:03.123 KST [7] app@appdb \($0):  more" }
        let entries = try PostgresFeed.entries(format, lines, options: kst)
        #expect(entries.map(\.lineCount) == [7])
        let fields = try PostgresFeed.annotate(format, lines.joined(separator: "\n"), options: kst)
        #expect(fields["context"] == "more")
        #expect(fields["location"] == "more")
        #expect(fields["severity"] == "ERROR")
        #expect(fields["message"] == "boom")
    }

    @Test func linesTheprefixDoesNotMatchContinue() throws {
        let lines = [
            "2026-01-30 14:02:03.123 KST [7] app@appdb LOG:  starting",
            "some tool wrote this to the same stderr",
            "",
            "2026-01-30 14:02:04.123 KST [7] app@appdb LOG:  next",
        ]
        #expect(try PostgresFeed.kinds(format, lines, options: kst) == [.start, .continuation, .continuation, .start])
    }

    // MARK: non-default prefixes

    @Test func pgbadgerStylePrefixWithSecondsAndEmptyValues() throws {
        let options = FormatOptions(zone: .utc, postgresLinePrefix: "%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ")
        let lines = [
            "2026-01-30 14:02:03 KST [4242]: [3-1] user=app,db=appdb,app=PostgreSQL JDBC Driver,client=10.0.1.10 LOG:  duration: 1.250 ms  statement: SELECT 1 /*request_id='0a1b2c3d'*/",
            "2026-01-30 14:02:03 KST [4242]: [4-1] user=app,db=appdb,app=PostgreSQL JDBC Driver,client=10.0.1.10 DETAIL:  parameters: $1 = 'x'",
            "2026-01-30 14:05:00 KST [812]: [1-1] user=,db=,app=,client= LOG:  checkpoint starting: time",
        ]
        let entries = try PostgresFeed.entries(format, lines, options: options)
        #expect(entries.map(\.lineCount) == [2, 1])
        #expect(entries[0].facts.timestamp.nanoseconds == 1_769_749_323_000_000_000)
        #expect(entries[0].facts.precision == .seconds)
        #expect(entries[0].facts.session == 4242)
        #expect(entries[0].facts.messageStart == 24)
        #expect(entries[0].ids == ["request:0a1b2c3d"])
        #expect(entries[1].facts.session == 812)
        #expect(entries[1].facts.timestamp.nanoseconds == 1_769_749_500_000_000_000)
        let fields = try PostgresFeed.annotate(format, lines[0], options: options)
        #expect(fields["timestamp"] == "2026-01-30 14:02:03 KST")
        #expect(fields["pid"] == "4242")
        #expect(fields["line_number"] == "3")
        #expect(fields["user"] == "app")
        #expect(fields["database"] == "appdb")
        #expect(fields["application"] == "PostgreSQL JDBC Driver")
        #expect(fields["host"] == "10.0.1.10")
        #expect(fields["duration_ms"] == "1.250")
        let empty = try PostgresFeed.annotate(format, lines[2], options: options)
        #expect(empty["user"] == nil)
        #expect(empty["message"] == "checkpoint starting: time")
    }

    @Test func sessionIDAndTransactionPrefix() throws {
        let options = FormatOptions(zone: .utc, postgresLinePrefix: "%m %c %x ")
        let lines = [
            "2026-01-30 14:02:03.123 KST 697c362e.c781 0 ERROR:  relation \"nope\" does not exist at character 15",
            "2026-01-30 14:02:03.123 KST 697c362e.c781 0 STATEMENT:  select * from nope /*request_id='feedbeef'*/",
            "2026-01-30 14:02:03.200 KST 697c362e.c782 0 STATEMENT:  another session's statement",
        ]
        let entries = try PostgresFeed.entries(format, lines, options: options)
        #expect(entries.map(\.lineCount) == [2, 1])
        #expect(entries[0].facts.session == 0xc781)
        #expect(entries[0].facts.level == .error)
        #expect(entries[0].ids == ["request:feedbeef"])
        #expect(entries[1].facts.session == 0xc782)
        let fields = try PostgresFeed.annotate(format, lines[0], options: options)
        #expect(fields["session_id"] == "697c362e.c781")
        #expect(fields["xid"] == "0")
    }

    @Test func epochMillisecondsPrefix() throws {
        let options = FormatOptions(zone: .utc, postgresLinePrefix: "%n|%p|")
        let lines = ["1769749323.123|4242|LOG:  statement: SELECT 1", "1769749323.124|4242|DETAIL:  more"]
        let entries = try PostgresFeed.entries(format, lines, options: options)
        #expect(entries.map(\.lineCount) == [2])
        #expect(entries[0].facts.timestamp.nanoseconds == kst140203_123)
        #expect(entries[0].facts.precision == .milliseconds)
        #expect(entries[0].facts.session == 4242)
        #expect(entries[0].facts.messageStart == 14)
    }

    @Test func paddedEscapes() throws {
        let options = FormatOptions(zone: .utc, postgresLinePrefix: "%m [%10p] %-10u@%d ")
        let lines = [
            "2026-01-30 14:02:03.123 KST [      4242] app       @appdb LOG:  statement: SELECT 1",
            "2026-01-30 14:02:03.123 KST [      4242] verylonguser@appdb DETAIL:  wider than the padding",
        ]
        let entries = try PostgresFeed.entries(format, lines, options: options)
        #expect(entries.map(\.lineCount) == [2])
        #expect(entries[0].facts.session == 4242)
        let fields = try PostgresFeed.annotate(format, lines[0], options: options)
        #expect(fields["user"] == "app")
        #expect(fields["pid"] == "4242")
        #expect(fields["database"] == "appdb")
    }

    @Test func leftPaddingBeforeASpace() throws {
        let options = FormatOptions(zone: .utc, postgresLinePrefix: "%m %-8u %d ")
        let line = "2026-01-30 14:02:03.123 KST app      appdb LOG:  hello"
        let fields = try PostgresFeed.annotate(format, line, options: options)
        #expect(fields["user"] == "app")
        #expect(fields["database"] == "appdb")
        #expect(fields["message"] == "hello")
    }

    @Test func manyEscapesAtOnce() throws {
        let options = FormatOptions(
            zone: .utc, postgresLinePrefix: "%m [%p-%l] %%%b%% %r %v %x %e %i %Q %P%s %a: ")
        let line = "2026-01-30 14:02:03.123 KST [4242-7] %client backend% 10.0.1.10(38584) 3/17 0 23505 idle in transaction -4125332178 2026-01-30 13:40:14 KST psql: ERROR:  oops"
        let e = try #require(try PostgresFeed.entries(format, [line], options: options).first)
        #expect(e.facts.level == .error)
        #expect(e.facts.session == 4242)
        #expect(e.facts.timestamp.nanoseconds == kst140203_123)
        let fields = try PostgresFeed.annotate(format, line, options: options)
        #expect(fields["line_number"] == "7")
        #expect(fields["backend_type"] == "client backend")
        #expect(fields["host"] == "10.0.1.10")
        #expect(fields["port"] == "38584")
        #expect(fields["virtual_xid"] == "3/17")
        #expect(fields["sqlstate"] == "23505")
        #expect(fields["command_tag"] == "idle in transaction")
        #expect(fields["query_id"] == "-4125332178")
        #expect(fields["leader_pid"] == nil)
        #expect(fields["session_start"] == "2026-01-30 13:40:14 KST")
        #expect(fields["application"] == "psql")
        #expect(fields["message"] == "oops")
    }

    @Test func prefixWithoutTimeGivesTimestampZero() throws {
        let options = FormatOptions(zone: .utc, postgresLinePrefix: "[%p] ")
        let lines = ["[42] LOG:  no time here", "[42] DETAIL:  still none"]
        let entries = try PostgresFeed.entries(format, lines, options: options)
        #expect(entries.map(\.lineCount) == [2])
        #expect(entries[0].facts.timestamp.nanoseconds == 0)
        #expect(entries[0].facts.session == 42)
        #expect(entries[0].facts.messageStart == 0)
        #expect(PostgresLinePrefix("[%p] ").hasTime == false)
    }

    // MARK: zones

    @Test(arguments: [
        ("KST", Int64(1_769_749_323_123_000_000)),
        ("UTC", 1_769_781_723_123_000_000),
        ("CET", 1_769_778_123_123_000_000),
        ("-05", 1_769_799_723_123_000_000),
        ("+0530", 1_769_761_923_123_000_000),
        ("XYZ", 1_769_774_523_123_000_000),  // unknown: naive, read in the source's zone (+02:00)
    ])
    func zones(zone: String, nanoseconds: Int64) throws {
        let options = FormatOptions(zone: ZoneRules(fixedOffset: 2 * 3600))
        let line = "2026-01-30 14:02:03.123 \(zone) [7] app@appdb LOG:  hello"
        let e = try #require(try PostgresFeed.entries(format, [line], options: options).first)
        #expect(e.facts.timestamp.nanoseconds == nanoseconds)
        #expect(e.facts.session == 7)
        #expect(e.facts.level == .info)
    }

    @Test func abbreviationResolvedInTheSourcesZoneFirst() throws {
        // In Europe/Dublin "IST" is Irish Standard Time (+01:00), not India's +05:30 of the common table.
        let bytes = try #require(FileManager.default.contents(atPath: "/usr/share/zoneinfo/Europe/Dublin"))
        let dublin = try ZoneRules(tzif: [UInt8](bytes), name: "Europe/Dublin")
        let line = "2026-07-01 12:00:00.000 IST [7] app@appdb LOG:  hello"
        let e = try #require(try PostgresFeed.entries(format, [line], options: FormatOptions(zone: dublin)).first)
        #expect(e.facts.timestamp.nanoseconds == 1_782_903_600_000_000_000)
    }

    @Test func hostileLineWithManySeparatorsStaysBounded() throws {
        let line = "2026-01-30 14:02:03.123 KST [1] " + String(repeating: "@ :", count: 20_000)
        let e = try #require(try PostgresFeed.entries(format, [line], options: kst).first)
        #expect(e.facts.timestamp.nanoseconds == kst140203_123)
        #expect(e.facts.level == .unknown)
        #expect(e.facts.session == 1)
    }
}
