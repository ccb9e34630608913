/// Picks a file's format by sampling its first lines with every known format.
///
/// The specific candidate whose parser starts the most entries wins; ties go to the earlier
/// candidate. The generic fallback starts an entry on every line with a timestamp, so it would
/// outscore formats that fold lines (a PostgreSQL `DETAIL` continues its `LOG`, so only half the
/// lines start entries): a specific format therefore wins unless it starts fewer than a fifth of
/// the entries the fallback does.
public enum FormatDetector {
    /// A format with the options it would read the file with.
    public struct Candidate: Sendable {
        public var format: any LogFormat
        public var options: FormatOptions
        public init(format: any LogFormat, options: FormatOptions) {
            self.format = format
            self.options = options
        }
    }

    /// How much of a file the detector reads.
    public static let sampleLines = 200
    public static let sampleBytes = 256 * 1024
    /// The format used only when no specific one fits.
    public static let fallbackName = "generic"

    /// The best candidate for `sample` and how many of the sampled lines it starts entries on.
    /// `isPrefix`: `sample` is the start of a longer file, so a line it cuts is not the file's end.
    public static func detect(_ sample: UnsafeRawBufferPointer, among candidates: [Candidate], isPrefix: Bool = false)
        -> (Candidate, Int)?
    {
        var best: (Candidate, Int)? = nil
        var fallback: (Candidate, Int)? = nil
        for c in candidates {
            guard let parser = try? c.format.makeParser(c.options) else { continue }
            let starts = countStarts(sample, parser, isPrefix: isPrefix)
            if c.format.name == fallbackName {
                if starts > (fallback?.1 ?? 0) { fallback = (c, starts) }
            } else if starts > (best?.1 ?? 0) {
                best = (c, starts)
            }
        }
        guard let best else { return fallback }
        if let fallback, best.1 * 5 < fallback.1 { return fallback }
        return best
    }

    static func countStarts(_ sample: UnsafeRawBufferPointer, _ parser: any LineParser, isPrefix: Bool = false) -> Int {
        var starts = 0, lines = 0, pos = 0
        let limit = min(sample.count, sampleBytes)
        while pos < limit && lines < sampleLines {
            let found = sample.firstIndex(of: 0x0A, from: pos)
            let nl = found ?? sample.count
            // The last line may be cut by the sample boundary: skip it unless it is the file's end.
            if nl > limit && (nl < sample.count || (found == nil && isPrefix)) { break }
            var end = nl
            if end > pos, sample[end - 1] == 0x0D { end -= 1 }
            var skip = pos
            while skip < end, sample[skip] == 0 { skip += 1 }
            if end > skip {
                var facts = LineFacts()
                if parser.scan(sample.slice(skip, end), into: &facts) == .start { starts += 1 }
                lines += 1
            }
            pos = nl + 1
        }
        return starts
    }
}
