import Testing

@testable import LogviewCore

/// Nothing in input may crash the PostgreSQL parsers: truncated sample lines, random bytes,
/// random prefixes.
@Suite struct PostgresRobustnessTests {
    /// SplitMix64: a small seeded generator, so failures reproduce.
    struct SeededRandom {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    static let stderrSamples: [String] = [
        "2026-01-30 14:02:03.123 KST [50998] app@appdb LOG:  duration: 3.957 ms  execute <unnamed>: select 1 /*request_id='ec3645ed1b723065988bed7ed8298904',traceparent='00-7a6b427b8657be512fb85de3b80b8cb4-837bc09bb420f657-01'*/",
        "2026-01-30 14:02:03.123 KST [50998] app@appdb DETAIL:  parameters: $1 = 'KRW', $2 = 'ko'",
        "2026-01-30 14:05:00.001 KST [812] LOG:  checkpoint starting: time",
        "2026-01-30 14:02:51.330 KST [51305] [unknown]@[unknown] LOG:  connection received: host=10.0.1.10 port=38584",
        "\t LIMIT $2 OFFSET $3 /*request_id='b6cdcd4f1f050f5961758db9a40cfdae',traceparent='00-285e6d5f0cf6b5f4ef5df8a4e153f278-5115b577574e9249-01'*/",
        "2026-01-30 14:03:22.346 -05 [51566] postgres@appdb FATAL:  password authentication failed for user \"postgres\"",
    ]

    /// Prefixes the stderr samples are fed through.
    static let prefixes = [
        PostgresLinePrefix.debianDefault, "%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ", "%m %c %x ", "%n|%p|",
        "%m [%10p] %-10u@%d ", "%m [%p-%l] %%%b%% %r %v %x %e %i %Q %P%s %a: ", "[%p] ",
    ]

    static let csvSamples = PostgresCSVSamples.all
    static let jsonSamples = PostgresJSONSamples.all

    /// Scans `lines` in order with one parser and annotates each; returns how many lines reported
    /// a range outside the line (expected: none).
    @discardableResult
    func feed(_ parser: any LineParser, _ lines: [[UInt8]]) -> Int {
        var badRanges = 0
        for line in lines {
            line.withUnsafeBytes { bytes in
                var facts = LineFacts()
                _ = parser.scan(bytes, into: &facts)
                if facts.messageStart < 0 || facts.messageStart > bytes.count { badRanges += 1 }
                for k in 0..<facts.ids.count {
                    let r = facts.ids[k].range
                    if r.start < 0 || Int(r.end) > bytes.count || r.start >= r.end { badRanges += 1 }
                }
                _ = parser.annotate(bytes)
            }
        }
        return badRanges
    }

    func truncations(_ samples: [String]) -> [[UInt8]] {
        samples.flatMap { sample -> [[UInt8]] in
            let bytes = Array(sample.utf8)
            return (0...bytes.count).map { Array(bytes[0..<$0]) }
        }
    }

    func randomLines(seed: UInt64, count: Int, samples: [String]) -> [[UInt8]] {
        var random = SeededRandom(state: seed)
        let structural = Array("\"',{}[]:\\/*%@ \t-.0123456789KSTLOGDETAIL|()=\n".utf8)
        let pieces = samples.map { Array($0.utf8) }
        return (0..<count).map { _ in
            var line: [UInt8] = []
            switch random.below(3) {
            case 0:  // raw bytes
                for _ in 0..<random.below(300) { line.append(UInt8(truncatingIfNeeded: random.next())) }
            case 1:  // structural characters
                for _ in 0..<random.below(300) { line.append(structural[random.below(structural.count)]) }
            default:  // a sample with bytes flipped
                line = pieces[random.below(pieces.count)]
                for _ in 0..<random.below(8) where !line.isEmpty {
                    line[random.below(line.count)] = structural[random.below(structural.count)]
                }
            }
            return line
        }
    }

    @Test(arguments: prefixes)
    func stderrSurvivesTruncationAndNoise(prefix: String) throws {
        let options = FormatOptions(zone: .utc, postgresLinePrefix: prefix)
        let cut = truncations(Self.stderrSamples)
        let lines = cut + randomLines(seed: 1, count: 1000, samples: Self.stderrSamples)
        #expect(feed(try PostgresStderrFormat().makeParser(options), lines) == 0)
        var fresh = 0
        for line in cut { fresh += feed(try PostgresStderrFormat().makeParser(options), [line]) }
        #expect(fresh == 0)
    }

    @Test func csvSurvivesTruncationAndNoise() throws {
        let cut = truncations(Self.csvSamples)
        let lines = cut + randomLines(seed: 2, count: 2000, samples: Self.csvSamples)
        #expect(feed(try PostgresCSVFormat().makeParser(FormatOptions()), lines) == 0)
        var fresh = 0
        for line in cut { fresh += feed(try PostgresCSVFormat().makeParser(FormatOptions()), [line]) }
        #expect(fresh == 0)
    }

    @Test func jsonSurvivesTruncationAndNoise() throws {
        let lines = truncations(Self.jsonSamples) + randomLines(seed: 3, count: 2000, samples: Self.jsonSamples)
        #expect(feed(try PostgresJSONFormat().makeParser(FormatOptions()), lines) == 0)
    }

    @Test func sqlCommenterSurvivesTruncation() {
        let comment = "x /*action='a\\'b',request_id='r',traceparent='00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'*/"
        var found = 0
        for line in truncations([comment]) + randomLines(seed: 4, count: 2000, samples: [comment]) {
            line.withUnsafeBytes { bytes in
                var ids = IDSlots()
                SQLCommenter.scan(bytes, into: &ids)
                found += ids.count
                _ = SQLCommenter.idFields(bytes)
            }
        }
        #expect(found > 0)
    }

    @Test func randomPrefixesCompileAndMatchSafely() throws {
        var random = SeededRandom(state: 5)
        let alphabet = Array("%%%%-0123456789audrhbpPtmniecslvxqQz []@:|,.".utf8)
        let lines = truncations(Array(Self.stderrSamples.prefix(3)))
        var badRanges = 0
        for _ in 0..<150 {
            let prefix = String(decoding: (0..<random.below(24)).map { _ in alphabet[random.below(alphabet.count)] }, as: UTF8.self)
            badRanges += feed(try PostgresStderrFormat().makeParser(FormatOptions(zone: .utc, postgresLinePrefix: prefix)), lines)
        }
        #expect(badRanges == 0)
    }
}
