import Foundation
import LogviewCore
import Testing
import TestSupport

@testable import LogviewSources

/// How Loki entries become sources: names from labels or a config source's fixed name, and each
/// line read by the format of its own stream.
@Suite struct LokiSourceAssemblerTests {
    /// The recorded answer for one request id across nginx, backend and postgresql, assembled
    /// under `fixedName` (a config source) or by job.
    static func load(fixedName: String?) throws -> Timeline {
        let batch = try LokiFixtures.bytes("query_range_request_id_forward.json").withUnsafeBytes { b throws(LokiWire.DecodeError) in
            try LokiWire.decodeQueryRange(b)
        }
        let timeline = Timeline(sources: [])
        let assembler = LokiSourceAssembler(server: "loki", fixedName: fixedName, settings: LoadSettings(defaultZone: .utc))
        assembler.add(batch, fresh: batch.timeOrder(), to: timeline)
        return timeline
    }

    /// Each entry's JSON object, without its source name.
    static func printed(_ timeline: Timeline) throws -> [[String: Any]] {
        let writer = EntryWriter(timeline: timeline, style: .json, zone: .utc)
        return try timeline.order.map { ref in
            var out: [UInt8] = []
            writer.write(ref, to: &out)
            var object = try #require(try JSONSerialization.jsonObject(with: Data(out)) as? [String: Any])
            object["source"] = nil
            return object
        }
    }

    @Test func aSourceSpanningSeveralJobsReadsEachJobsLinesByThatJobsFormat() throws {
        let byJob = try Self.load(fixedName: nil)
        let remote = try Self.load(fixedName: "remote")
        #expect(byJob.sources.map(\.formatName) == ["nginx-access", "spring-boot", "postgresql"])
        #expect(remote.sources.map(\.name) == ["remote"])
        #expect(remote.sources.map(\.formatName) == ["nginx-access+spring-boot+postgresql"])

        let entries = try Self.printed(remote)
        #expect(entries.map { $0["level"] as? String } == ["error", "info", "info", "info", "error"])
        #expect(entries.map { ($0["fields"] as? [String: String])?["job"] } == ["nginx", "backend", "backend", "postgresql", "backend"])
        #expect(entries.map { ($0["request_ids"] as? [String])?.contains("68b9b89e487c92d1c53be9b3d4ce44e5") } == [true, true, true, true, true])
        #expect(entries.map { String(($0["message"] as? String ?? "").prefix(32)) } == [
            #"198.51.100.226 - - [30/Jan/2026:"#, "INFO 50717 --- [api] [http-nio-8", "INFO 50717 --- [api] [http-nio-8",
            "[50341] ai@appdb LOG:  duration:", "ERROR 50717 --- [api] [http-nio-",
        ])
        // Field for field, what one source spanning the jobs shows is what a source per job shows.
        let perJob = try Self.printed(byJob)
        #expect(entries.count == perJob.count)
        for (a, b) in zip(entries, perJob) { #expect(NSDictionary(dictionary: a).isEqual(to: b)) }
    }

    @Test func aForcedFormatOfTheConfigSourceWinsOverDetection() throws {
        let batch = try LokiFixtures.bytes("query_range_request_id_forward.json").withUnsafeBytes { b throws(LokiWire.DecodeError) in
            try LokiWire.decodeQueryRange(b)
        }
        var settings = LoadSettings(defaultZone: .utc)
        settings.formats["remote"] = "generic"
        let timeline = Timeline(sources: [])
        LokiSourceAssembler(server: "loki", fixedName: "remote", settings: settings).add(batch, fresh: batch.timeOrder(), to: timeline)
        #expect(timeline.sources.map(\.formatName) == ["generic"])
    }
}
