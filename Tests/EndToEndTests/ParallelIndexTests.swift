import Foundation
import Testing

// The parallel, chunked indexer against the sequential one, through the real binary on the shared
// corpus: `LOGVIEW_THREADS=1` (one thread, no chunks) and `LOGVIEW_CHUNK_BYTES=4096` (in 64 KiB read
// blocks) on several threads (hundreds of chunk boundaries, many inside stack traces and PostgreSQL
// ERROR/DETAIL/STATEMENT groups) must print byte-identical output, text and JSON.

@Suite(.enabled(if: CorpusTools.directory != nil, CorpusTools.skipMessage), .timeLimit(.minutes(10)))
struct ParallelIndexTests {
    static func run(_ corpus: GeneratedCorpus, _ arguments: [String], environment: [String: String], scratch: String)
        throws -> Logview.Run
    {
        let binary = E2EPaths.logviewBinary
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw HarnessError("the logview binary is missing at \(binary): run `swift build` first, or set LOGVIEW_BIN")
        }
        let all = ["--print"] + arguments + ["--nginx-log-format", corpus.nginxLogFormat, "--tz", corpus.zone] + corpus.paths
        var env = environment
        env["TZ"] = corpus.zone
        let result = try ChildProcess.run(name: "logview", executable: binary, arguments: all,
            environment: childEnvironment(env), scratch: scratch, timeout: .seconds(60))
        return Logview.Run(arguments: all, status: result.status, stdout: result.stdout, stderr: result.stderr)
    }

    @Test(arguments: CorpusVariant.allCases)
    func chunkedParallelOutputEqualsSequential(_ variant: CorpusVariant) throws {
        let corpus = try GeneratedCorpus.generate(variant)
        defer { corpus.directory.remove() }
        let scratch = try corpus.directory.directory("runs")
        let sequential = ["LOGVIEW_THREADS": "1"]
        // Files read in 64 KiB blocks as well: block boundaries inside multi-line entries too.
        let chunked = ["LOGVIEW_THREADS": "3", "LOGVIEW_CHUNK_BYTES": "4096", "LOGVIEW_BLOCK_BYTES": "65536"]
        for output in [["--output", "json"], ["--output", "text"]] {
            let one = try Self.run(corpus, output, environment: sequential, scratch: scratch)
            let many = try Self.run(corpus, output, environment: chunked, scratch: scratch)
            #expect(one.status == 0, "\(one.commandLine): \(one.stderr)")
            #expect(many.status == 0, "\(many.commandLine): \(many.stderr)")
            #expect(one.stdout.count > 100_000, "\(one.commandLine) printed only \(one.stdout.count) bytes")
            #expect(one.stdout == many.stdout, "\(variant) \(output[1]): chunked output differs from sequential")
            if output[1] == "json" {
                // Every physical line of the text logs is in exactly one printed entry.
                let entries = try one.entries()
                let printedLines = entries.reduce(0) { $0 + ($1.lines ?? 0) }
                let fileLines = GeneratedCorpus.logFiles.reduce(0) { $0 + (corpus.fileLines[$1] ?? 0) }
                #expect(printedLines == fileLines, "lines in entries \(printedLines), lines in files \(fileLines)")
            }
        }
    }

    @Test func requestIDAgreesChunkedAndSequential() throws {
        let corpus = try GeneratedCorpus.generate(.plain)
        defer { corpus.directory.remove() }
        let scratch = try corpus.directory.directory("runs")
        let request = corpus.requests.first { $0.entries.count >= 4 }!
        for filter in [["--request-id", request.id]] {
            let one = try Self.run(corpus, ["--output", "json"] + filter, environment: ["LOGVIEW_THREADS": "1"], scratch: scratch)
            let many = try Self.run(corpus, ["--output", "json"] + filter,
                environment: ["LOGVIEW_THREADS": "2", "LOGVIEW_CHUNK_BYTES": "4096"], scratch: scratch)
            let entries = try many.entries()
            #expect(entries.count >= request.entries.count)
            #expect(one.stdout == many.stdout)
        }
    }
}
