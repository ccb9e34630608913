import LogviewCore

/// Helpers shared by the application-format tests: run a parser over lines and fold them into
/// entries the way the store will.
enum AppFormatTestKit {
    /// One line's classification with its ids decoded to strings.
    struct Scanned {
        var kind: LineKind
        var facts: LineFacts
        var ids: [String]
        var idKinds: [IDKind]
    }

    /// An entry: the index of its first line, how many physical lines it has, and what its
    /// first line said.
    struct Entry {
        var firstLine: Int
        var lineCount: Int
        var facts: LineFacts
        var ids: [String]
    }

    static func parser(_ format: any LogFormat, _ options: FormatOptions = FormatOptions()) -> any LineParser {
        // Every format here builds its parser without failing.
        try! format.makeParser(options)
    }

    static func scan(_ parser: any LineParser, _ bytes: [UInt8]) -> Scanned {
        bytes.withUnsafeBytes { raw in
            var facts = LineFacts()
            let kind = parser.scan(raw, into: &facts)
            var ids: [String] = []
            var kinds: [IDKind] = []
            for k in 0..<facts.ids.count {
                let id = facts.ids[k]
                ids.append(String(decoding: raw.slice(id.range), as: UTF8.self))
                kinds.append(id.kind)
            }
            return Scanned(kind: kind, facts: facts, ids: ids, idKinds: kinds)
        }
    }

    static func scan(_ parser: any LineParser, _ line: String) -> Scanned { scan(parser, Array(line.utf8)) }

    static func annotate(_ parser: any LineParser, _ line: String) -> [String: String] {
        let fields = Array(line.utf8).withUnsafeBytes { parser.annotate($0) }
        var out: [String: String] = [:]
        for f in fields where out[f.name] == nil { out[f.name] = f.value }
        return out
    }

    /// Folds lines into entries; lines before the first start form no entry (as in the store).
    static func entries(_ parser: any LineParser, _ lines: [[UInt8]]) -> [Entry] {
        var out: [Entry] = []
        for (i, line) in lines.enumerated() {
            let s = scan(parser, line)
            if s.kind == .start {
                out.append(Entry(firstLine: i, lineCount: 1, facts: s.facts, ids: s.ids))
            } else if !out.isEmpty {
                out[out.count - 1].lineCount += 1
                out[out.count - 1].ids += s.ids
            }
        }
        return out
    }

    static func entries(_ parser: any LineParser, _ text: String) -> [Entry] {
        entries(parser, text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.utf8) })
    }

    /// Splits a file's bytes into lines as the store does: on LF, dropping one trailing CR; a
    /// last line without LF still counts.
    static func lines(of data: [UInt8]) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var start = 0
        for (i, b) in data.enumerated() where b == 0x0A {
            var end = i
            if end > start && data[end - 1] == 0x0D { end -= 1 }
            out.append(Array(data[start..<end]))
            start = i + 1
        }
        if start < data.count { out.append(Array(data[start...])) }
        return out
    }

    /// A small deterministic generator, so random-input tests are reproducible.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Feeds every prefix of every sample, then seeded random bytes (plain and biased towards the
    /// format's punctuation), to `scan` and `annotate`. Returns how many inputs were fed, so the
    /// test asserts that the run happened.
    static func feedHostileInputs(_ format: any LogFormat, samples: [String], seed: UInt64) -> Int {
        let p = parser(format)
        var fed = 0
        for sample in samples {
            let bytes = Array(sample.utf8)
            for length in 0...bytes.count {
                let prefix = Array(bytes[0..<length])
                _ = scan(p, prefix)
                _ = prefix.withUnsafeBytes { p.annotate($0) }
                fed += 1
            }
        }
        var rng = SplitMix64(state: seed)
        let alphabet = Array("{}[]\":,\\ -+.0123456789TZ<>eE=_ridtace/Jan".utf8)
        for round in 0..<3000 {
            let length = Int(rng.next() % 200)
            var bytes: [UInt8] = []
            for _ in 0..<length {
                let r = rng.next()
                bytes.append(round % 2 == 0 ? UInt8(truncatingIfNeeded: r) : alphabet[Int(r % UInt64(alphabet.count))])
            }
            // Splice random bytes into a real sample, too: parsers get far into the line that way.
            if round % 3 == 0, let sample = samples.randomElement(using: &rng) {
                var s = Array(sample.utf8)
                let at = Int(rng.next() % UInt64(s.count + 1))
                s.insert(contentsOf: bytes.prefix(8), at: at)
                bytes = s
            }
            _ = scan(p, bytes)
            _ = bytes.withUnsafeBytes { p.annotate($0) }
            fed += 1
        }
        return fed
    }
}
