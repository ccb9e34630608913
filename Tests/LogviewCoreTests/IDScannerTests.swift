import LogviewCore
import Testing

@Suite struct IDScannerTests {
    /// Runs the scanner over a whole line and returns the ids as text with their kinds.
    func ids(_ line: String) -> [String] {
        Array(line.utf8).withUnsafeBytes { raw in
            var slots = IDSlots()
            IDScanner.scan(raw, into: &slots)
            return (0..<slots.count).map { k in
                let id = slots[k]
                return (id.kind == .trace ? "trace:" : "request:") + String(decoding: raw.slice(id.range), as: UTF8.self)
            }
        }
    }

    @Test(arguments: [
        ("GET /x request_id=abc123 done", ["request:abc123"]),
        ("requestId=0a1b2c", ["request:0a1b2c"]),
        ("request-id=r-1", ["request:r-1"]),
        ("req_id=7f", ["request:7f"]),
        ("reqid=7f", ["request:7f"]),
        ("rid=ec36f0 rt=0.010", ["request:ec36f0"]),
        ("X-Request-ID: 9c1e-44", ["request:9c1e-44"]),
        ("x-request-id=q1", ["request:q1"]),
        ("x_request_id=q2", ["request:q2"]),
        ("REQUEST_ID=UP", ["request:UP"]),
        ("request_id='quoted-1'", ["request:quoted-1"]),
        ("request_id=\"dq\"", ["request:dq"]),
        ("{\"request_id\": \"json-1\"}", ["request:json-1"]),
        ("request_id = spaced", ["request:spaced"]),
        ("trace_id=4bf92f35", ["trace:4bf92f35"]),
        ("traceId=4bf92f35 spanId=00f067aa", ["trace:4bf92f35"]),
        ("trace-id=t9", ["trace:t9"]),
        ("failed for request_id=abc.", ["request:abc"]),
        ("id is rid=a:b:c: next", ["request:a:b:c"]),
    ])
    func keyedValues(line: String, expected: [String]) {
        #expect(ids(line) == expected)
    }

    @Test(arguments: [
        "the grid=5 and ridge=4",  // key inside a longer word
        "request_identity=x",  // key running on
        "request_id=",  // empty
        "[requestId=] idle",
        "request_id=- next",  // nginx/Python "no value"
        "request_id: null",  // JSON null
        "trace id: abc",  // not a key
        "no ids at all in this perfectly ordinary line of text",
        "trace_id=00000000000000000000000000000000",  // all-zero: "no trace"
    ])
    func noValue(line: String) {
        #expect(ids(line) == [])
    }

    @Test func traceparentAnywhereYieldsTraceID() {
        let line = "/*request_id='0a1b',traceparent='00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'*/"
        #expect(ids(line) == ["request:0a1b", "trace:4bf92f3577b34da6a3ce929d0e0e4736"])
        #expect(ids("hdr 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 x") == [
            "trace:4bf92f3577b34da6a3ce929d0e0e4736"
        ])
    }

    @Test func malformedTraceparentIsIgnored() {
        #expect(ids("00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01") == [])  // 31 hex
        #expect(ids("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01ff") == [])  // runs on
        #expect(ids("x00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01") == [])  // inside a word
    }

    @Test func duplicatesAreAddedOnce() {
        #expect(ids("requestId=abc request_id=abc rid=def") == ["request:abc", "request:def"])
    }

    @Test func atMostFourIDs() {
        #expect(ids("rid=a1 rid=a2 rid=a3 rid=a4 rid=a5") == ["request:a1", "request:a2", "request:a3", "request:a4"])
    }

    @Test func overlongValueIsNotAnID() {
        let long = String(repeating: "a", count: IDScanner.maximumValueLength + 1)
        #expect(ids("rid=" + long) == [])
        #expect(ids("rid=" + String(repeating: "b", count: IDScanner.maximumValueLength)).count == 1)
    }

    @Test func scansOnlyTheGivenRange() {
        let line = Array("rid=one rid=two".utf8)
        let found: [String] = line.withUnsafeBytes { raw in
            var slots = IDSlots()
            IDScanner.scan(raw, from: 8, to: raw.count, into: &slots)
            return (0..<slots.count).map { String(decoding: raw.slice(slots[$0].range), as: UTF8.self) }
        }
        #expect(found == ["two"])
    }

    @Test(arguments: [
        ("0a1b2c3d4e5f60718293a4b5c6d7e8f9", true),
        ("123e4567-e89b-12d3-a456-426614174000", true),
        ("0a1b2c3d4e5f60718293a4b5c6d7e8f", false),
        ("123e4567e89b-12d3-a456-426614174000", false),
        ("zz1b2c3d4e5f60718293a4b5c6d7e8f9", false),
    ])
    func requestIDShape(text: String, expected: Bool) {
        let shaped = Array(text.utf8).withUnsafeBytes { IDScanner.isRequestIDShaped($0, 0, $0.count) }
        #expect(shaped == expected)
    }

    @Test func hostileInputsDoNotCrash() {
        var rng = AppFormatTestKit.SplitMix64(state: 42)
        let alphabet = Array("rRtT0-_=:'\" requestidrace00abcdef".utf8)
        var scanned = 0
        for round in 0..<5000 {
            let length = Int(rng.next() % 120)
            var bytes: [UInt8] = []
            for _ in 0..<length {
                let r = rng.next()
                bytes.append(round % 2 == 0 ? UInt8(truncatingIfNeeded: r) : alphabet[Int(r % UInt64(alphabet.count))])
            }
            bytes.withUnsafeBytes { raw in
                var slots = IDSlots()
                IDScanner.scan(raw, into: &slots)
                #expect(slots.count <= IDSlots.capacity)
                for k in 0..<slots.count { #expect(Int(slots[k].range.end) <= raw.count) }
            }
            scanned += 1
        }
        #expect(scanned == 5000)
    }
}
