import Foundation
import Testing

// logview against the synthetic corpus (../shared/corpus): for a sample of requests in
// truth.jsonl, `--request-id` must return every entry that carries the id, at its first physical
// line with the right line count, and nothing of another request; the entries that do not carry
// the id (COMMIT/ROLLBACK, nginx error.log lines, FATAL too many clients) are measured as recall.

/// The corpus tools, found beside the package (CI) or named by `LOGVIEW_CORPUS`.
enum CorpusTools {
    /// The directory holding `generate` and `verify`: `LOGVIEW_CORPUS`, else `../shared/corpus`
    /// or `../../shared/corpus` relative to the package root (a checkout beside `shared`, or a
    /// worktree one level deeper).
    static let directory: String? = {
        let root = E2EPaths.packageRoot
        let candidates = [E2EPaths.environment["LOGVIEW_CORPUS"], root + "/../shared/corpus", root + "/../../shared/corpus"]
        return candidates.compactMap { $0 }
            .map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            .first { FileManager.default.isReadableFile(atPath: $0 + "/generate") }
    }()

    static let skipMessage: Comment = "the corpus generator is not there: put shared/corpus/generate beside the package (../shared/corpus) or set LOGVIEW_CORPUS to its directory"
}

/// Which corpus to generate: the ordinary one, or one with hostile lines (control bytes, NUL
/// runs, CRLF, out-of-order blocks, a truncated last line).
enum CorpusVariant: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case plain, hostile

    var generatorArguments: [String] {
        ["--size", "3MB", "--seed", "7", "--quiet"] + (self == .hostile ? ["--hostile"] : [])
    }

    var testDescription: String { self == .plain ? "3MB seed 7" : "3MB seed 7 --hostile" }
}

/// One entry that truth.jsonl gives a request in a text log.
struct TruthEntry: Hashable, Sendable {
    let source: String
    let file: String
    let line: Int
    let lines: Int
}

/// One request of truth.jsonl, reduced to what the checks need.
struct TruthRequest: Sendable {
    let index: Int
    let id: String
    let kind: String
    let scenario: String
    let entries: [TruthEntry]
}

/// A generated corpus in a temporary directory, with its manifest and truth read.
struct GeneratedCorpus: Sendable {
    /// The files logview reads in these checks (every request's nginx line is in exactly one of
    /// access.log and access.json; static requests are only in access-combined.log).
    static let logFiles = ["nginx/access.log", "nginx/access.json", "nginx/error.log", "backend/backend.log",
                           "ai/ai.log", "postgresql/postgresql.log"]

    let directory: TemporaryDirectory
    let root: String
    /// The `main` log_format string (from manifest.json's `log_format main '…';`).
    let nginxLogFormat: String
    /// An IANA zone for the hosts' fixed offset (naive times in error.log and ai.log).
    let zone: String
    /// Physical lines per file, from manifest.json.
    let fileLines: [String: Int]
    let requests: [TruthRequest]

    var paths: [String] { Self.logFiles.map { root + "/" + $0 } }

    static func generate(_ variant: CorpusVariant) throws -> GeneratedCorpus {
        guard let tools = CorpusTools.directory else { throw HarnessError("\(CorpusTools.skipMessage)") }
        guard let python = E2EPaths.onPath("python3") else { throw HarnessError("python3 is not on PATH") }
        let dir = try TemporaryDirectory("corpus-\(variant.rawValue)")
        do {
            let root = dir.path + "/corpus"
            let generated = try ChildProcess.run(
                name: "generate", executable: python, arguments: [tools + "/generate", root] + variant.generatorArguments,
                environment: childEnvironment(), scratch: dir.path, timeout: .seconds(120))
            guard generated.status == 0 else {
                throw HarnessError("generate \(variant.generatorArguments.joined(separator: " ")) failed (\(generated.status)): \(generated.stderr)")
            }
            let verified = try ChildProcess.run(
                name: "verify", executable: python, arguments: [tools + "/verify", root],
                environment: childEnvironment(), scratch: dir.path, timeout: .seconds(120))
            guard verified.status == 0 else {
                throw HarnessError("the generated corpus does not verify (\(verified.status)): \(verified.stderr)\(verified.stdoutText)")
            }
            return try read(root, directory: dir)
        } catch {
            dir.remove()
            throw error
        }
    }

    private static func read(_ root: String, directory: TemporaryDirectory) throws -> GeneratedCorpus {
        guard let data = FileManager.default.contents(atPath: root + "/manifest.json"),
              let manifest = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let offset = manifest["utc_offset_s"] as? Int,
              let directive = manifest["nginx_log_format_main"] as? String,
              let first = directive.firstIndex(of: "'"), let last = directive.lastIndex(of: "'"), first < last,
              let files = manifest["files"] as? [String: [String: Any]]
        else { throw HarnessError("\(root)/manifest.json lacks utc_offset_s, nginx_log_format_main or files") }
        let fileLines = files.compactMapValues { $0["lines_or_entries"] as? Int }

        let passed = Set(logFiles)
        var requests: [TruthRequest] = []
        guard let truth = FileManager.default.contents(atPath: root + "/truth.jsonl") else {
            throw HarnessError("cannot read \(root)/truth.jsonl")
        }
        for (n, raw) in truth.split(separator: 0x0A).enumerated() {
            guard let object = jsonObject(Data(raw)) as? [String: Any],
                  let id = object["request_id"] as? String, let sources = object["sources"] as? [String: [String: Any]]
            else { throw HarnessError("truth.jsonl line \(n + 1) is not a request record") }
            var entries: [TruthEntry] = []
            for (source, place) in sources {
                guard let file = place["file"] as? String, passed.contains(file),
                      let lines = place["lines"] as? [Int], let counts = place["nlines"] as? [Int], lines.count == counts.count
                else { continue }
                entries += zip(lines, counts).map { TruthEntry(source: source, file: root + "/" + file, line: $0, lines: $1) }
            }
            requests.append(TruthRequest(index: n, id: id, kind: object["kind"] as? String ?? "?",
                                         scenario: object["scenario"] as? String ?? "?", entries: entries))
        }
        return GeneratedCorpus(
            directory: directory, root: root,
            nginxLogFormat: String(directive[directive.index(after: first)..<last]),
            zone: zoneName(offsetSeconds: offset), fileLines: fileLines, requests: requests)
    }

    /// `Asia/Seoul` for the default +09:00 (PostgreSQL prints KST), `UTC`, or `Etc/GMT∓h`.
    static func zoneName(offsetSeconds: Int) -> String {
        switch offsetSeconds {
        case 32_400: "Asia/Seoul"
        case 0: "UTC"
        default: offsetSeconds % 3600 == 0 ? "Etc/GMT\(offsetSeconds > 0 ? "-" : "+")\(abs(offsetSeconds / 3600))" : "UTC"
        }
    }

    func logviewArguments(_ filters: [String]) -> [String] {
        ["--print", "--output", "json"] + filters + ["--nginx-log-format", nginxLogFormat, "--tz", zone] + paths
    }
}

/// The truth entries of the logs, loaded once per corpus: owner of each (file, line), and the
/// physical lines, to tell whether an entry carries its request's id.
struct CorpusIndex {
    let owner: [String: [Int: String]]
    let logs: [String: LogFileLines]

    init(_ corpus: GeneratedCorpus) throws {
        var owner: [String: [Int: String]] = [:]
        for r in corpus.requests {
            for e in r.entries { owner[e.file, default: [:]][e.line] = r.id }
        }
        self.owner = owner
        logs = try Dictionary(uniqueKeysWithValues: corpus.paths.map { ($0, try LogFileLines(path: $0)) })
    }

    /// Whether the entry's physical lines contain `id`.
    func carries(_ e: TruthEntry, id: String) -> Bool {
        logs[e.file]?.contains(Array(id.utf8), first: e.line, count: e.lines) ?? false
    }

    /// Requests with an id-less entry that can be reached (another of their entries carries the id).
    func hasReachableIDLessEntry(_ r: TruthRequest) -> Bool {
        r.entries.contains { carries($0, id: r.id) } && r.entries.contains { !carries($0, id: r.id) }
    }
}

/// What one `--request-id` run found, against truth.
struct RequestCheck: Sendable {
    var carrying = 0
    var carryingFound = 0
    var idLess = 0
    var idLessFound = 0
    /// Id-less entries of a request no file shows the id of (static files): not measured.
    var unreachable = 0
    var wrongLinks = 0
    var timedOut = false
    var problems: [String] = []
}

@Suite(.enabled(if: CorpusTools.directory != nil, CorpusTools.skipMessage), .timeLimit(.minutes(10)))
struct CorpusCheckTests {
    static let sampleSize = 200

    /// Up to `sampleSize` requests spread evenly over the corpus, a quarter of them among the
    /// requests that have id-less entries, and a few of every kind and scenario.
    static func sample(_ corpus: GeneratedCorpus, _ index: CorpusIndex) -> [TruthRequest] {
        func spread(_ from: [TruthRequest], _ count: Int) -> [TruthRequest] {
            guard from.count > count else { return from }
            return (0..<count).map { from[$0 * from.count / count] }
        }
        var picked: [Int: TruthRequest] = [:]
        for r in spread(corpus.requests.filter(index.hasReachableIDLessEntry), sampleSize / 4) { picked[r.index] = r }
        for r in spread(corpus.requests, sampleSize - picked.count) where picked.count < sampleSize { picked[r.index] = r }
        for group in Dictionary(grouping: corpus.requests, by: { "\($0.kind)/\($0.scenario)" }).values {
            for r in spread(group, 3) { picked[r.index] = r }
        }
        return picked.values.sorted { $0.index < $1.index }
    }

    @Test(arguments: CorpusVariant.allCases)
    func requestIDMatchesTruth(_ variant: CorpusVariant) throws {
        let corpus = try GeneratedCorpus.generate(variant)
        defer { corpus.directory.remove() }
        let index = try CorpusIndex(corpus)
        let sample = Self.sample(corpus, index)
        let scratch = try corpus.directory.directory("runs")

        // One run first: if the binary does not speak the contract yet, say so once.
        let probe = try Logview.run(corpus.logviewArguments(["--request-id", sample[0].id]), timezone: corpus.zone, scratch: scratch)
        _ = try probe.entries()

        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var checks: [Int: RequestCheck] = [:]
            var timeouts = 0
        }
        let results = Results()
        let workers = 2
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for i in stride(from: worker, to: sample.count, by: workers) {
                let check = Self.check(sample[i], in: corpus, index: index, scratch: scratch)
                results.lock.lock()
                results.checks[i] = check
                if check.timedOut { results.timeouts += 1 }
                let giveUp = results.timeouts >= 3
                results.lock.unlock()
                if giveUp { break }  // a hanging binary must not hold the suite for 200 timeouts
            }
        }
        #expect(results.timeouts == 0, "\(results.timeouts) logview runs did not finish in 20 s")

        let checks = results.checks.values
        let carrying = checks.reduce(0) { $0 + $1.carrying }, carryingFound = checks.reduce(0) { $0 + $1.carryingFound }
        let idLess = checks.reduce(0) { $0 + $1.idLess }, idLessFound = checks.reduce(0) { $0 + $1.idLessFound }
        let wrong = checks.reduce(0) { $0 + $1.wrongLinks }, unreachable = checks.reduce(0) { $0 + $1.unreachable }
        let recall = idLess == 0 ? 1.0 : Double(idLessFound) / Double(idLess)
        let kinds = Dictionary(grouping: sample, by: \.kind).mapValues(\.count).sorted { $0.key < $1.key }
        let summary = "corpus \(variant.testDescription): \(sample.count) requests \(kinds.map { "\($0.key)=\($0.value)" }.joined(separator: " ")); "
            + "id-carrying entries \(carryingFound)/\(carrying); recall over id-less entries "
            + String(format: "%.3f", recall) + " (\(idLessFound)/\(idLess); \(unreachable) more belong to requests whose id no file shows); "
            + "wrong links \(wrong)"
        print("logview-e2e: \(summary)")

        let problems = sample.indices.flatMap { results.checks[$0]?.problems ?? ["no result for \(sample[$0].id)"] }
        #expect(problems.isEmpty, "\(summary)\n\(problems.count) problems, first ones:\n\(problems.prefix(15).joined(separator: "\n"))")
        #expect(carrying > 0 && carryingFound == carrying, "\(summary)")
        #expect(idLess > 0, "the sample has id-less entries to measure")
        #expect(recall >= 0.90, "\(summary)")
        #expect(wrong == 0, "\(summary)")
    }

    /// Runs `--request-id` for one request and compares with its truth entries.
    static func check(_ request: TruthRequest, in corpus: GeneratedCorpus, index: CorpusIndex, scratch: String) -> RequestCheck {
        var check = RequestCheck()
        let printed: [PrintedEntry]
        do {
            let run = try Logview.run(corpus.logviewArguments(["--request-id", request.id]), timezone: corpus.zone,
                                      scratch: scratch, timeout: .seconds(20))
            guard run.status == 0 else {
                check.problems.append("\(request.id): exit status \(run.status): \(run.stderr.prefix(300))")
                return check
            }
            printed = try run.entries()
        } catch let error as ProcessTimeout {
            check.timedOut = true
            check.problems.append("\(request.id): \(error)")
            return check
        } catch {
            check.problems.append("\(request.id): \(error)")
            return check
        }
        var byPlace: [String: PrintedEntry] = [:]
        for p in printed { byPlace["\(p.file ?? "")#\(p.line ?? 0)"] = p }
        let reachable = request.entries.contains { index.carries($0, id: request.id) }
        let name = "\(request.id) (\(request.kind)/\(request.scenario))"
        for e in request.entries {
            let found = byPlace["\(e.file)#\(e.line)"]
            let short = "\(URL(fileURLWithPath: e.file).lastPathComponent):\(e.line)+\(e.lines)"
            if index.carries(e, id: request.id) {
                check.carrying += 1
                if found == nil {
                    check.problems.append("\(name): missing \(e.source) entry \(short), which carries the id")
                } else if found?.lines != e.lines {
                    check.problems.append("\(name): \(short) printed with lines=\(found?.lines ?? 0)")
                } else {
                    check.carryingFound += 1
                }
            } else if !reachable {
                check.unreachable += 1
            } else {
                check.idLess += 1
                if let found {
                    check.idLessFound += 1
                    if found.lines != e.lines { check.problems.append("\(name): id-less \(short) printed with lines=\(found.lines ?? 0)") }
                }
            }
        }
        let own = Set(request.entries.map { "\($0.file)#\($0.line)" })
        for p in printed where !own.contains("\(p.file ?? "")#\(p.line ?? 0)") {
            check.wrongLinks += 1
            let owner = index.owner[p.file ?? ""]?[p.line ?? 0].map { "request \($0)" } ?? "no request"
            check.problems.append("\(name): wrong link \(p.description) — it belongs to \(owner)")
        }
        return check
    }

    /// Without a filter: ts never decreases, every physical line of every file is in exactly one
    /// entry (the per-file line counts of manifest.json), and every truth entry is an entry.
    @Test(arguments: CorpusVariant.allCases)
    func fullMergeIsOrderedAndComplete(_ variant: CorpusVariant) throws {
        let corpus = try GeneratedCorpus.generate(variant)
        defer { corpus.directory.remove() }
        let scratch = try corpus.directory.directory("runs")
        let run = try Logview.run(corpus.logviewArguments([]), timezone: corpus.zone, scratch: scratch, timeout: .seconds(60))
        #expect(run.status == 0, "\(run.commandLine)\nstderr: \(run.stderr.prefix(2000))")
        let printed = try run.entries()

        if let i = printed.indices.dropFirst().first(where: { printed[$0].ts < printed[$0 - 1].ts }) {
            Issue.record("ts decreases at output entry \(i + 1): \(printed[i - 1]) then \(printed[i])")
        }
        let byFile = Dictionary(grouping: printed, by: { $0.file ?? "" })
        #expect(Set(byFile.keys).isSubset(of: corpus.paths), "files printed: \(byFile.keys.sorted())")
        for (relative, path) in zip(GeneratedCorpus.logFiles, corpus.paths) {
            let want = corpus.fileLines[relative] ?? -1
            let entries = (byFile[path] ?? []).sorted { ($0.line ?? 0) < ($1.line ?? 0) }
            let total = entries.reduce(0) { $0 + ($1.lines ?? 0) }
            #expect(total == want, "\(relative): the entries' lines add up to \(total); manifest.json has \(want) lines")
            var next = 1
            for e in entries {
                if e.line != next {
                    Issue.record("\(relative): an entry starts at line \(e.line ?? 0), expected \(next) (a gap or an overlap): \(e)")
                    break
                }
                next += e.lines ?? 1
            }
        }
        let places = Dictionary(printed.map { ("\($0.file ?? "")#\($0.line ?? 0)", $0.lines ?? 0) }, uniquingKeysWith: { a, _ in a })
        var missing: [String] = []
        for r in corpus.requests {
            for e in r.entries where places["\(e.file)#\(e.line)"] != e.lines {
                missing.append("\(URL(fileURLWithPath: e.file).lastPathComponent):\(e.line)+\(e.lines) of \(r.id) printed as "
                    + (places["\(e.file)#\(e.line)"].map { "lines=\($0)" } ?? "no entry"))
            }
        }
        #expect(missing.isEmpty, "\(missing.count) truth entries are not entries of the merge, first: \(missing.prefix(10))")
        print("logview-e2e: corpus \(variant.testDescription): full merge printed \(printed.count) entries")
    }
}
