import Foundation
import Testing
import TestSupport

// The built binary reading real journal files (made by systemd-journal-remote) next to nginx and
// PostgreSQL log files; no journald runs here, so the local journal itself is not exercised.

/// 2026-01-30T05:00:00Z in µs.
private let base: UInt64 = 1_769_749_200_000_000

private func unit(_ u: String, _ priority: Int, _ message: String, _ extra: [(String, String)] = []) -> [(String, String)] {
    [("_SYSTEMD_UNIT", u), ("SYSLOG_IDENTIFIER", String(u.split(separator: ".")[0])), ("PRIORITY", "\(priority)"),
     ("_PID", "4242"), ("_HOSTNAME", "app-01")] + extra + [("MESSAGE", message)]
}

@Suite(.enabled(if: JournalExport.isAvailable, "needs /lib/systemd/systemd-journal-remote"))
struct JournalPrintTests {
    static let rid = "5f1c2a7e9b3d4c8e8a6f0b1c2d3e4f50"
    static let other = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"

    /// A request seen by nginx, the backend (journal) and PostgreSQL, with another request around it.
    static func writeIncident(_ dir: TemporaryDirectory) throws -> (journal: String, nginx: String, postgres: String) {
        let journal = dir.file("backend.journal")
        try JournalExport.write([
            .init(realtime: base + 1_000_000, unit("backend.service", 6, "Handling GET /api/orders", [("REQUEST_ID", rid)])),
            .init(realtime: base + 1_100_000, unit("backend.service", 6, "Handling GET /api/cart", [("REQUEST_ID", other)])),
            .init(realtime: base + 1_250_500, unit("backend.service", 3, "Order lookup failed\n\tat Orders.find(Orders.java:42)", [("REQUEST_ID", rid)])),
            .init(realtime: base + 1_300_000, unit("cron.service", 6, "(root) CMD (run-parts /etc/cron.hourly)")),
        ], to: journal)
        let nginx = dir.file("access.log")
        try Data("""
            192.0.2.10 - - [30/Jan/2026:05:00:01 +0000] "GET /api/cart HTTP/1.1" 200 12 "-" "curl/8.5" rid=\(other)
            192.0.2.11 - - [30/Jan/2026:05:00:02 +0000] "GET /api/orders HTTP/1.1" 500 31 "-" "curl/8.5" rid=\(rid)

            """.utf8).write(to: URL(fileURLWithPath: nginx))
        let postgres = dir.file("postgresql.log")
        try Data("""
            2026-01-30 05:00:01.200 UTC [3101] shop@shop LOG:  duration: 1.250 ms  execute <unnamed>: select o.id from orders o where o.user_id=$1 /*request_id='\(rid)'*/
            2026-01-30 05:00:01.150 UTC [3102] shop@shop LOG:  duration: 0.950 ms  execute <unnamed>: select c.id from cart c /*request_id='\(other)'*/

            """.utf8).write(to: URL(fileURLWithPath: postgres))
        return (journal, nginx, postgres)
    }

    @Test func requestAcrossJournalNginxAndPostgres() throws {
        let dir = try TemporaryDirectory("journal-merge")
        defer { dir.remove() }
        let (journal, nginx, postgres) = try Self.writeIncident(dir)
        let run = try Logview.run(["--print", "--output", "json", "--request-id", Self.rid,
                                   "journal-file:" + journal, nginx, postgres], scratch: dir.path)
        #expect(run.status == 0, "\(run.stderr)")
        let entries = try run.entries()
        #expect(entries.map { "\($0.ts) \($0.source) \($0.level)" } == [
            "2026-01-30T05:00:01.000000000Z backend info",
            "2026-01-30T05:00:01.200000000Z postgresql info",
            "2026-01-30T05:00:01.250500000Z backend error",
            "2026-01-30T05:00:02.000000000Z nginx error",
        ])
        #expect(entries[2].message == "Order lookup failed\n\tat Orders.find(Orders.java:42)")
        #expect(entries[2].lines == 2)
        #expect(entries.map(\.file) == [nil, postgres, nil, nginx])
        // Journal entries carry their cursor and fields instead of file and line.
        let first = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.split(separator: 0x0A)[0])) as? [String: Any])
        #expect((first["cursor"] as? String)?.hasPrefix("s=") == true)
        #expect((first["fields"] as? [String: String])?["REQUEST_ID"] == Self.rid)
        #expect((first["fields"] as? [String: String])?["_PID"] == "4242")
    }

    @Test func bareBootFlagMeansTheLastBootLikeJournalctl() throws {
        let dir = try TemporaryDirectory("journal-boot")
        defer { dir.remove() }
        let file = dir.file("boots.journal")
        try JournalExport.write([
            .init(realtime: base + 1, boot: JournalExport.bootA, unit("a.service", 6, "first boot")),
            .init(realtime: base + 9_000_000, boot: JournalExport.bootB, unit("a.service", 6, "second boot")),
        ], to: file)
        func messages(_ arguments: [String]) throws -> [String] {
            let run = try Logview.run(["--print", "--output", "json"] + arguments, scratch: dir.path)
            #expect(run.status == 0, "\(run.stderr)")
            return try run.entries().map(\.message)
        }
        // `-b` followed by a source, at the end, or before another option: the last boot.
        #expect(try messages(["-b", "journal-file:" + file]) == ["second boot"])
        #expect(try messages(["journal-file:" + file, "-b"]) == ["second boot"])
        #expect(try messages(["--boot", "--tz", "UTC", "journal-file:" + file]) == ["second boot"])
        // With a value it is that boot.
        #expect(try messages(["-b", "-1", "journal-file:" + file]) == ["first boot"])
        #expect(try messages(["--boot", JournalExport.bootA, "journal-file:" + file]) == ["first boot"])
        #expect(try messages(["journal-file:" + file]) == ["first boot", "second boot"])
    }

    @Test func textOutputAndUnitShorthand() throws {
        let dir = try TemporaryDirectory("journal-text")
        defer { dir.remove() }
        let (journal, _, _) = try Self.writeIncident(dir)
        let run = try Logview.run(["--print", "--tz", "UTC", "-u", "cron", "journal-file:" + journal], scratch: dir.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdoutText == "2026-01-30T05:00:01.300000Z cron INFO  (root) CMD (run-parts /etc/cron.hourly)\n")
        let since = try Logview.run(["--print", "--tz", "UTC", "--since", "2026-01-30T05:00:01.1Z", "--until", "2026-01-30T05:00:01.26Z",
                                     "journal-file:" + journal], scratch: dir.path)
        #expect(since.stdoutText == """
            2026-01-30T05:00:01.100000Z backend INFO  Handling GET /api/cart
            2026-01-30T05:00:01.250500Z backend ERROR Order lookup failed
                                                      \tat Orders.find(Orders.java:42)

            """)
    }

    @Test func exitStatusForEmptyAndUnreadableJournals() throws {
        let dir = try TemporaryDirectory("journal-status")
        defer { dir.remove() }
        let (journal, nginx, _) = try Self.writeIncident(dir)
        let nothing = try Logview.run(["--print", "-u", "ssh", "journal-file:" + journal], scratch: dir.path)
        #expect(nothing.status == 0)
        #expect(nothing.stdoutText == "")
        #expect(nothing.stderr == "logview: journal-file:\(journal): no entries for ssh.service\n")
        let empty = try dir.directory("empty")
        let noFiles = try Logview.run(["--print", "journal-dir:" + empty, nginx], scratch: dir.path)
        #expect(noFiles.status == 1)
        #expect(noFiles.stderr == "logview: journal-dir:\(empty): no journal files (*.journal) in \(empty)\n")
        #expect(noFiles.stdoutText.split(separator: "\n").count == 2)
    }

    /// Runs the binary as `nobody` (setpriv), where a root-only journal file cannot be read.
    @Test(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), "needs root and setpriv"))
    func noPermissionNamesTheGroupsAndOtherSourcesGoOn() throws {
        let dir = try TemporaryDirectory("journal-perm")
        defer { dir.remove() }
        let (journal, nginx, _) = try Self.writeIncident(dir)
        chmod(journal, 0o640)
        chmod(nginx, 0o644)
        let run = try ChildProcess.run(
            name: "logview-nobody", executable: "/usr/bin/setpriv",
            arguments: ["--reuid=65534", "--regid=65534", "--clear-groups", E2EPaths.logviewBinaryForAnyUser, "--print", "--tz", "UTC",
                        "journal-file:" + journal, nginx],
            environment: childEnvironment(["TZ": "UTC"]), scratch: dir.path, timeout: .seconds(60))
        #expect(run.status == 1)
        #expect(run.stderr == "logview: journal-file:\(journal): no permission to read \(journal): add your user to the 'systemd-journal' (or 'adm') group, or run logview with sudo\n")
        #expect(String(decoding: run.stdout, as: UTF8.self).split(separator: "\n").count == 2)
    }

    @Test func truncatedJournalFileWarnsAndShowsWhatIsReadable() throws {
        let dir = try TemporaryDirectory("journal-cut")
        defer { dir.remove() }
        let journal = dir.file("big.journal")
        try JournalExport.write((0..<20000).map { i in
            .init(realtime: base + UInt64(i) * 1000, unit("backend.service", 6, "entry \(i) padded with enough text to fill pages"))
        }, to: journal)
        #expect(truncate(journal, 6_000_000) == 0)
        let run = try Logview.run(["--print", "--output", "json", "journal-file:" + journal], scratch: dir.path)
        #expect(run.status == 1)
        #expect(run.stderr.hasPrefix("logview: journal-file:\(journal): \(journal) is truncated (6000000 of "))
        #expect(run.stderr.hasSuffix(" bytes); showing the entries before the cut\n"))
        let entries = try run.entries()
        #expect(entries.count > 1000 && entries.count < 20000)
        #expect(entries.first?.message == "entry 0 padded with enough text to fill pages")
        #expect(entries.last?.message == "entry \(entries.count - 1) padded with enough text to fill pages")
    }
}

/// The corpus generator's journal export, converted by journal-remote and read by logview: every
/// entry arrives, and a request's backend entries are exactly those truth.jsonl lists.
@Suite(.enabled(if: CorpusTools.directory != nil && JournalExport.isAvailable, CorpusTools.skipMessage))
struct JournalCorpusTests {
    /// (realtime µs, REQUEST_ID) of each entry of an export file, in order; binary fields skipped.
    static func exportEntries(_ data: [UInt8]) -> [(UInt64, String?)] {
        var out: [(UInt64, String?)] = []
        var realtime: UInt64 = 0, request: String? = nil, inEntry = false
        var i = 0
        while i < data.count {
            let nl = data[i...].firstIndex(of: 0x0A) ?? data.count
            let line = data[i..<nl]
            if line.isEmpty {
                if inEntry { out.append((realtime, request)) }
                realtime = 0; request = nil; inEntry = false
                i = nl + 1
                continue
            }
            inEntry = true
            if let eq = line.firstIndex(of: 0x3D) {
                let name = String(decoding: data[i..<eq], as: UTF8.self)
                let value = String(decoding: data[(eq + 1)..<nl], as: UTF8.self)
                if name == "__REALTIME_TIMESTAMP" { realtime = UInt64(value) ?? 0 }
                if name == "REQUEST_ID" { request = value }
                i = nl + 1
            } else {
                // Binary field: name LF, 64-bit LE length, data, LF.
                var n: UInt64 = 0
                for k in 0..<8 { n |= UInt64(data[nl + 1 + k]) << (8 * UInt64(k)) }
                i = nl + 1 + 8 + Int(n) + 1
            }
        }
        if inEntry { out.append((realtime, request)) }
        return out
    }

    @Test(arguments: ["native", "stdout"])
    func corpusJournalEntriesAndRequests(style: String) throws {
        let tools = try #require(CorpusTools.directory)
        let python = try #require(E2EPaths.onPath("python3"))
        let dir = try TemporaryDirectory("journal-corpus")
        defer { dir.remove() }
        let root = dir.file("corpus")
        let generated = try ChildProcess.run(name: "generate", executable: python,
            arguments: [tools + "/generate", root, "--size", "2MB", "--seed", "7", "--quiet", "--journal-style", style],
            environment: childEnvironment(), scratch: dir.path, timeout: .seconds(120))
        #expect(generated.status == 0, "\(generated.stderr)")
        let journal = try dir.directory("journal") + "/backend.journal"
        try ExportConversion.convert(root + "/backend/backend.journal.export", to: journal, scratch: dir.path)
        let export = try #require(FileManager.default.contents(atPath: root + "/backend/backend.journal.export"))
        let exported = Self.exportEntries(Array(export))
        let run = try Logview.run(["--print", "--output", "json", "journal-file:" + journal], scratch: dir.path)
        #expect(run.status == 0, "\(run.stderr)")
        let printed = try run.entries()
        #expect(printed.count == exported.count)
        #expect(printed.map(\.ts) == exported.map { rfc3339(micros: $0.0) })

        // truth.jsonl lists each request's entries in the export (1-based): exactly those, in order.
        let truth = try #require(FileManager.default.contents(atPath: root + "/truth.jsonl"))
        var checked = 0
        for raw in truth.split(separator: 0x0A) where checked < 25 {
            guard let object = try JSONSerialization.jsonObject(with: Data(raw)) as? [String: Any],
                  let id = object["request_id"] as? String,
                  let place = (object["sources"] as? [String: [String: Any]])?["backend_journal"],
                  let indices = place["entries"] as? [Int]
            else { continue }
            checked += 1
            let expected = indices.map { rfc3339(micros: exported[$0 - 1].0) }
            let r = try Logview.run(["--print", "--output", "json", "--request-id", id, "--source", "backend",
                                     "journal-file:" + journal], scratch: dir.path)
            #expect(try r.entries().map(\.ts) == expected, "request \(id)")
        }
        #expect(checked == 25)
    }

    private func rfc3339(micros: UInt64) -> String {
        let seconds = micros / 1_000_000, fraction = micros % 1_000_000
        let date = Date(timeIntervalSince1970: TimeInterval(seconds))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%06d000Z", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!, Int(fraction))
    }
}

/// Runs systemd-journal-remote on an export file.
enum ExportConversion {
    static func convert(_ export: String, to journal: String, scratch: String) throws {
        let done = try ChildProcess.run(name: "journal-remote", executable: JournalExport.remote,
            arguments: ["--output=" + journal, export], environment: childEnvironment(), scratch: scratch, timeout: .seconds(120))
        guard done.status == 0 else { throw HarnessError("journal-remote failed: \(done.stderr)") }
    }
}
