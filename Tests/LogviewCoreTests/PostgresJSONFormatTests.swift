import Testing

@testable import LogviewCore

/// jsonlog lines as PostgreSQL 15 writes them.
enum PostgresJSONSamples {
    static let execute = #"{"timestamp":"2026-01-30 14:02:03.123 KST","user":"app","dbname":"appdb","pid":50998,"remote_host":"10.0.1.10","remote_port":46287,"session_id":"697c362e.c736","line_num":25,"ps":"UPDATE","session_start":"2026-01-30 13:40:14 KST","vxid":"16/25","txid":0,"error_severity":"LOG","message":"duration: 3.957 ms  execute <unnamed>: update user_preferences set currency=$1\n where user_id=$2 /*request_id='ec3645ed1b723065988bed7ed8298904',traceparent='00-7a6b427b8657be512fb85de3b80b8cb4-837bc09bb420f657-01'*/","detail":"parameters: $1 = 'KRW', $2 = '\"40776\"'","application_name":"PostgreSQL JDBC Driver","backend_type":"client backend","query_id":0}"#
    static let checkpointer = #"{"timestamp":"2026-01-30 14:05:00.001 KST","pid":812,"session_id":"6975a350.32c","line_num":1,"session_start":"2026-01-25 14:00:00 KST","txid":0,"error_severity":"LOG","message":"checkpoint starting: time","backend_type":"checkpointer","query_id":0}"#
    static let error = #"{"timestamp":"2026-01-30 14:00:29.440 KST","user":"app","dbname":"appdb","pid":50887,"error_severity":"ERROR","state_code":"23505","message":"duplicate key value violates unique constraint \"orders_idempotency_key_key\"","detail":"Key (idempotency_key)=(de732add) already exists.","statement":"insert into orders (created_at) values (now()) /*request_id='79822e4b878c2ca7d7708cd5394e6cb5'*/","backend_type":"client backend"}"#
    /// Keys in another order, blanks between tokens, escapes that need decoding.
    static let reordered = #"{ "pid" : 4242 , "error_severity" : "WARNING", "message" : "caf\u00e9 \ud83d\ude00 \ud800 tab\there \/ \\", "timestamp" : "2026-01-30 14:02:03.123 UTC", "extra": {"nested": [1, "}", 2]} }"#

    static var all: [String] { [execute, checkpointer, error, reordered] }
}

@Suite struct PostgresJSONFormatTests {
    let format = PostgresJSONFormat()
    let kst = FormatOptions(zone: ZoneRules(fixedOffset: 9 * 3600, name: "Asia/Seoul"))

    @Test func namesTheFormat() {
        #expect(format.name == "postgresql-json")
        #expect(format.defaultSourceName == "postgresql")
    }

    @Test func executeLine() throws {
        let e = try #require(try PostgresFeed.entries(format, [PostgresJSONSamples.execute], options: kst).first)
        #expect(e.facts.timestamp.nanoseconds == 1_769_749_323_123_000_000)
        #expect(e.facts.precision == .milliseconds)
        #expect(e.facts.level == .info)
        #expect(e.facts.session == 50998)
        #expect(e.facts.messageStart == 0)
        #expect(e.facts.duration == TimeSpan(nanoseconds: 3_957_000))
        #expect(e.ids == ["request:ec3645ed1b723065988bed7ed8298904", "trace:7a6b427b8657be512fb85de3b80b8cb4"])
    }

    @Test func eachLineIsAnEntry() throws {
        let entries = try PostgresFeed.entries(format, PostgresJSONSamples.all, options: kst)
        #expect(entries.map(\.lineCount) == [1, 1, 1, 1])
        #expect(entries.map(\.facts.level) == [.info, .info, .error, .warning])
        #expect(entries.map(\.facts.session) == [50998, 812, 50887, 4242])
        #expect(entries.map(\.facts.timestamp.nanoseconds) == [
            1_769_749_323_123_000_000, 1_769_749_500_001_000_000, 1_769_749_229_440_000_000, 1_769_781_723_123_000_000,
        ])
        #expect(entries[2].ids == ["request:79822e4b878c2ca7d7708cd5394e6cb5"])
    }

    @Test(arguments: [
        ("FATAL", Level.critical), ("PANIC", .emergency), ("NOTICE", .notice), ("DEBUG2", .debug), ("INFO", .info),
        ("SOMETHING", .unknown),
    ])
    func levels(severity: String, level: Level) throws {
        let line = #"{"timestamp":"2026-01-30 14:02:03.123 KST","pid":1,"error_severity":""# + severity + #"","message":"m"}"#
        let e = try #require(try PostgresFeed.entries(format, [line], options: kst).first)
        #expect(e.facts.level == level)
    }

    @Test func linesThatAreNotObjectsContinue() throws {
        let lines = [PostgresJSONSamples.checkpointer, "not json at all", "", "  [1,2]", PostgresJSONSamples.error]
        #expect(try PostgresFeed.kinds(format, lines, options: kst) == [.start, .continuation, .continuation, .continuation, .start])
    }

    @Test func annotateDecodesEveryKey() throws {
        let fields = try PostgresFeed.annotate(format, PostgresJSONSamples.execute, options: kst)
        #expect(fields["timestamp"] == "2026-01-30 14:02:03.123 KST")
        #expect(fields["user"] == "app")
        #expect(fields["dbname"] == "appdb")
        #expect(fields["pid"] == "50998")
        #expect(fields["remote_port"] == "46287")
        #expect(fields["vxid"] == "16/25")
        #expect(fields["error_severity"] == "LOG")
        #expect(fields["message"]?.hasSuffix("currency=$1\n where user_id=$2 /*request_id='ec3645ed1b723065988bed7ed8298904',traceparent='00-7a6b427b8657be512fb85de3b80b8cb4-837bc09bb420f657-01'*/") == true)
        #expect(fields["detail"] == #"parameters: $1 = 'KRW', $2 = '"40776"'"#)
        #expect(fields["backend_type"] == "client backend")
        #expect(fields["duration_ms"] == "3.957")
        #expect(fields["request_id"] == "ec3645ed1b723065988bed7ed8298904")
        #expect(fields["trace_id"] == "7a6b427b8657be512fb85de3b80b8cb4")
    }

    @Test func annotateEscapesAndNestedValues() throws {
        let fields = try PostgresFeed.annotate(format, PostgresJSONSamples.reordered, options: kst)
        #expect(fields["message"] == "café 😀 \u{FFFD} tab\there / \\")
        #expect(fields["extra"] == #"{"nested": [1, "}", 2]}"#)
        #expect(fields["pid"] == "4242")
    }
}
