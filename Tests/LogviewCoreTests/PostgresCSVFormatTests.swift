import Testing

@testable import LogviewCore

/// csvlog records as PostgreSQL 15 writes them (26 columns), plus the older layouts.
enum PostgresCSVSamples {
    static let sighup = #"2026-01-30 14:02:20.625 KST,,,798,,6975a350.31e,1,,2026-01-25 14:00:00 KST,,0,LOG,00000,"received SIGHUP, reloading configuration files",,,,,,,,,"","postmaster",,0"#
    static let logDestination = #"2026-01-30 14:02:20.625 KST,,,798,,6975a350.31e,2,,2026-01-25 14:00:00 KST,,0,LOG,00000,"parameter ""log_destination"" changed to ""stderr,csvlog""",,,,,,,,,"","postmaster",,0"#
    static let execute = #"2026-01-30 14:02:03.123 KST,"app","appdb",50998,"10.0.1.10:46287",697c362e.c736,25,"UPDATE",2026-01-30 13:40:14 KST,16/25,0,LOG,00000,"duration: 3.957 ms  execute <unnamed>: update user_preferences set currency=$1 where user_id=$2 /*request_id='ec3645ed1b723065988bed7ed8298904',traceparent='00-7a6b427b8657be512fb85de3b80b8cb4-837bc09bb420f657-01'*/","parameters: $1 = 'KRW', $2 = '40776'",,,,,,,,"PostgreSQL JDBC Driver","client backend",,0"#
    static let multiLine = [
        #"2026-01-30 14:02:28.400 KST,"app","appdb",50966,"10.0.1.10:46288",697c362e.c716,26,"SELECT",2026-01-30 13:40:14 KST,12/9,0,LOG,00000,"duration: 13.033 ms  execute <unnamed>: SELECT o.id, o.status, o.total_cents, o.created_at,"#,
        #"       count(i.id) AS item_count"#,
        #"  FROM orders o"#,
        #" LIMIT $2 OFFSET $3 /*request_id='b6cdcd4f1f050f5961758db9a40cfdae',traceparent='00-285e6d5f0cf6b5f4ef5df8a4e153f278-5115b577574e9249-01'*/","parameters: $1 = '49169', $2 = '20', $3 = '80'",,,,,,,,"PostgreSQL JDBC Driver","client backend",,0"#,
    ]
    static let duplicateKey = #"2026-01-30 14:00:29.440 KST,"app","appdb",50887,"10.0.1.10:40000",697c362e.c6c7,30,"INSERT",2026-01-30 13:40:14 KST,5/30,0,ERROR,23505,"duplicate key value violates unique constraint ""orders_idempotency_key_key""","Key (idempotency_key)=(de732add-3adf-4057-a0cb-1b708d827462) already exists.",,,,,"insert into orders (created_at,idempotency_key) values (now(),$1) returning id /*request_id='79822e4b878c2ca7d7708cd5394e6cb5',traceparent='00-f68be7bbd6315ca7272f80d81d8e01d8-006eae8889c7453b-01'*/",,,"PostgreSQL JDBC Driver","client backend",,0"#
    static let fatal = #"2026-01-30 14:03:22.346 KST,"postgres","appdb",51566,"192.0.2.201:51000",697c36ba.c96e,1,"authentication",2026-01-30 14:03:22 KST,,0,FATAL,28P01,"password authentication failed for user ""postgres""","Connection matched pg_hba.conf line 102: ""host    all             all             0.0.0.0/0               scram-sha-256""",,,,,,,,"psql","client backend",,0"#
    /// PostgreSQL 12: 23 columns, ending with application_name.
    static let pg12 = #"2026-01-30 14:05:00.001 KST,,,812,,6975a350.32c,1,,2026-01-25 14:00:00 KST,,0,LOG,00000,"checkpoint starting: time",,,,,,,,,"""#
    /// PostgreSQL 13: 24 columns, with backend_type.
    static let pg13 = #"2026-01-30 14:05:00.001 KST,,,812,,6975a350.32c,1,,2026-01-25 14:00:00 KST,,0,LOG,00000,"checkpoint starting: time",,,,,,,,,"","checkpointer""#

    static var all: [String] { [sighup, logDestination, execute] + multiLine + [duplicateKey, fatal, pg12, pg13] }
}

@Suite struct PostgresCSVFormatTests {
    let format = PostgresCSVFormat()
    let kst = FormatOptions(zone: ZoneRules(fixedOffset: 9 * 3600, name: "Asia/Seoul"))

    @Test func namesTheFormat() {
        #expect(format.name == "postgresql-csv")
        #expect(format.defaultSourceName == "postgresql")
        #expect(PostgresCSVFormat.columnNames.count == 26)
    }

    @Test func singleLineRecords() throws {
        let entries = try PostgresFeed.entries(format, [PostgresCSVSamples.sighup, PostgresCSVSamples.logDestination], options: kst)
        #expect(entries.map(\.lineCount) == [1, 1])
        #expect(entries.map(\.facts.timestamp.nanoseconds) == [1_769_749_340_625_000_000, 1_769_749_340_625_000_000])
        #expect(entries.map(\.facts.level) == [.info, .info])
        #expect(entries.map(\.facts.session) == [798, 798])
        #expect(entries[0].facts.messageStart == 28)
        #expect(entries[0].facts.precision == .milliseconds)
    }

    @Test func executeWithSQLCommenter() throws {
        let e = try #require(try PostgresFeed.entries(format, [PostgresCSVSamples.execute], options: kst).first)
        #expect(e.facts.timestamp.nanoseconds == 1_769_749_323_123_000_000)
        #expect(e.facts.session == 50998)
        #expect(e.facts.level == .info)
        #expect(e.facts.duration == TimeSpan(nanoseconds: 3_957_000))
        #expect(e.ids == ["request:ec3645ed1b723065988bed7ed8298904", "trace:7a6b427b8657be512fb85de3b80b8cb4"])
    }

    @Test func recordSpanningLinesIsOneEntry() throws {
        let lines = PostgresCSVSamples.multiLine + [PostgresCSVSamples.sighup]
        #expect(try PostgresFeed.kinds(format, lines, options: kst) == [.start, .continuation, .continuation, .continuation, .start])
        let entries = try PostgresFeed.entries(format, lines, options: kst)
        #expect(entries.map(\.lineCount) == [4, 1])
        #expect(entries[0].facts.timestamp.nanoseconds == 1_769_749_348_400_000_000)
        #expect(entries[0].facts.session == 50966)
        #expect(entries[0].facts.ids.count == 0)
        #expect(entries[0].ids == ["request:b6cdcd4f1f050f5961758db9a40cfdae", "trace:285e6d5f0cf6b5f4ef5df8a4e153f278"])
    }

    @Test func errorWithIDsInTheQueryColumn() throws {
        let e = try #require(try PostgresFeed.entries(format, [PostgresCSVSamples.duplicateKey], options: kst).first)
        #expect(e.facts.level == .error)
        #expect(e.facts.session == 50887)
        #expect(e.ids == ["request:79822e4b878c2ca7d7708cd5394e6cb5", "trace:f68be7bbd6315ca7272f80d81d8e01d8"])
    }

    @Test func fatalIsCritical() throws {
        let e = try #require(try PostgresFeed.entries(format, [PostgresCSVSamples.fatal], options: kst).first)
        #expect(e.facts.level == .critical)
        #expect(e.facts.session == 51566)
        #expect(e.facts.timestamp.nanoseconds == 1_769_749_402_346_000_000)
    }

    @Test(arguments: [(PostgresCSVSamples.pg12, 23), (PostgresCSVSamples.pg13, 24), (PostgresCSVSamples.sighup, 26)])
    func olderLayouts(record: String, columns: Int) throws {
        #expect(Array(record.utf8).withUnsafeBytes { PostgresCSVParser.record($0).count } == columns)
        let e = try #require(try PostgresFeed.entries(format, [record], options: kst).first)
        #expect(e.facts.level == .info)
        #expect(e.facts.session == (record == PostgresCSVSamples.sighup ? 798 : 812))
    }

    @Test func annotateNamesColumnsByLayout() throws {
        let pg13 = try PostgresFeed.annotate(format, PostgresCSVSamples.pg13, options: kst)
        #expect(pg13["backend_type"] == "checkpointer")
        #expect(pg13["message"] == "checkpoint starting: time")
        #expect(pg13["process_id"] == "812")
        let pg12 = try PostgresFeed.annotate(format, PostgresCSVSamples.pg12, options: kst)
        #expect(pg12["backend_type"] == nil)
        #expect(pg12["error_severity"] == "LOG")
    }

    @Test func annotateAWholeRecord() throws {
        let text = PostgresCSVSamples.multiLine.joined(separator: "\n")
        let fields = try PostgresFeed.annotate(format, text, options: kst)
        #expect(fields["log_time"] == "2026-01-30 14:02:28.400 KST")
        #expect(fields["user_name"] == "app")
        #expect(fields["database_name"] == "appdb")
        #expect(fields["connection_from"] == "10.0.1.10:46288")
        #expect(fields["session_id"] == "697c362e.c716")
        #expect(fields["session_line_num"] == "26")
        #expect(fields["command_tag"] == "SELECT")
        #expect(fields["virtual_transaction_id"] == "12/9")
        #expect(fields["sql_state_code"] == "00000")
        #expect(fields["message"]?.contains("o.created_at,\n       count(i.id) AS item_count\n  FROM orders o\n LIMIT") == true)
        #expect(fields["detail"] == "parameters: $1 = '49169', $2 = '20', $3 = '80'")
        #expect(fields["application_name"] == "PostgreSQL JDBC Driver")
        #expect(fields["backend_type"] == "client backend")
        #expect(fields["query_id"] == "0")
        #expect(fields["duration_ms"] == "13.033")
        #expect(fields["request_id"] == "b6cdcd4f1f050f5961758db9a40cfdae")
        #expect(fields["trace_id"] == "285e6d5f0cf6b5f4ef5df8a4e153f278")
        let quoted = try PostgresFeed.annotate(format, PostgresCSVSamples.logDestination, options: kst)
        #expect(quoted["message"] == #"parameter "log_destination" changed to "stderr,csvlog""#)
    }

    @Test func doubledQuotesAcrossLinesKeepTheQuoteState() throws {
        let lines = [
            #"2026-01-30 14:02:30.000 KST,,,42,,6975a350.2a,1,,2026-01-25 14:00:00 KST,,0,LOG,00000,"first ""quoted"" line"#,
            #"2026-01-30 14:02:30.000 KST,this line looks like a record start but is inside the quotes"#,
            #"a ""second"" and ""third"" one, ending here",,,,,,,,,"","postmaster",,0"#,
            PostgresCSVSamples.sighup,
        ]
        #expect(try PostgresFeed.kinds(format, lines, options: kst) == [.start, .continuation, .continuation, .start])
    }

    @Test func aCompleteRecordEndsAQuoteLeftOpen() throws {
        let lines = [
            #"2026-01-30 14:02:30.000 KST,"app","appdb",1,"",6975a350.1,1,"",2026-01-30 13:40:14 KST,,0,LOG,00000,"cut short by a crash"#,
            PostgresCSVSamples.sighup,
            PostgresCSVSamples.fatal,
        ]
        #expect(try PostgresFeed.kinds(format, lines, options: kst) == [.start, .start, .start])
    }

    @Test func linesBeforeTheFirstRecordContinue() throws {
        let lines = [#"tail of a record cut by rotation",,,,"","client backend",,0"#, PostgresCSVSamples.sighup]
        #expect(try PostgresFeed.kinds(format, lines, options: kst) == [.continuation, .start])
    }
}
