import LogviewCore
import TestSupport
import Testing

@Suite struct EntryWriterTests {
    func render(_ tl: Timeline, _ style: EntryWriter.Style, zone: ZoneRules = .utc) -> String {
        let w = EntryWriter(timeline: tl, style: style, zone: zone)
        var out: [UInt8] = []
        for ref in tl.order { w.write(ref, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    @Test func textAlignsColumnsAndIndentsContinuations() throws {
        let a = try Fixture.source("nginx", "@1769749323123000000 INFO GET /a id=r1\n")
        let b = try Fixture.source("db", "@1769749323000000000 ERROR deadlock\nDETAIL: proc 1\n")
        let text = render(Timeline(sources: [a, b]), .text, zone: ZoneRules(fixedOffset: 32400))
        #expect(text == """
            2026-01-30T14:02:03.000000000+09:00 db    ERROR deadlock
                                                            DETAIL: proc 1
            2026-01-30T14:02:03.123000000+09:00 nginx INFO  GET /a id=r1

            """)
    }

    @Test func jsonLinesFollowTheContract() throws {
        let a = try Fixture.source("nginx", "@1769749323123456789 WARN GET /a id=r1 tid=t9\n  second \"line\"\n",
            path: "/var/log/nginx/access.log")
        let json = render(Timeline(sources: [a]), .json)
        #expect(json == #"""
            {"ts":"2026-01-30T05:02:03.123456789Z","source":"nginx","level":"warn","request_ids":["r1","t9"],"message":"GET /a id=r1 tid=t9\n  second \"line\"","file":"/var/log/nginx/access.log","line":1,"lines":2}

            """#)
    }
}
