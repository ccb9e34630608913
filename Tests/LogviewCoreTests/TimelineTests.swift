import LogviewCore
import TestSupport
import Testing

@Suite struct TimelineMergeTests {
    /// A seeded generator so failures reproduce.
    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5])
    func mergeIsSortedStableAndAPermutation(seed: UInt64) throws {
        var rng = SplitMix(state: seed)
        var sources: [SourceIndex] = []
        for s in 0..<Int(1 + rng.next() % 5) {
            var text = ""
            var t: UInt64 = rng.next() % 50
            for _ in 0..<Int(rng.next() % 200) {
                // Mostly increasing, sometimes repeated, sometimes going back (buffered writers).
                switch rng.next() % 10 {
                case 0: t = t > 20 ? t - rng.next() % 20 : t
                case 1, 2: break
                default: t += rng.next() % 5
                }
                text += "@\(t) INFO x\n"
            }
            sources.append(try Fixture.source("s\(s)", text))
        }
        let tl = Timeline(sources: sources)
        #expect(tl.count == sources.reduce(0) { $0 + $1.entries.count })
        #expect(Set(tl.order).count == tl.count)
        for k in tl.order.indices.dropFirst() {
            let a = tl.order[k - 1], b = tl.order[k]
            let ta = tl.timestamp(a), tb = tl.timestamp(b)
            #expect(ta <= tb)
            if ta == tb { #expect(a.source < b.source || (a.source == b.source && a.entry < b.entry)) }
        }
        #expect(tl.times == tl.order.map { tl.timestamp($0).nanoseconds })
    }

    @Test func outOfOrderLinesArePlacedByTime() throws {
        let a = try Fixture.source("a", "@10 INFO a1\n@30 INFO a2\n@20 INFO a3-late\n")
        let b = try Fixture.source("b", "@20 INFO b1\n@25 INFO b2\n")
        let tl = Timeline(sources: [a, b])
        #expect(tl.order.map { "\($0.source):\($0.entry)" } == ["0:0", "0:2", "1:0", "1:1", "0:1"])
        #expect(tl.position(atOrAfter: Timestamp(nanoseconds: 21)) == 3)
        #expect(tl.position(atOrAfter: Timestamp(nanoseconds: 31)) == 5)
    }
}

@Suite struct CorrelationTests {
    @Test func idsSeenTogetherLinkTheirRequests() throws {
        let nginx = try Fixture.source("nginx", "@100 INFO id=req1 GET /x\n")
        let backend = try Fixture.source("backend", "@50 INFO id=req1 tid=trace1 handling\n@60 ERROR tid=trace1 only trace\n")
        let db = try Fixture.source("db", "@70 INFO tid=trace1 select\n@80 INFO id=other select\n")
        let tl = Timeline(sources: [nginx, backend, db])
        var q = Query()
        q.requestIDs = ["req1"]
        #expect(tl.select(q).map { "\($0.source):\($0.entry)" } == ["1:0", "1:1", "2:0", "0:0"])
        q.requestIDs = ["trace1"]
        #expect(tl.select(q).count == 4)
        q.requestIDs = ["nope"]
        #expect(tl.select(q).isEmpty)
    }

    @Test func sessionRuleLinksCommitInsideTheSpanOnly() throws {
        // nginx: request ends at 1000 and took 900 → span [100, 1000].
        let nginx = try Fixture.source("nginx", "@1000 INFO id=r1 dur=900 peer=1.2.3.4 req=GET_/a\n")
        let db = try Fixture.source("db", """
            @150 INFO s=7 connection before the request
            @200 INFO s=7 id=r1 select
            @300 INFO s=7 COMMIT
            @310 INFO s=8 COMMIT of another session
            @400 INFO s=7 id=r2 select of the next request
            @450 INFO s=7 COMMIT of r2
            @2000 INFO s=9 id=r3 select
            @2100 INFO s=9 disconnection after r3 ended
            """)
        let r3 = try Fixture.source("nginx3", "@2050 INFO id=r3 dur=100\n")
        let tl = Timeline(sources: [nginx, db, r3])
        var q = Query()
        q.requestIDs = ["r1"]
        #expect(tl.select(q).map { "\($0.source):\($0.entry)" } == ["1:1", "1:2", "0:0"])
        q.requestIDs = ["r2"]
        // r2 has no nginx entry: its span is its own entries' [400, 400]; the COMMIT at 450 is outside.
        #expect(tl.select(q).map { "\($0.source):\($0.entry)" } == ["1:4"])
        q.requestIDs = ["r3"]
        #expect(tl.select(q).map { "\($0.source):\($0.entry)" } == ["1:6", "2:0"])
        #expect(tl.correlation.inferredLinkCount == 1)
    }

    @Test func errorLogLinesMatchTheirAccessLineUnlessAmbiguous() throws {
        let access = try Fixture.source("nginx", """
            @5000000000 INFO id=a dur=3000000000 peer=10.0.0.1 req=GET_/slow
            @5000000000 INFO id=b dur=100 peer=10.0.0.2 req=GET_/same
            @5000000000 INFO id=c dur=100 peer=10.0.0.2 req=GET_/same
            """)
        let errors = try Fixture.source("nginx-error", """
            @3000000000 ERROR peer=10.0.0.1 req=GET_/slow upstream timed out
            @9000000000 ERROR peer=10.0.0.1 req=GET_/slow too late
            @5000000000 ERROR peer=10.0.0.2 req=GET_/same which one?
            @5000000000 ERROR peer=10.0.0.3 req=GET_/slow other client
            """)
        let tl = Timeline(sources: [access, errors])
        var q = Query()
        q.requestIDs = ["a"]
        #expect(tl.select(q).map { "\($0.source):\($0.entry)" } == ["1:0", "0:0"])
        q.requestIDs = ["b"]
        #expect(tl.select(q).map { "\($0.source):\($0.entry)" } == ["0:1"])
        #expect(tl.correlation.inferredLinkCount == 1)
    }
}

@Suite struct QueryTests {
    func timeline() throws -> Timeline {
        let a = try Fixture.source("nginx", "@10 INFO GET ok\n@20 WARN GET 404\n@30 ERROR GET 502\n")
        let b = try Fixture.source("db", "@15 DEBUG select\n@25 ERROR deadlock detected\n  DETAIL: Process 12\n")
        return Timeline(sources: [a, b])
    }

    func ids(_ tl: Timeline, _ q: Query) -> [String] { tl.select(q).map { "\(tl.sources[$0.source].name):\($0.entry)" } }

    @Test func filtersCombine() throws {
        let tl = try timeline()
        var q = Query()
        #expect(ids(tl, q) == ["nginx:0", "db:0", "nginx:1", "db:1", "nginx:2"])
        q.since = Timestamp(nanoseconds: 15)
        q.until = Timestamp(nanoseconds: 25)
        #expect(ids(tl, q) == ["db:0", "nginx:1", "db:1"])
        q.minimumLevel = .warning
        #expect(ids(tl, q) == ["nginx:1", "db:1"])
        q.sources = ["db"]
        #expect(ids(tl, q) == ["db:1"])
        q = Query()
        q.include = [try Pattern("GET")]
        q.exclude = [try Pattern("404")]
        #expect(ids(tl, q) == ["nginx:0", "nginx:2"])
        q = Query()
        q.include = [try Pattern("Process 12")]  // matches a continuation line
        #expect(ids(tl, q) == ["db:1"])
    }
}
