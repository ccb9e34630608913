import LogviewCore
import Testing
import TestSupport

@testable import LogviewSources

#if canImport(Glibc)
import Glibc
#endif

/// A real systemd-journal-gatewayd on 127.0.0.1 serving real journal files made by
/// systemd-journal-remote from export files these tests write.
@Suite(.serialized, .enabled(if: GatewaydServer.isAvailable, "systemd-journal-gatewayd and systemd-journal-remote are needed (package systemd-journal-remote)"))
struct GatewaydClientTests {
    static func entry(_ usec: Int64, unit: String?, identifier: String, priority: Int, message: [UInt8]) -> [(String, [UInt8])] {
        var e: [(String, [UInt8])] = [
            ("__REALTIME_TIMESTAMP", Array(String(usec).utf8)), ("__MONOTONIC_TIMESTAMP", Array(String(usec - 1_769_740_000_000_000).utf8)),
            ("_BOOT_ID", Array("0123456789abcdef0123456789abcdef".utf8)), ("_HOSTNAME", Array("app1".utf8)),
            ("SYSLOG_IDENTIFIER", Array(identifier.utf8)), ("PRIORITY", Array(String(priority).utf8)), ("MESSAGE", message),
        ]
        if let unit { e.append(("_SYSTEMD_UNIT", Array(unit.utf8))) }
        return e
    }

    static let firstEntries: [[(String, [UInt8])]] = [
        entry(1_769_749_232_013_000, unit: "backend.service", identifier: "backend", priority: 6,
              message: Array("request started [requestId=68b9b89e487c92d1c53be9b3d4ce44e5] POST /api/assist".utf8)),
        entry(1_769_749_232_814_000, unit: "backend.service", identifier: "backend", priority: 3,
              message: Array("upstream failed [requestId=68b9b89e487c92d1c53be9b3d4ce44e5]\n\tat Assist.call(Assist.java:42)".utf8)),
        entry(1_769_749_233_000_000, unit: nil, identifier: "kernel", priority: 4, message: [0x62, 0x69, 0x6E, 0x1B, 0x5B, 0x33, 0x31, 0x6D, 0xFF]),
    ]

    func withServer(_ body: (TemporaryJournalDirectory, GatewaydServer) throws -> Void) throws {
        let dir = try TemporaryJournalDirectory()
        defer { dir.remove() }
        try GatewaydServer.makeJournal(Self.firstEntries, exportPath: dir.path + "/first.export", journalPath: dir.path + "/journal/first.journal")
        let server = try GatewaydServer(directory: dir.path + "/journal")
        defer { server.stop() }
        try body(dir, server)
    }

    @Test func entriesBecomeSourcesWithCursorAndFields() throws {
        try withServer { _, server in
            let client = try GatewaydClient(url: server.url, settings: quickSettings())
            let records = try client.entries()
            #expect(records.map(\.timestamp) == [1_769_749_232_013_000_000, 1_769_749_232_814_000_000, 1_769_749_233_000_000_000])
            #expect(records.map(\.sourceName) == ["backend.service", "backend.service", "kernel"])
            #expect(records[2].message == [0x62, 0x69, 0x6E, 0x1B, 0x5B, 0x33, 0x31, 0x6D, 0xFF])
            #expect(records.allSatisfy { $0.cursor.hasPrefix("s=") })

            let timeline = Timeline(sources: [])
            GatewaydSourceAssembler(server: client.server, settings: LoadSettings(defaultZone: .utc)).add(records, to: timeline)
            #expect(timeline.sources.map(\.name) == ["backend.service", "kernel"])
            var q = Query()
            q.requestIDs = ["68b9b89e487c92d1c53be9b3d4ce44e5"]
            #expect(timeline.select(q).count == 2)
            let writer = EntryWriter(timeline: timeline, style: .json, zone: .utc)
            var out: [UInt8] = []
            for ref in timeline.order { writer.write(ref, to: &out) }
            let lines = String(decoding: out, as: UTF8.self).split(separator: "\n").map(String.init)
            #expect(lines.count == 3)
            #expect(lines[1].hasPrefix(#"{"ts":"2026-01-30T05:00:32.814000000Z","source":"backend.service","level":"error""#))
            #expect(lines[1].contains(#""message":"upstream failed [requestId=68b9b89e487c92d1c53be9b3d4ce44e5]\n\tat Assist.call(Assist.java:42)""#))
            #expect(lines[1].contains(#","cursor":"\#(records[1].cursor)","fields":{"#))
            #expect(lines[1].contains(#""_SYSTEMD_UNIT":"backend.service""#))
            #expect(lines[1].hasSuffix(#","lines":2}"#))
            // Binary MESSAGE: the escape byte and the invalid byte never reach the output raw.
            #expect(lines[2].contains("\"message\":\"bin\\u001b[31m\u{FFFD}\""))
            var text: [UInt8] = []
            EntryWriter(timeline: timeline, style: .text, zone: .utc).write(timeline.order[2], to: &text)
            #expect(!text.contains(0x1B))
        }
    }

    @Test func fieldMatchesInTheURLFilterOnTheServer() throws {
        try withServer { _, server in
            let client = try GatewaydClient(url: server.url + "?_SYSTEMD_UNIT=backend.service", settings: quickSettings())
            #expect(try client.entries().map(\.sourceName) == ["backend.service", "backend.service"])
        }
    }

    @Test func followPicksUpANewJournalFileWithoutRepeatingOrSkipping() throws {
        try withServer { dir, server in
            let client = try GatewaydClient(url: server.url, settings: quickSettings())
            let history = try client.entries()
            let timeline = Timeline(sources: [])
            let assembler = GatewaydSourceAssembler(server: client.server, settings: LoadSettings(defaultZone: .utc))
            assembler.add(history, to: timeline)
            let feed = try GatewaydFeed(client: client, assembler: assembler, after: history.last?.cursor)
            try GatewaydServer.makeJournal(
                [Self.entry(1_769_749_240_000_000, unit: "backend.service", identifier: "backend", priority: 6, message: Array("later entry".utf8))],
                exportPath: dir.path + "/second.export", journalPath: dir.path + "/journal/second.journal")
            var added: [EntryRef] = []
            for _ in 0..<200 where added.isEmpty {
                var p = pollfd(fd: feed.descriptors[0], events: Int16(POLLIN), revents: 0)
                _ = poll(&p, 1, 100)
                added += feed.pump(into: timeline)
            }
            #expect(added.count == 1)
            #expect(timeline.count == 4)
            #expect(timeline.times.last == 1_769_749_240_000_000_000)
            #expect(feed.takeProblems() == [])
        }
    }

    @Test func aStoppedServerIsReportedAndReconnectResumesFromTheCursor() throws {
        let dir = try TemporaryJournalDirectory()
        defer { dir.remove() }
        try GatewaydServer.makeJournal(Self.firstEntries, exportPath: dir.path + "/first.export", journalPath: dir.path + "/journal/first.journal")
        let server = try GatewaydServer(directory: dir.path + "/journal")
        let client = try GatewaydClient(url: server.url, settings: quickSettings())
        let timeline = Timeline(sources: [])
        let assembler = GatewaydSourceAssembler(server: client.server, settings: LoadSettings(defaultZone: .utc))
        let feed = try GatewaydFeed(client: client, assembler: assembler, after: nil)
        var added: [EntryRef] = []
        for _ in 0..<100 where added.count < 3 {
            var p = pollfd(fd: feed.descriptors[0], events: Int16(POLLIN), revents: 0)
            _ = poll(&p, 1, 100)
            added += feed.pump(into: timeline)
        }
        #expect(added.count == 3)
        server.stop()
        var problems: [String] = []
        for _ in 0..<100 where problems.isEmpty {
            var p = pollfd(fd: feed.descriptors[0], events: Int16(POLLIN), revents: 0)
            _ = poll(&p, 1, 100)
            _ = feed.pump(into: timeline)
            problems += feed.takeProblems()
        }
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix(server.url) == true)
        #expect(feed.deadline != nil)
        #expect(feed.lastCursor?.contains(";i=3;") == true)
    }
}

/// A scratch directory with a `journal/` folder inside.
struct TemporaryJournalDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/logview-gatewayd-XXXXXX".utf8CString)
        guard let p = mkdtemp(&template) else { throw ReplayServer.ServerError(message: "mkdtemp failed") }
        path = String(cString: p)
        mkdir(path + "/journal", 0o755)
    }

    func remove() {
        let pid = try? Spawn.run("/bin/rm", ["/bin/rm", "-rf", path], environment: [], fd3: nil, quiet: true)
        if let pid {
            var s: Int32 = 0
            waitpid(pid, &s, 0)
        }
    }
}
