import Testing

@testable import LogviewCore

@Suite struct SQLCommenterTests {
    /// The ids found in `text`, as `request:<id>` / `trace:<id>`, and their byte ranges.
    func scan(_ text: String, from start: Int = 0) -> (ids: [String], ranges: [ByteRange]) {
        Array(text.utf8).withUnsafeBytes { line in
            var slots = IDSlots()
            SQLCommenter.scan(line, from: start, into: &slots)
            let ids = (0..<slots.count).map { k in
                (slots[k].kind == .request ? "request:" : "trace:")
                    + String(decoding: line.slice(slots[k].range), as: UTF8.self)
            }
            return (ids, (0..<slots.count).map { slots[$0].range })
        }
    }

    @Test func requestIDAndTraceparent() {
        let sql = "select 1 /*request_id='0a1b2c3d4e5f',traceparent='00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'*/"
        let found = scan(sql)
        #expect(found.ids == ["request:0a1b2c3d4e5f", "trace:4bf92f3577b34da6a3ce929d0e0e4736"])
        #expect(found.ranges == [ByteRange(23, 35), ByteRange(53, 85)])
    }

    @Test(arguments: ["request_id", "requestId", "x_request_id"])
    func requestIDKeys(key: String) {
        #expect(scan("select 1 /*\(key)='abc-123'*/").ids == ["request:abc-123"])
    }

    @Test func otherKeysAreReadPast() {
        let sql = "SELECT * FROM FOO /*action='%2Fparam*d',controller='index',framework='spring',"
            + "request_id='r1',route='%2Fapi%2Fusers%2F%7Bid%7D',"
            + "traceparent='00-5bd66ef5095369c7b0d1f8f4bd33716a-c532cb4098ac3dd2-01',"
            + "tracestate='congo%3Dt61rcWkgMzE%2Crojo%3D00f067aa0ba902b7'*/"
        #expect(scan(sql).ids == ["request:r1", "trace:5bd66ef5095369c7b0d1f8f4bd33716a"])
    }

    @Test func escapedQuoteInsideAValue() {
        #expect(scan("select 1 /*action='it\\'s',request_id='r2'*/").ids == ["request:r2"])
    }

    @Test func spacesAroundPairsAreAllowed() {
        #expect(scan("select 1 /* request_id='r3' , traceparent='00-0123456789abcdef0123456789abcdef-0123456789abcdef-01' */").ids
            == ["request:r3", "trace:0123456789abcdef0123456789abcdef"])
    }

    @Test func ordinaryCommentsAreIgnoredAndLaterOnesStillFound() {
        let sql = "/* hello world */ select /*+ IndexScan(t) */ 1 /*request_id='r4'*/"
        #expect(scan(sql).ids == ["request:r4"])
    }

    @Test func noValueOrAllZeroTraceIsNotAnID() {
        #expect(scan("select 1 /*request_id='-',traceparent='00-00000000000000000000000000000000-0000000000000000-00'*/").ids.isEmpty)
        #expect(scan("select 1 /*request_id=''*/").ids.isEmpty)
    }

    @Test(arguments: [
        "select 1 /*traceparent='00-4bf92f3577b34da6a3ce929d0e0e47-00f067aa0ba902b7-01'*/",  // short trace id
        "select 1 /*traceparent='00-4bf92f3577b34da6a3ce929d0e0e47zz-00f067aa0ba902b7-01'*/",  // not hex
        "select 1 /*request_id='unterminated",
        "select 1 /*request_id=unquoted*/",
        "select 1 /*request_id='r5' and then text*/",
        "select 1 /*",
        "/*",
        "",
    ])
    func malformedCommentsGiveNothing(sql: String) {
        #expect(scan(sql).ids.isEmpty)
    }

    @Test func repeatedValuesAreKeptOnce() {
        let c = "/*request_id='r6',traceparent='00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'*/"
        #expect(scan("select 1 \(c),\"select 1 \(c)\"").ids == ["request:r6", "trace:4bf92f3577b34da6a3ce929d0e0e4736"])
    }

    @Test func scanningStartsAtTheGivenOffset() {
        let text = "/*request_id='early'*/ LOG:  select 1 /*request_id='late'*/"
        #expect(scan(text, from: 22).ids == ["request:late"])
    }

    @Test func atMostFourIDs() {
        let text = (1...6).map { "/*request_id='r\($0)'*/" }.joined(separator: " ")
        #expect(scan(text).ids == ["request:r1", "request:r2", "request:r3", "request:r4"])
    }

    @Test func idFieldsOfSeveralLines() {
        let text = "LOG:  select 1\n\t  from t /*request_id='r7',traceparent='00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'*/\nSTATEMENT:  select 1 /*request_id='r7'*/"
        let fields = Array(text.utf8).withUnsafeBytes { SQLCommenter.idFields($0) }
        #expect(fields == [Field("request_id", "r7"), Field("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736")])
    }
}
