import Foundation
import LogviewCore
import LogviewSources
import Testing

@Suite struct DemoCorpusTests {
    static func load() throws -> (DemoCorpus.Written, SourceLoader.Result) {
        let demo = try DemoCorpus.write()
        var settings = LoadSettings(defaultZone: DemoCorpus.zone)
        settings.nginxLogFormat = DemoCorpus.nginxLogFormat
        return (demo, SourceLoader.load(demo.specs, settings: settings))
    }

    @Test func everySourceReadsInItsFormat() throws {
        let (demo, loaded) = try Self.load()
        DemoCorpus.remove(demo)
        #expect(loaded.problems == [])
        #expect(loaded.sources.map(\.name) == ["nginx", "nginx-error", "backend", "ai", "postgresql", "syslog"])
        #expect(loaded.sources.map(\.formatName) == ["nginx-access", "nginx-error", "spring-boot", "python", "postgresql", "syslog"])
        #expect(loaded.sources.map(\.entries.count) == [58, 4, 14, 16, 33, 13])
        // The first entry of each: 2026-01-30 14:02:00 KST is 05:02:00 UTC (1_769_749_320 s).
        #expect(loaded.sources.map { $0.entries.timestamps.first } == [
            1_769_749_320_000_000_000, 1_769_749_370_000_000_000, 1_769_749_320_002_000_000,
            1_769_749_324_703_000_000, 1_769_749_320_005_000_000, 1_769_749_340_000_000_000,
        ])
    }

    @Test func oneRequestCrossesNginxBackendAIAndPostgres() throws {
        let (demo, loaded) = try Self.load()
        DemoCorpus.remove(demo)
        let timeline = Timeline(sources: loaded.sources)
        var q = Query()
        q.requestIDs = ["8ea6a2abb41a252eda969ae44c7b8ed1"]
        let names = timeline.select(q).map { timeline.sources[$0.source].name }
        // The AI timeout: nginx, the backend, the AI call, its SQL (and the session's COMMIT), the
        // AI traceback and the backend's warning.
        #expect(names == ["nginx", "backend", "ai", "postgresql", "postgresql", "ai", "backend"])
    }

    @Test func contentIsDeterministicAndRemovedAfterwards() throws {
        let first = try DemoCorpus.write()
        let second = try DemoCorpus.write()
        #expect(first.directory != second.directory)
        for name in ["access.log", "error.log", "backend.log", "ai.log", "postgresql.log", "syslog"] {
            let a = FileManager.default.contents(atPath: first.directory + "/" + name)
            let b = FileManager.default.contents(atPath: second.directory + "/" + name)
            #expect(a != nil && a == b, "\(name) differs between runs")
        }
        DemoCorpus.remove(first)
        DemoCorpus.remove(second)
        #expect(!FileManager.default.fileExists(atPath: first.directory))
        #expect(!FileManager.default.fileExists(atPath: second.directory))
    }
}
