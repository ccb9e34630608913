#if canImport(Glibc)
import Glibc
#endif
import LogviewCore

/// The newest part of every file source, indexed in a few milliseconds whatever the files' size,
/// so the viewer has a first screen while the whole is read (DESIGN.md #3).
///
/// Each set's live file is read from its end backwards by a tail of bytes; the tails are indexed
/// and cut at the newest time every tail reaches back to, so the part shown is complete: what the
/// full load shows after that time, the preview shows too (for files written in time order). Line
/// numbers count from the tail's start, so a viewer says they are known once loaded.
extension SourceLoader {
    /// `wanted`: entries enough to fill a screen several times; tails grow from 256 KiB up to
    /// `maxTailBytes` per file until the merged cut keeps that many. Files that cannot be read
    /// (or are compressed) are left to the full load, which reports them.
    public static func preview(_ specs: [SourceSpec], settings: LoadSettings, wanted: Int = 500,
        maxTailBytes: Int = 16 << 20) -> [SourceIndex]
    {
        let jobs = Self.jobs(for: specs).0
        var tailBytes = 256 << 10
        while true {
            let tails = jobs.compactMap { readTail(of: $0, bytes: tailBytes, settings: settings) }
            let cut = tails.compactMap(\.completeFrom).max() ?? Int64.min
            let kept = tails.reduce(0) { $0 + $1.index.entries.timestamps.count { $0 >= cut } }
            let growable = tails.contains { !$0.whole }
            if kept >= wanted || !growable || tailBytes >= maxTailBytes {
                return tails.compactMap { $0.trimmed(from: cut, settings: settings) }
            }
            tailBytes *= 4
        }
    }

    /// The last bytes of a set's live file, from a line start, indexed.
    struct Tail {
        var job: Job
        var format: any LogFormat
        var options: FormatOptions
        var name: String
        var path: String
        var modified: Timestamp
        /// The tail's bytes, read from the file when indexed or shown (not copied).
        var data: SegmentBytes
        var index: SourceIndex
        /// Whether the tail is the whole file.
        var whole: Bool

        /// The time from which this tail holds every entry: its second entry's (the first may be
        /// the end of a multi-line entry whose start was cut off), or nil for a whole file.
        var completeFrom: Int64? {
            if whole { return nil }
            let ts = index.entries.timestamps
            return ts.count >= 2 ? ts[1] : ts.last.map { $0 &+ 1 }
        }

        /// The tail from its first entry at or after `cut` (never its first, partial one).
        func trimmed(from cut: Int64, settings: LoadSettings) -> SourceIndex? {
            let e = index.entries
            var first = whole ? 0 : 1
            while first < e.count && e.timestamps[first] < cut { first += 1 }
            guard first < e.count else { return nil }
            if first == 0 { return index }
            let start = Int(e.offsets[first])
            guard let rest = data.suffix(from: start) else { return nil }
            let segment = Segment(path: path, data: rest, modified: modified)
            return try? SourceIndexer.index(
                name: name, format: format, options: options, segments: [segment], clockOffset: job.spec.clockOffset,
                indexing: IndexingOptions(threads: 1))
        }
    }

    static func readTail(of job: Job, bytes wanted: Int, settings: LoadSettings) -> Tail? {
        let path = job.set.base
        guard !path.hasSuffix(".gz"), let (file, modified) = try? FileReader.open(path), file.count > 0 else { return nil }
        let from = max(file.count - wanted, 0)
        if from == 0 && file.prefix(3).withUnsafeBytes({ Gzip.isGzip($0) }) { return nil }
        var start = from
        if from > 0 {
            // Start at a line start: the bytes before the first newline are part of an older line.
            guard let nl = file.firstNewline(from: from) else { return nil }
            start = nl + 1
        }
        guard start < file.count, let data = file.suffix(from: start) else { return nil }
        let segment = Segment(path: path, data: data, modified: modified)
        guard case .success(let chosen) = chooseFormat(job, sample: segment, settings: settings),
            let index = try? SourceIndexer.index(
                name: chosen.name, format: chosen.format, options: chosen.options, segments: [segment],
                clockOffset: job.spec.clockOffset, indexing: IndexingOptions(threads: 1))
        else { return nil }
        return Tail(job: job, format: chosen.format, options: chosen.options, name: chosen.name, path: path,
            modified: modified, data: data, index: index, whole: from == 0)
    }
}
