import Foundation
import LogviewCore
import Testing

@testable import LogviewSources

/// The request prescan: one scan of every file for all ids, on several threads, and the spans of
/// time read around the lines that hold them.
@Suite struct RequestSpansTests {
    /// Ids in pieces and blocks far smaller than the files: at a block's or a piece's edge, across
    /// one, in the last bytes of a file, and in a file that holds none.
    @Test func aScanFindsTheFirstAndLastOccurrenceInEveryFileAcrossPiecesAndBlocks() throws {
        let dir = try TempDir()
        func file(_ name: String, _ ids: [(Int, String)], size: Int) throws -> SegmentBytes {
            var bytes = [UInt8](repeating: UInt8(ascii: "c"), count: size)
            for i in stride(from: 0, to: size, by: 3) { bytes[i] = UInt8(ascii: "1") }
            for (at, id) in ids { bytes.replaceSubrange(at..<(at + id.utf8.count), with: Array(id.utf8)) }
            return try FileReader.open(dir.write(name, bytes: bytes)).0
        }
        let files = [
            // Piece edges at 100, 200, ...; block edges every 16 bytes inside a piece.
            try file("a.log", [(95, "c0ffee12"), (250, "c0ffee12"), (612, "dead")], size: 700),
            try file("b.log", [(0, "dead"), (15, "dead")], size: 64),
            try file("c.log", [], size: 333),
            try file("d.log", [(395, "c0ffee12")], size: 403),
        ]
        let needles = [Array("c0ffee12".utf8), Array("dead".utf8), Array("absent".utf8)]
        for threads in [1, 2, 3] {
            let hits = SourceLoader.idHits(in: files, needles, threads: threads, piece: 100, block: 16).hits(of: [0, 1, 2])
            #expect(hits == [
                IDHits(first: 95, last: 612, needles: [0, 1]),
                IDHits(first: 0, last: 15, needles: [1]),
                nil,
                IDHits(first: 395, last: 395, needles: [0]),
            ], "\(threads) threads")
        }
        // The default pieces and blocks find the same.
        #expect(SourceLoader.idHits(in: files, needles, threads: 2).hits(of: [0, 1, 2])[0] == IDHits(first: 95, last: 612, needles: [0, 1]))
    }

    /// Newlines counted during the scan number a part of the file as reading it from the start does.
    @Test func newlinesCountedDuringTheScanGiveTheLineNumberOfEveryOffset() throws {
        let dir = try TempDir()
        let text = (0..<120).map { "line \($0)" + String(repeating: "x", count: $0 % 13) }.joined(separator: "\n") + "\n"
        let data = try FileReader.open(dir.write("n.log", text)).0
        let needles = [Array("nowhere".utf8)]
        for threads in [1, 2] {
            let scan = SourceLoader.idHits(in: [data], needles, threads: threads, countingNewlines: true, piece: 100, block: 16)
            #expect(scan.hits(of: [0]) == [nil])
            let index = try #require(scan.newlines.first)
            let lines = (0...text.utf8.count).map { index.newlines(before: $0, in: data) }
            #expect(lines == (0...text.utf8.count).map { data.newlines(before: $0) })
            #expect(lines.last == 120)
        }
        // Another size (the file grew or was replaced since): counted from the file itself.
        let other = try FileReader.open(dir.write("m.log", "a\nb\n")).0
        let index = SourceLoader.idHits(in: [data], needles, threads: 1, countingNewlines: true, piece: 100).newlines[0]
        #expect(index.newlines(before: 4, in: other) == 2)
    }

    /// The ids of a line that holds an asked id are picked up during the scan, and found in the
    /// whole files: in pieces taken after they were picked up and, by a second pass, before.
    @Test func idsOnTheLinesOfAnAskedIDArePickedUpAndFoundEverywhere() throws {
        let dir = try TempDir()
        // "T" appears at 10 and 300 (before the line that names it is read), on that line (512),
        // and at 900; lines are 32 bytes, pieces 128, so the pieces are taken in that order.
        func line(_ text: String) -> String { text.padding(toLength: 31, withPad: ".", startingAt: 0) + "\n" }
        var lines = [String](repeating: line("plain"), count: 32)
        lines[0] = line("x trace=TTT9")
        lines[9] = line("y trace=TTT9")
        lines[16] = line("rid=R1 trace=TTT9")
        lines[28] = line("z trace=TTT9")
        let data = try FileReader.open(dir.write("a.log", lines.joined())).0
        let linked: @Sendable (Int, UnsafeRawBufferPointer) -> [[UInt8]] = { file, line in
            #expect(file == 0)
            #expect(String(decoding: line, as: UTF8.self) == "rid=R1 trace=TTT9..............")
            return [Array("TTT9".utf8), Array("rid=R1".utf8)]
        }
        for threads in [1, 2] {
            let scan = SourceLoader.idHits(in: [data], [Array("rid=R1".utf8)], threads: threads, linked: linked, piece: 128, block: 64)
            #expect(scan.needles == [Array("rid=R1".utf8), Array("TTT9".utf8)])
            #expect(scan.hits(of: [1]) == [IDHits(first: 8, last: 904, needles: [1])], "\(threads) threads")
            #expect(scan.hits(of: [0]) == [IDHits(first: 512, last: 512, needles: [0])])
        }
    }

    @Test func theLineAroundAHitIsWholeOrNothing() {
        let text = Array("ab\ncd hit ef\r\ngh".utf8)
        text.withUnsafeBytes { bytes in
            #expect(SourceLoader.line(around: 6, in: bytes, atLineStart: false).map { Array($0) } == Array("cd hit ef".utf8))
            // The first line is whole only when the bytes start a line; the last has no newline.
            #expect(SourceLoader.line(around: 1, in: bytes, atLineStart: false) == nil)
            #expect(SourceLoader.line(around: 1, in: bytes, atLineStart: true).map { Array($0) } == Array("ab".utf8))
            #expect(SourceLoader.line(around: 16, in: bytes, atLineStart: true) == nil)
        }
    }

    @Test func spansThatOverlapOrTouchAreJoined() {
        #expect(SourceLoader.merged([50...60, 1...10, 11...20, 15...18, 40...45, 44...52]) == [1...20, 40...60])
        #expect(SourceLoader.merged([5...5]) == [5...5])
        // A span open to the end of time (a hit after the file's last entry start) takes in all later ones.
        #expect(SourceLoader.merged([9...Int64.max, 20...30, 1...2]) == [1...2, 9...Int64.max])
        #expect(SourceLoader.merged([]) == [])
    }

    /// A request logged by two sources whose clocks (or zones) are nine hours apart: each file
    /// reads only the part around its own lines, not the nine hours between them.
    @Test func aRequestInSourcesHoursApartReadsAPartOfEach() throws {
        let dir = try TempDir()
        // 12,000 entries 100 ms apart from 14:00 (about 1.2 MB); the worker's from 23:00.
        let app = SourcePreviewTests.springLog(count: 12_000, start: 0, step: 100, thread: "exec-1")
            .replacingOccurrences(of: "order 1000 placed rid=r1000\n", with: "order 1000 placed rid=rX\n")
        let worker = SourcePreviewTests.springLog(count: 12_000, start: 0, step: 100, thread: "worker-1")
            .replacingOccurrences(of: "T14:", with: "T23:")
            .replacingOccurrences(of: "order 11000 placed rid=r11000\n", with: "charged rid=rX\n")
        let specs = [SourceSpec(path: try dir.write("app.log", app)), SourceSpec(path: try dir.write("worker.log", worker))]
        let jobs = SourceLoader.jobs(for: specs).0
        var settings = LoadSettings(defaultZone: .utc)
        let spans = try #require(SourceLoader.requestSpans(jobs, ids: ["rX"], settings: settings)?.spans)
        let t1000: Int64 = 1_769_781_700_000_000_000  // 14:01:40 UTC
        let t11000 = t1000 + 9 * 3_600_000_000_000 + 1_000_000_000_000  // 23:18:20
        #expect(spans.count == 2)
        #expect(spans[0].contains(t1000 - 30_000_000_000) && spans[0].contains(t1000 + 30_000_000_000))
        #expect(spans[1].contains(t11000 - 30_000_000_000) && spans[1].contains(t11000 + 30_000_000_000))
        #expect(spans.allSatisfy { $0.upperBound - $0.lowerBound < 240_000_000_000 })
        var query = Query()
        query.requestIDs = ["rX"]
        func request(_ t: Timeline) -> [String] { TargetedLoadTests.rows(t, query) }
        let full = Timeline(sources: SourceLoader.load(specs, settings: settings).sources)
        settings.requestIDPrescan = query.requestIDs
        let (loaded, targeted) = SourceLoader.loadRequest(specs, settings: settings)
        #expect(request(full) == ["app:1430", "worker:15717"])
        #expect(request(targeted) == request(full))
        let read = loaded.sources.reduce(0) { $0 + $1.segments.reduce(0) { $0 + $1.data.count } }
        #expect(read < (app.utf8.count + worker.utf8.count) / 4, "\(read) bytes read: not a part of each file")
    }
}
