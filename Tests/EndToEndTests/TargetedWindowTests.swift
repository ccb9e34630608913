import Foundation
import Testing

// Print mode with --since/--until reads only the part of each file that can hold the window
// (binary search on time), and with --request-id only the time around the lines that hold the id
// (found by a byte scan); `LOGVIEW_TARGETED=0` reads everything. Both must print the same bytes,
// text and JSON (line numbers included), on the shared corpus with and without --hostile.

@Suite(.enabled(if: CorpusTools.directory != nil, CorpusTools.skipMessage), .timeLimit(.minutes(10)))
struct TargetedWindowTests {
    @Test(arguments: CorpusVariant.allCases)
    func aWindowPrintsTheSameAsTheFullRead(_ variant: CorpusVariant) throws {
        let corpus = try GeneratedCorpus.generate(variant)
        defer { corpus.directory.remove() }
        let scratch = try corpus.directory.directory("runs")
        // Small blocks and probes put the window's edges inside multi-line entries.
        let targeted = ["LOGVIEW_BLOCK_BYTES": "65536", "LOGVIEW_CHUNK_BYTES": "4096", "LOGVIEW_THREADS": "2"]
        let full = targeted.merging(["LOGVIEW_TARGETED": "0"]) { $1 }
        let all = try ParallelIndexTests.run(corpus, ["--output", "json"], environment: full, scratch: scratch)
        let times = try all.entries().map(\.ts)
        #expect(times.count > 1000)
        func at(_ fraction: Double) -> String { times[min(times.count - 1, Int(Double(times.count) * fraction))] }
        let windows: [[String]] = [
            ["--since", at(0.5), "--until", at(0.52)],
            ["--since", at(0.0), "--until", at(0.01)],
            ["--since", at(0.97)],
            ["--until", at(0.03)],
            ["--since", at(0.3), "--until", at(0.3)],
            ["--since", "2001-01-01T00:00:00Z", "--until", "2001-01-02T00:00:00Z"],
        ]
        var printed = 0
        for window in windows {
            for output in [["--output", "json"], ["--output", "text"]] {
                let part = try ParallelIndexTests.run(corpus, output + window, environment: targeted, scratch: scratch)
                let whole = try ParallelIndexTests.run(corpus, output + window, environment: full, scratch: scratch)
                #expect(part.status == 0 && whole.status == 0, "\(part.commandLine): \(part.stderr)")
                #expect(part.stdout == whole.stdout, "\(variant) \(window) \(output[1]): the targeted read differs")
                printed += part.stdout.count
            }
        }
        #expect(printed > 100_000)
    }

    /// Requests spread over the corpus, with linked and id-less entries among them, and an id no
    /// file holds.
    @Test(arguments: CorpusVariant.allCases)
    func aRequestPrintsTheSameAsTheFullRead(_ variant: CorpusVariant) throws {
        let corpus = try GeneratedCorpus.generate(variant)
        defer { corpus.directory.remove() }
        let scratch = try corpus.directory.directory("runs")
        let targeted = ["LOGVIEW_THREADS": "2"]
        let full = ["LOGVIEW_THREADS": "2", "LOGVIEW_TARGETED": "0"]
        let requests = corpus.requests
        let step = max(1, requests.count / 10)
        var ids = stride(from: 0, to: requests.count, by: step).map { requests[$0].id }
        ids += requests.sorted { $0.entries.count > $1.entries.count }.prefix(3).map(\.id)
        ids.append("0123456789abcdef0123456789abcdef")
        var printed = 0
        for id in ids {
            for output in [["--output", "json"], ["--output", "text"]] {
                let part = try ParallelIndexTests.run(corpus, output + ["--request-id", id], environment: targeted, scratch: scratch)
                let whole = try ParallelIndexTests.run(corpus, output + ["--request-id", id], environment: full, scratch: scratch)
                #expect(part.status == 0 && whole.status == 0, "\(part.commandLine): \(part.stderr)")
                #expect(part.stdout == whole.stdout, "\(variant) \(id) \(output[1]): the targeted read differs")
                printed += part.stdout.count
            }
        }
        #expect(printed > 10_000)
    }
}
