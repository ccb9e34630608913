import Foundation
import LogviewCore
@testable import LogviewSources
import Testing

/// Configuration readers against garbage: they report, never crash, never loop.
@Suite struct DiscoveryHostileInputTests {
    /// nginx conf files held in memory.
    struct MemoryFiles: NginxConfReader.Files {
        var files: [String: [UInt8]]
        func read(_ path: String) -> Result<[UInt8], DiscoveryRoot.ReadProblem> {
            files[path].map { .success($0) } ?? .failure(.init(description: "no such file"))
        }
        func expand(_ pattern: String) -> [String] { files.keys.filter { fnmatch(pattern, $0, 0) == 0 }.sorted() }
    }

    /// Deterministic bytes biased towards nginx.conf syntax, so quotes, braces and includes occur.
    static func garbage(seed: UInt64, count: Int) -> [UInt8] {
        var x = seed | 1
        let alphabet = Array("'\"{};#\\\n $ include access_log log_format error_log /etc/nginx/*.conf \u{0}\u{1B}\u{FF}".utf8)
        return (0..<count).map { _ in
            x ^= x << 13
            x ^= x >> 7
            x ^= x << 17
            return x % 5 == 0 ? UInt8(truncatingIfNeeded: x >> 8) : alphabet[Int(x >> 16) % alphabet.count]
        }
    }

    @Test func nginxReaderSurvivesGarbage() {
        for seed in 1...300 as ClosedRange<UInt64> {
            let files = MemoryFiles(files: [
                "/etc/nginx/nginx.conf": Self.garbage(seed: seed, count: 600),
                "/etc/nginx/a.conf": Self.garbage(seed: seed &* 31, count: 300),
            ])
            let result = NginxConfReader.read("/etc/nginx/nginx.conf", files: files)
            #expect(result.filesRead.first == "/etc/nginx/nginx.conf")
            #expect(result.filesRead.count <= NginxConfReader.maximumFiles)
        }
    }

    @Test func nginxIncludeFanOutIsBounded() {
        // Every file includes every file: a loop in each step, and a lot of them.
        var files: [String: [UInt8]] = ["/etc/nginx/nginx.conf": Array("include /etc/nginx/*.conf;\n".utf8)]
        for i in 0..<20 { files["/etc/nginx/f\(i).conf"] = Array("include /etc/nginx/*.conf;\naccess_log /l\(i);\n".utf8) }
        let result = NginxConfReader.read("/etc/nginx/nginx.conf", files: MemoryFiles(files: files))
        #expect(result.filesRead.count == NginxConfReader.maximumFiles)
        #expect(Set(result.accessLogs.map(\.path)).count == 20)
    }

    @Test func postgresIncludeLoopAndGarbageAreReported() throws {
        let f = try DiscoveryFixture()
        try f.write("/etc/postgresql/15/main/postgresql.conf", "include 'postgresql.conf'\nlog_line_prefix = '%m '\n")
        try f.write("/etc/postgresql/15/main/conf.d/x.conf", bytes: Self.garbage(seed: 7, count: 2000))
        let result = PostgresConfReader.read("/etc/postgresql/15/main/postgresql.conf", root: DiscoveryRoot(f.path))
        #expect(result.problems == [SkippedItem(
            what: "/etc/postgresql/15/main/postgresql.conf",
            reason: "include loop (included from /etc/postgresql/15/main/postgresql.conf:1): already being read, skipped")])
        #expect(result.value("log_line_prefix") == "%m ")
        for seed in 1...200 as ClosedRange<UInt64> {
            try f.write("/etc/postgresql/15/main/postgresql.conf", bytes: Self.garbage(seed: seed, count: 400))
            let r = PostgresConfReader.read("/etc/postgresql/15/main/postgresql.conf", root: DiscoveryRoot(f.path))
            #expect(r.filesRead.first == "/etc/postgresql/15/main/postgresql.conf")
        }
    }
}
