import Foundation
import LogviewCore
import LogviewSources
import Testing
import TestSupport

/// 2026-01-30T05:00:00Z in µs.
let journalBase: UInt64 = 1_769_749_200_000_000

/// A directory holding real journal files made by systemd-journal-remote, removed afterwards.
final class JournalDir {
    let path: String
    init(_ label: String) throws { path = try JournalExport.temporaryDirectory(label) }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `entries` into `name` (a `.journal` file in this directory); returns its path.
    @discardableResult
    func write(_ entries: [JournalExport.Entry], name: String = "test.journal") throws -> String {
        let file = path + "/" + name
        try JournalExport.write(entries, to: file)
        return file
    }
}

/// What the tests look at: one row per entry of the merged timeline.
struct JournalRow: Equatable, CustomStringConvertible {
    var ns: Int64
    var source: String
    var level: Level
    var message: String
    var description: String { "\(ns) \(source) \(level.name) \(message)" }
}

func rows(_ timeline: Timeline) -> [JournalRow] {
    let writer = EntryWriter(timeline: timeline, style: .text, zone: .utc)
    return timeline.order.map { ref in
        let src = timeline.sources[ref.source]
        var message: [UInt8] = []
        writer.forEachLine(ref) { i, line in
            if i > 0 { message.append(0x0A) }
            message += Array(line)
        }
        return JournalRow(
            ns: src.entries.timestamps[ref.entry], source: src.name, level: src.entries.level(ref.entry),
            message: String(decoding: message, as: UTF8.self))
    }
}

func ns(_ usec: UInt64) -> Int64 { Int64(usec) * 1000 }

@Suite(.enabled(if: JournalExport.isAvailable, "needs /lib/systemd/systemd-journal-remote"))
struct JournalLoaderTests {
    static let mixed: [JournalExport.Entry] = [
        .init(realtime: journalBase + 123, [("_SYSTEMD_UNIT", "backend.service"), ("SYSLOG_IDENTIFIER", "backend"),
            ("PRIORITY", "3"), ("_PID", "4242"), ("_HOSTNAME", "app-01"), ("MESSAGE", "database unreachable")]),
        .init(realtime: journalBase + 1_000_456, [("SYSLOG_IDENTIFIER", "sshd"), ("PRIORITY", "4"), ("_PID", "77"),
            ("MESSAGE", "Invalid user admin from 192.0.2.7 port 4711")]),
        .init(realtime: journalBase + 2_000_789, [("_TRANSPORT", "kernel"), ("PRIORITY", "5"),
            ("MESSAGE", "wireguard: wg0: Handshake for peer 1 did not complete")]),
        .init(realtime: journalBase + 3_000_000, [("_SYSTEMD_UNIT", "wg-quick@wg0.service"), ("PRIORITY", "6"),
            ("SYSLOG_IDENTIFIER", "wg-quick"), ("MESSAGE", "[#] ip link add wg0 type wireguard")]),
        .init(realtime: journalBase + 4_000_001, [("_SYSTEMD_UNIT", "init.scope"), ("_PID", "1"), ("SYSLOG_IDENTIFIER", "systemd"),
            ("UNIT", "backend.service"), ("PRIORITY", "6"), ("MESSAGE", "Stopping backend.service - Shop backend...")]),
        .init(realtime: journalBase + 5_000_000, [("_SYSTEMD_UNIT", "backend.service"), ("SYSLOG_IDENTIFIER", "backend"),
            ("PRIORITY", "7"), ("_PID", "4242"), ("MESSAGE", "pool closed")]),
    ]

    @Test func timestampsLevelsAndSourceNames() throws {
        let dir = try JournalDir("names")
        let file = try dir.write(Self.mixed)
        let result = JournalLoader.load([JournalSpec(location: .files([file]))])
        #expect(result.problems.isEmpty)
        #expect(result.notices.isEmpty)
        #expect(rows(Timeline(sources: result.sources)) == [
            JournalRow(ns: ns(journalBase + 123), source: "backend", level: .error, message: "database unreachable"),
            JournalRow(ns: ns(journalBase + 1_000_456), source: "sshd", level: .warning, message: "Invalid user admin from 192.0.2.7 port 4711"),
            JournalRow(ns: ns(journalBase + 2_000_789), source: "wireguard", level: .notice, message: "wireguard: wg0: Handshake for peer 1 did not complete"),
            JournalRow(ns: ns(journalBase + 3_000_000), source: "wg-quick@wg0", level: .info, message: "[#] ip link add wg0 type wireguard"),
            JournalRow(ns: ns(journalBase + 4_000_001), source: "systemd", level: .info, message: "Stopping backend.service - Shop backend..."),
            JournalRow(ns: ns(journalBase + 5_000_000), source: "backend", level: .debug, message: "pool closed"),
        ])
        #expect(result.sources.map(\.finestPrecision) == Array(repeating: .microseconds, count: result.sources.count))
        #expect(result.sources.map(\.formatName) == ["journal", "journal", "journal", "journal", "journal"])
    }

    @Test func readingInTwoHalvesGivesTheSameSources() throws {
        let dir = try JournalDir("halves")
        let file = try dir.write(Self.mixed + (0..<100).map { i in
            .init(realtime: journalBase + 6_000_000 + UInt64(i) * 10, [("_SYSTEMD_UNIT", "backend.service"), ("PRIORITY", "6"),
                ("REQUEST_ID", "r\(i % 10)"), ("MESSAGE", "step \(i)")])
        } + [.init(realtime: journalBase + 7_000_000, [("_SYSTEMD_UNIT", "late.service"), ("MESSAGE", "only in the later half")])])
        let whole = JournalLoader.load([JournalSpec(location: .files([file]))])
        let halves = JournalLoader.load([JournalSpec(location: .files([file]))], splitAbove: 0)
        #expect(halves.sources.map(\.name) == whole.sources.map(\.name))
        #expect(halves.sources.map(\.entries.count) == [102, 1, 1, 1, 1, 1])
        #expect(halves.sources.map(\.name).last == "late")
        let a = Timeline(sources: whole.sources), b = Timeline(sources: halves.sources)
        #expect(rows(b) == rows(a))
        var q = Query()
        q.requestIDs = ["r3"]
        let expected: [Int64] = (0..<10).map { (k: Int) -> Int64 in ns(journalBase + 6_000_000 + UInt64(3 + 10 * k) * 10) }
        let selected: [Int64] = b.select(q).map { b.sources[$0.source].entries.timestamps[$0.entry] }
        #expect(selected == expected)
        let writer = EntryWriter(timeline: b, style: .json, zone: .utc), reference = EntryWriter(timeline: a, style: .json, zone: .utc)
        for (x, y) in zip(b.order, a.order) {
            var left: [UInt8] = [], right: [UInt8] = []
            writer.write(x, to: &left)
            reference.write(y, to: &right)
            #expect(left == right)
        }
    }

    @Test func unitMatchesAreHandedToSdJournal() throws {
        let dir = try JournalDir("units")
        let file = try dir.write(Self.mixed)
        let specs = try JournalSpec.combine(["-file:" + file], units: ["backend"], boot: nil)
        #expect(specs == [JournalSpec(location: .files([file]), units: ["backend.service"])])
        let result = JournalLoader.load(specs)
        // The unit's own entries and systemd's messages about it, as journalctl -u shows them.
        #expect(rows(Timeline(sources: result.sources)).map(\.ns) == [
            ns(journalBase + 123), ns(journalBase + 4_000_001), ns(journalBase + 5_000_000),
        ])
        let sshd = JournalLoader.load(try JournalSpec.combine(["-file:" + file], units: [], identifiers: ["sshd", "wg-quick"], boot: nil))
        #expect(rows(Timeline(sources: sshd.sources)).map(\.source) == ["sshd", "wg-quick@wg0"])
        let both = JournalLoader.load([JournalSpec(location: .files([file]), units: ["backend.service"], identifiers: ["systemd"])])
        #expect(rows(Timeline(sources: both.sources)).map(\.message) == ["Stopping backend.service - Shop backend..."])
        let none = JournalLoader.load(try JournalSpec.combine(["-file:" + file], units: ["cron"], boot: nil))
        #expect(none.sources.isEmpty)
        #expect(none.problems.isEmpty)
        #expect(none.notices.map(\.description) == ["journal-file:\(file): no entries for cron.service"])
    }

    @Test func sinceAndUntilSeek() throws {
        let dir = try JournalDir("seek")
        let entries = (0..<10).map { i in
            JournalExport.Entry(realtime: journalBase + UInt64(i) * 1_000_000 + 5,
                [("_SYSTEMD_UNIT", "backend.service"), ("PRIORITY", "6"), ("MESSAGE", "tick \(i)")])
        }
        let file = try dir.write(entries)
        let since = Timestamp(nanoseconds: ns(journalBase + 3_000_000))
        let until = Timestamp(nanoseconds: ns(journalBase + 5_000_005))
        let result = JournalLoader.load([JournalSpec(location: .files([file]))], since: since, until: until)
        #expect(rows(Timeline(sources: result.sources)).map(\.message) == ["tick 3", "tick 4", "tick 5"])
        // An until 1 ns before an entry excludes it; µs are compared as ns.
        let tight = JournalLoader.load([JournalSpec(location: .files([file]))], since: since,
            until: Timestamp(nanoseconds: ns(journalBase + 5_000_005) - 1))
        #expect(rows(Timeline(sources: tight.sources)).map(\.message) == ["tick 3", "tick 4"])
        let empty = JournalLoader.load([JournalSpec(location: .files([file]))],
            since: Timestamp(nanoseconds: ns(journalBase + 20_000_000)))
        #expect(empty.sources.isEmpty)
        #expect(empty.notices.map(\.message) == ["no entries between 2026-01-30T05:00:20.000000000Z and the end"])
    }

    @Test func messageFormatGivesLevelAndIDs() throws {
        let dir = try JournalDir("format")
        func spring(_ ms: Int, _ level: String, _ rid: String, _ text: String, trace: String = "7a6b427b8657be512fb85de3b80b8cb4") -> String {
            "2026-01-30T14:00:00.\(ms)+09:00 \(level) 4242 --- [api] [nio-8080-exec-3] [\(trace)-937a2233b3f3853a] [requestId=\(rid)] c.e.shop.api.service.OrderService        : \(text)"
        }
        let rid = "ec3645ed1b723065988bed7ed8298904"
        let file = try dir.write([
            .init(realtime: journalBase + 10, [("_SYSTEMD_UNIT", "backend.service"), ("PRIORITY", "6"),
                ("MESSAGE", spring(100, " WARN", rid, "Slow query"))]),
            .init(realtime: journalBase + 20, [("_SYSTEMD_UNIT", "backend.service"), ("PRIORITY", "6"),
                ("MESSAGE", spring(200, " INFO", rid, "Order placed"))]),
            .init(realtime: journalBase + 30, [("_SYSTEMD_UNIT", "backend.service"), ("PRIORITY", "3"),
                ("MESSAGE", spring(300, "ERROR", "0d67f31be8185b9fd1a65f592b9ac3c5", "Failed", trace: "ea5ec1920925d36115de7860522584d9"))]),
            .init(realtime: journalBase + 40, [("_SYSTEMD_UNIT", "backend.service"), ("PRIORITY", "4"),
                ("REQUEST_ID", "aaaabbbbccccddddeeeeffff00001111"), ("TRACE_ID", "7a6b427b8657be512fb85de3b80b8cb4"),
                ("MESSAGE", "plain text from the same unit")]),
        ])
        let result = JournalLoader.load([JournalSpec(location: .files([file]))])
        #expect(result.sources.map(\.formatName) == ["journal+spring-boot"])
        let timeline = Timeline(sources: result.sources)
        let r = rows(timeline)
        // The message's level wins over PRIORITY; its own timestamp is cut; the journal time stays.
        #expect(r.map(\.level) == [.warning, .info, .error, .warning])
        #expect(r.map(\.ns) == [ns(journalBase + 10), ns(journalBase + 20), ns(journalBase + 30), ns(journalBase + 40)])
        #expect(r[0].message.hasPrefix("WARN 4242 --- [api]"))
        // The last entry's TRACE_ID= field carries the first request's trace id, so it is linked.
        var q = Query()
        q.requestIDs = [rid]
        #expect(timeline.select(q).map { timeline.sources[$0.source].entries.timestamps[$0.entry] } == [
            ns(journalBase + 10), ns(journalBase + 20), ns(journalBase + 40),
        ])
        q.requestIDs = ["0d67f31be8185b9fd1a65f592b9ac3c5"]
        #expect(timeline.select(q).map { timeline.sources[$0.source].entries.timestamps[$0.entry] } == [ns(journalBase + 30)])
        // REQUEST_ID= fields feed correlation too.
        q.requestIDs = ["aaaabbbbccccddddeeeeffff00001111"]
        #expect(timeline.select(q).map { timeline.sources[$0.source].entries.timestamps[$0.entry] } == [
            ns(journalBase + 10), ns(journalBase + 20), ns(journalBase + 40),
        ])
    }

    @Test func binaryAndInvalidUTF8Messages() throws {
        let dir = try JournalDir("binary")
        let raw: [UInt8] = Array("red ".utf8) + [0x1B] + Array("[31mX".utf8) + [0xFF, 0xFE, 0x00] + Array(" end\nsecond line".utf8)
        let file = try dir.write([
            .init(realtime: journalBase + 1, bytes: [("_SYSTEMD_UNIT", Array("backend.service".utf8)), ("PRIORITY", Array("6".utf8)),
                ("MESSAGE", raw), ("BLOB", [0x01, 0xC3, 0x28])]),
        ])
        let result = JournalLoader.load([JournalSpec(location: .files([file]))])
        let timeline = Timeline(sources: result.sources)
        var text: [UInt8] = []
        EntryWriter(timeline: timeline, style: .text, zone: .utc).write(timeline.order[0], to: &text)
        #expect(!text.contains(0x1B))
        #expect(String(decoding: text, as: UTF8.self).contains(#"red \e[31mX\xff\xfe\0 end"#))
        #expect(String(decoding: text, as: UTF8.self).hasSuffix("second line\n"))
        var json: [UInt8] = []
        EntryWriter(timeline: timeline, style: .json, zone: .utc).write(timeline.order[0], to: &json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.dropLast())) as? [String: Any])
        #expect(object["message"] as? String == "red \u{1B}[31mX\u{FFFD}\u{FFFD}\u{0} end\nsecond line")
        let fields = try #require(object["fields"] as? [String: String])
        #expect(fields["BLOB"] == "\u{1}\u{FFFD}(")
        #expect(fields["MESSAGE"] == nil)
    }

    @Test func jsonCarriesCursorAndFields() throws {
        let dir = try JournalDir("json")
        let file = try dir.write(Self.mixed)
        let result = JournalLoader.load([JournalSpec(location: .files([file]))])
        let timeline = Timeline(sources: result.sources)
        var json: [UInt8] = []
        EntryWriter(timeline: timeline, style: .json, zone: .utc).write(timeline.order[0], to: &json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.dropLast())) as? [String: Any])
        #expect(object["ts"] as? String == "2026-01-30T05:00:00.000123000Z")
        #expect(object["source"] as? String == "backend")
        #expect(object["level"] as? String == "error")
        #expect(object["file"] == nil)
        #expect(object["line"] == nil)
        let cursor = try #require(object["cursor"] as? String)
        #expect(cursor.hasPrefix("s="))
        #expect(cursor.contains(";b=\(JournalExport.bootA);"))
        #expect(cursor.contains(";t=\(String(journalBase + 123, radix: 16));"))
        let fields = try #require(object["fields"] as? [String: String])
        #expect(fields["_PID"] == "4242")
        #expect(fields["_HOSTNAME"] == "app-01")
        #expect(fields["_SYSTEMD_UNIT"] == "backend.service")
        #expect(fields["PRIORITY"] == "3")
        #expect(fields["_BOOT_ID"] == JournalExport.bootA)
        let detail = timeline.sources[timeline.order[0].source].fields(of: timeline.order[0].entry)
        #expect(detail.first == Field("__CURSOR", cursor))
        #expect(detail.contains(Field("_PID", "4242")))

        // Every cursor is exactly the one journalctl gives for the entry (cursors are kept packed).
        let journalctl = ["/usr/bin/journalctl", "/bin/journalctl"].first { FileManager.default.isExecutableFile(atPath: $0) }
        if let journalctl {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: journalctl)
            process.arguments = ["--file=" + file, "-o", "export"]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let export = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            let expected = export.split(separator: "\n").filter { $0.hasPrefix("__CURSOR=") }.map { String($0.dropFirst(9)) }
            let cursors = timeline.order.map { ref in
                timeline.sources[ref.source].fields(of: ref.entry).first { $0.name == "__CURSOR" }?.value ?? ""
            }
            #expect(expected.count == Self.mixed.count)
            #expect(cursors == expected)
        }
    }

    @Test func truncatedFileShowsReadableEntriesWithWarning() throws {
        let dir = try JournalDir("truncated")
        let entries = (0..<20000).map { i in
            JournalExport.Entry(realtime: journalBase + UInt64(i) * 1000,
                [("_SYSTEMD_UNIT", "backend.service"), ("PRIORITY", "6"), ("MESSAGE", "entry \(i) with some padding to fill the file")])
        }
        let file = try dir.write(entries)
        let size = try #require(FileManager.default.attributesOfItem(atPath: file)[.size] as? Int)
        // journal-remote allocates a 3.7 MB hash table first; cut well into the entries after it.
        #expect(truncate(file, 6_000_000) == 0)
        let result = JournalLoader.load([JournalSpec(location: .files([file]))])
        #expect(result.problems.map(\.description) == [
            "journal-file:\(file): \(file) is truncated (6000000 of \(size) bytes); showing the entries before the cut",
        ])
        let r = rows(Timeline(sources: result.sources))
        #expect(r.count > 1000)
        #expect(r.count < 20000)
        #expect(r.enumerated().allSatisfy { i, row in row.ns == ns(journalBase + UInt64(i) * 1000) && row.message.hasPrefix("entry \(i) ") })
        // Cut inside the hash table: nothing is readable, one clear line.
        #expect(truncate(file, 100_000) == 0)
        let hopeless = JournalLoader.load([JournalSpec(location: .files([file]))])
        #expect(hopeless.sources.isEmpty)
        #expect(hopeless.problems.map(\.description) == [
            "journal-file:\(file): cannot read journal file \(file): truncated before its first entries",
        ])
    }

    @Test func damagedFileInTheMiddleIsReported() throws {
        let dir = try JournalDir("damaged")
        let entries = (0..<20000).map { i in
            JournalExport.Entry(realtime: journalBase + UInt64(i) * 1000,
                [("_SYSTEMD_UNIT", "backend.service"), ("PRIORITY", "6"), ("MESSAGE", "entry \(i) with some padding to fill the file")])
        }
        let file = try dir.write(entries)
        let healthy = JournalLoader.load([JournalSpec(location: .files([file]))])
        #expect(healthy.problems.isEmpty)
        // Overwrite 200 kB in the middle with a pattern that is no journal object.
        let handle = try #require(FileHandle(forUpdatingAtPath: file))
        try handle.seek(toOffset: 6_000_000)
        try handle.write(contentsOf: Data((0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }))
        try handle.close()
        let result = JournalLoader.load([JournalSpec(location: .files([file]))])
        let count = rows(Timeline(sources: result.sources)).count
        #expect(count > 1000 && count < 20000)
        #expect(result.problems.map(\.description) == [
            "journal-file:\(file): read \(count) of the 20000 entries the journal file headers list; the rest is damaged (journalctl stops there too)",
        ])
    }

    @Test func emptyAndMissingDirectories() throws {
        let dir = try JournalDir("empty")
        let result = JournalLoader.load([JournalSpec(location: .directory(dir.path)), JournalSpec(location: .directory(dir.path + "/nope"))])
        #expect(result.sources.isEmpty)
        #expect(result.problems.map(\.description) == [
            "journal-dir:\(dir.path): no journal files (*.journal) in \(dir.path)",
            "journal-dir:\(dir.path)/nope: \(dir.path)/nope does not exist",
        ])
        let missing = JournalLoader.load([JournalSpec(location: .files([dir.path + "/x.journal"]))])
        #expect(missing.problems.map(\.description) == ["journal-file:\(dir.path)/x.journal: \(dir.path)/x.journal does not exist"])
    }

    @Test func directoryWhereNoFileIsAJournal() throws {
        let dir = try JournalDir("notjournal")
        try Data("not a journal at all, just text\n".utf8).write(to: URL(fileURLWithPath: dir.path + "/a.journal"))
        try Data(repeating: 0, count: 4096).write(to: URL(fileURLWithPath: dir.path + "/b.journal"))
        let result = JournalLoader.load([JournalSpec(location: .directory(dir.path))])
        #expect(result.sources.isEmpty)
        // One line per file, none twice.
        #expect(result.problems.map(\.description) == [
            "journal-dir:\(dir.path): cannot read journal file \(dir.path)/a.journal: too short to be a journal file (32 bytes)",
            "journal-dir:\(dir.path): cannot read journal file \(dir.path)/b.journal: not a journal file (no LPKSHHRH signature)",
        ])
    }

    @Test func directoryOfJournalFiles() throws {
        let dir = try JournalDir("dir")
        try dir.write(Array(Self.mixed[0..<3]), name: "a.journal")
        try dir.write(Array(Self.mixed[3...]), name: "b.journal")
        let result = JournalLoader.load([JournalSpec(location: .directory(dir.path))])
        #expect(result.problems.isEmpty)
        #expect(rows(Timeline(sources: result.sources)).map(\.ns) == Self.mixed.map { ns($0.realtime) })
    }

    @Test func bootsByOffsetAndID() throws {
        let dir = try JournalDir("boots")
        let file = try dir.write([
            .init(realtime: journalBase + 1, boot: JournalExport.bootA, [("_SYSTEMD_UNIT", "a.service"), ("MESSAGE", "first boot 1")]),
            .init(realtime: journalBase + 2, boot: JournalExport.bootA, [("_SYSTEMD_UNIT", "a.service"), ("MESSAGE", "first boot 2")]),
            .init(realtime: journalBase + 9_000_000, boot: JournalExport.bootB, [("_SYSTEMD_UNIT", "a.service"), ("MESSAGE", "second boot")]),
            .init(realtime: journalBase + 9_000_001, boot: JournalExport.bootB, [("_SYSTEMD_UNIT", "b.service"), ("MESSAGE", "other unit")]),
        ])
        func messages(_ boot: String?, units: [String] = []) -> [String] {
            rows(Timeline(sources: JournalLoader.load([JournalSpec(location: .files([file]), units: units, boot: boot)]).sources)).map(\.message)
        }
        #expect(messages(nil) == ["first boot 1", "first boot 2", "second boot", "other unit"])
        #expect(messages("0") == ["second boot", "other unit"])
        #expect(messages("-1") == ["first boot 1", "first boot 2"])
        #expect(messages("1") == ["first boot 1", "first boot 2"])
        #expect(messages(JournalExport.bootA) == ["first boot 1", "first boot 2"])
        #expect(messages("0", units: ["a.service"]) == ["second boot"])
        let bad = JournalLoader.load([JournalSpec(location: .files([file]), boot: "-5")])
        #expect(bad.problems.map(\.description) == ["journal-file:\(file): -b -5: no boot at that offset; the journal holds 2 boot(s)"])
        let unknown = JournalLoader.load([JournalSpec(location: .files([file]), boot: "yesterday")])
        #expect(unknown.problems.map(\.message) == ["-b takes a boot id (32 hex digits) or an offset like 0, -1 or 1, not 'yesterday'"])
        // A boot id that is not in the journal is a readable journal with nothing in that boot.
        let absent = JournalLoader.load([JournalSpec(location: .files([file]), boot: "00000000000000000000000000000042")])
        #expect(absent.problems.isEmpty)
        #expect(absent.notices.map(\.message) == ["no entries in boot 00000000000000000000000000000042"])
    }

    @Test func feedAppendsEntriesWrittenLater() throws {
        let dir = try JournalDir("feed")
        try dir.write(Array(Self.mixed[0..<2]), name: "live.journal")
        let result = JournalLoader.load([JournalSpec(location: .directory(dir.path))], follow: true)
        let feed = try #require(result.feeds.first)
        #expect(feed.descriptors.count == 1)
        #expect(feed.deadline == nil)
        let timeline = Timeline(sources: result.sources)
        #expect(feed.pump(into: timeline).isEmpty)
        // journal-remote appends to the existing file, as journald would.
        try dir.write(Array(Self.mixed[2..<6]), name: "live.journal")
        var pfd = pollfd(fd: feed.descriptors[0], events: Int16(POLLIN), revents: 0)
        #expect(poll(&pfd, 1, 5000) == 1)
        let added = feed.pump(into: timeline)
        #expect(added.map { timeline.sources[$0.source].entries.timestamps[$0.entry] } == Self.mixed[2..<6].map { ns($0.realtime) })
        #expect(rows(timeline).map(\.source) == ["backend", "sshd", "wireguard", "wg-quick@wg0", "systemd", "backend"])
        #expect(feed.takeProblems().isEmpty)
    }

    @Test func feedOfAJournalFile() throws {
        let dir = try JournalDir("feedfile")
        let file = try dir.write(Array(Self.mixed[0..<1]), name: "live.journal")
        let result = JournalLoader.load([JournalSpec(location: .files([file]))], follow: true)
        let feed = try #require(result.feeds.first)
        let timeline = Timeline(sources: result.sources)
        try dir.write(Array(Self.mixed[1..<3]), name: "live.journal")
        var pfd = pollfd(fd: feed.descriptors[0], events: Int16(POLLIN), revents: 0)
        let ready = poll(&pfd, 1, Int32(feed.deadline ?? 5000))
        #expect(ready == 1 || feed.deadline != nil)
        let added = feed.pump(into: timeline)
        #expect(added.map { timeline.sources[$0.source].entries.timestamps[$0.entry] } == Self.mixed[1..<3].map { ns($0.realtime) })
    }
}
