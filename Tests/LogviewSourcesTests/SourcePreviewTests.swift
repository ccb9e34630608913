import Foundation
import LogviewCore
import Testing

@testable import LogviewSources

/// The viewer's first screen comes from `SourceLoader.preview`: the newest part of each file.
/// Whatever it shows must be exactly what the full load shows from the same time on.
@Suite struct SourcePreviewTests {
    /// A Spring Boot log of `count` entries 10 ms apart from `start` ms, every 7th with a stack
    /// trace, so tails start inside multi-line entries.
    static func springLog(count: Int, start: Int, step: Int, thread: String) -> String {
        var text = ""
        for i in 0..<count {
            let ms = start + i * step
            let time = String(format: "2026-01-30T14:%02d:%02d.%03dZ", ms / 60000, ms / 1000 % 60, ms % 1000)
            text += "\(time)  INFO 4242 --- [api] [\(thread)] c.e.s.Orders : order \(i) placed rid=r\(i)\n"
            if i % 7 == 0 {
                text += "java.lang.IllegalStateException: retry \(i)\n\tat c.e.s.Orders.place(Orders.java:\(i))\n\tat c.e.s.Api.post(Api.java:12)\n"
            }
        }
        return text
    }

    /// (source name, ns, first line of the text) of every entry of a merged timeline from `index` on.
    static func rows(_ t: Timeline, from first: Int = 0) -> [String] {
        (first..<t.count).map { i in
            let ref = t.order[i]
            let src = t.sources[ref.source]
            let text = src.withBytes(of: ref.entry) { String(decoding: $0, as: UTF8.self) }
            return "\(src.name) \(t.timestamp(ref).nanoseconds) \(text.prefix { $0 != "\n" })"
        }
    }

    @Test func theNewestPartIsExactlyTheFullTimelinesEnd() throws {
        let dir = try TempDir()
        // A dense log (about 1.2 MB) and a sparse one: the dense one's tail sets the cut.
        let dense = try dir.write("dense.log", Self.springLog(count: 12_000, start: 0, step: 10, thread: "exec-1"))
        let sparse = try dir.write("sparse.log", Self.springLog(count: 1_500, start: 5, step: 80, thread: "exec-2"))
        let specs = [SourceSpec(path: dense), SourceSpec(path: sparse)]
        let settings = LoadSettings(defaultZone: .utc)
        let preview = Timeline(sources: SourceLoader.preview(specs, settings: settings, wanted: 500))
        let full = Timeline(sources: SourceLoader.load(specs, settings: settings).sources)
        #expect(preview.sources.map(\.name) == ["dense", "sparse"])
        // The dense tail was 256 KiB (about 2,400 entries): enough, so it did not grow.
        #expect(preview.count > 500 && preview.count < 3_000)
        let shown = Self.rows(preview)
        let all = Self.rows(full)
        #expect(Array(all.suffix(shown.count)) == shown)
        #expect(shown.last == "dense 1769781719990000000 2026-01-30T14:01:59.990Z  INFO 4242 --- [api] [exec-1] c.e.s.Orders : order 11999 placed rid=r11999")
        // The first entry shown is a whole one (its stack trace too), not the end of a cut one.
        let first = preview.order[0]
        let src = preview.sources[first.source]
        let fullIndex = full.sources[first.source]
        let number = src.withBytes(of: first.entry) { String(decoding: $0, as: UTF8.self) }
        let same = (0..<fullIndex.entries.count).first { fullIndex.withBytes(of: $0) { String(decoding: $0, as: UTF8.self) } == number }
        #expect(same != nil)
        #expect(src.entries.lineCounts[first.entry] == fullIndex.entries.lineCounts[try #require(same)])
    }

    @Test func tailsGrowUntilEnoughEntriesAreComplete() throws {
        let dir = try TempDir()
        // Long entries: 256 KiB holds fewer than `wanted`, so the tail grows (x4) to hold them.
        var text = ""
        for i in 0..<3_000 {
            let s = i
            text += String(format: "2026-01-30T14:%02d:%02d.000Z  INFO 4242 --- [api] [exec-1] c.e.s.Orders : ", s / 60 % 60, s % 60)
            text += "payload \(i) " + String(repeating: "x", count: 400) + "\n"
        }
        let path = try dir.write("long.log", text)
        let preview = SourceLoader.preview([SourceSpec(path: path)], settings: LoadSettings(defaultZone: .utc), wanted: 1_000)
        let entries = try #require(preview.first).entries
        #expect(entries.count >= 1_000 && entries.count < 3_000)
        #expect(entries.timestamps.last == Timestamp(seconds: 1_769_781_600 + 2_999).nanoseconds)
    }

    @Test func smallFilesAreShownWholeAndCompressedOrMissingOnesAreLeftToTheFullLoad() throws {
        let dir = try TempDir()
        let small = try dir.write("small.log", Self.springLog(count: 20, start: 0, step: 10, thread: "exec-1"))
        let gz = dir.path + "/old.log.gz"
        try Data([0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0, 3]).write(to: URL(fileURLWithPath: gz))
        let specs = [SourceSpec(path: small), SourceSpec(path: gz), SourceSpec(path: dir.path + "/missing.log")]
        let preview = Timeline(sources: SourceLoader.preview(specs, settings: LoadSettings(defaultZone: .utc)))
        let full = Timeline(sources: SourceLoader.load([SourceSpec(path: small)], settings: LoadSettings(defaultZone: .utc)).sources)
        #expect(preview.sources.map(\.name) == ["small"])
        #expect(Self.rows(preview) == Self.rows(full))
        #expect(preview.count == 20)
    }
}
