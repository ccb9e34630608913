import Testing

@testable import LogviewCore

/// What a parser said about one line, with the ranges it reported turned into text.
struct NginxScanResult {
    var kind: LineKind
    var facts: LineFacts
    var bytes: [UInt8]

    var timestamp: Int64 { facts.timestamp.nanoseconds }
    var peer: String? { facts.peer.map(text(of:)) }
    var requestLine: String? { facts.requestLine.map(text(of:)) }
    var durationNanoseconds: Int64? { facts.duration?.nanoseconds }

    /// The ids in slot order, as `kind:value`.
    var ids: [String] {
        (0..<facts.ids.count).map {
            let slot = facts.ids[$0]
            return (slot.kind == .request ? "request:" : "trace:") + text(of: slot.range)
        }
    }

    func text(of range: ByteRange) -> String {
        guard range.start >= 0, Int(range.end) <= bytes.count, range.start <= range.end else { return "<bad range>" }
        return String(decoding: bytes[Int(range.start)..<Int(range.end)], as: UTF8.self)
    }
}

/// Scans one line with a fresh `LineFacts`, as the indexer does.
func nginxScan(_ parser: any LineParser, _ bytes: [UInt8]) -> NginxScanResult {
    var facts = LineFacts()
    let kind = bytes.withUnsafeBytes { parser.scan($0, into: &facts) }
    return NginxScanResult(kind: kind, facts: facts, bytes: bytes)
}

func nginxScan(_ parser: any LineParser, _ line: String) -> NginxScanResult {
    nginxScan(parser, Array(line.utf8))
}

func nginxAnnotate(_ parser: any LineParser, _ line: String) -> [Field] {
    Array(line.utf8).withUnsafeBytes { parser.annotate($0) }
}

/// A fixed-offset zone, so no test depends on the machine's zone.
let nginxSeoul = ZoneRules(fixedOffset: 9 * 3600, name: "KST")

/// SplitMix64: a tiny deterministic generator for the robustness tests.
struct NginxSeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Feeds every prefix of every sample, byte-flipped samples and random lines to `scan` and
/// `annotate`, checking every reported range lies inside its line; returns how many lines were
/// fed (reaching the end without a trap is the point).
func nginxFeedHostileInput(_ parser: any LineParser, samples: [[UInt8]], seed: UInt64) -> Int {
    var fed = 0
    func feed(_ bytes: [UInt8]) {
        var facts = LineFacts()
        bytes.withUnsafeBytes { raw in
            if parser.scan(raw, into: &facts) == .start {
                // Every range a parser reports must lie inside the line.
                for r in [facts.peer, facts.requestLine].compactMap({ $0 }) {
                    #expect(r.start >= 0 && r.start <= r.end && Int(r.end) <= raw.count)
                }
                for i in 0..<facts.ids.count {
                    let r = facts.ids[i].range
                    #expect(r.start >= 0 && r.start <= r.end && Int(r.end) <= raw.count)
                }
            }
            _ = parser.annotate(raw)
        }
        fed += 1
    }
    for sample in samples {
        for length in 0...sample.count { feed(Array(sample[0..<length])) }
    }
    var rng = NginxSeededGenerator(state: seed)
    let alphabet = Array(#"0123456789 "[]-:/.,*#\{}_abcxyz"#.utf8) + [0x00, 0x0D, 0x1B, 0x7F, 0xC3, 0xFF]
    for round in 0..<3000 {
        if let sample = samples.randomElement(using: &rng), round % 2 == 0 {
            var mutated = sample
            for _ in 0..<(1 + Int(rng.next() % 4)) where !mutated.isEmpty {
                let at = Int(rng.next() % UInt64(mutated.count))
                mutated[at] =
                    rng.next() % 3 == 0 ? UInt8(truncatingIfNeeded: rng.next()) : alphabet.randomElement(using: &rng)!
            }
            feed(mutated)
        } else {
            let length = Int(rng.next() % 300)
            feed(
                (0..<length).map { _ in
                    rng.next() % 2 == 0 ? UInt8(truncatingIfNeeded: rng.next()) : alphabet.randomElement(using: &rng)!
                })
        }
    }
    return fed
}
