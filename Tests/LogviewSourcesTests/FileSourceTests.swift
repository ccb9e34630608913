import Foundation
import LogviewCore
import LogviewSources
import Testing

@Suite struct RotatedFileSetTests {
    @Test func groupsRotationsOldestFirst() {
        let sets = RotatedFileSet.group([
            "/v/access.log", "/v/access.log.1", "/v/access.log.10.gz", "/v/access.log.2.gz", "/v/error.log",
            "/v/error.log.1", "/v/syslog-20260129.gz", "/v/syslog-20260130", "/v/syslog",
        ])
        #expect(sets == [
            RotatedFileSet(base: "/v/access.log", paths: ["/v/access.log.10.gz", "/v/access.log.2.gz", "/v/access.log.1", "/v/access.log"]),
            RotatedFileSet(base: "/v/error.log", paths: ["/v/error.log.1", "/v/error.log"]),
            RotatedFileSet(base: "/v/syslog", paths: ["/v/syslog-20260129.gz", "/v/syslog-20260130", "/v/syslog"]),
        ])
    }
}

@Suite struct SourceSpecTests {
    @Test func namesAndPaths() {
        #expect(SourceSpec(parsing: "nginx=/var/log/nginx/access.log") == SourceSpec(name: "nginx", path: "/var/log/nginx/access.log"))
        #expect(SourceSpec(parsing: "/var/log/a=b.log") == SourceSpec(name: nil, path: "/var/log/a=b.log"))
        #expect(SourceSpec(parsing: "access.log") == SourceSpec(name: nil, path: "access.log"))
        #expect(SourceSpec(parsing: "=x") == SourceSpec(name: nil, path: "=x"))
    }
}

/// Temporary directory removed after the test.
final class TempDir {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "logview-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    func write(_ name: String, _ text: String) throws -> String {
        let p = path + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: p))
        return p
    }
    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let p = path + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }
}

@Suite struct FileReaderTests {
    @Test func readsWholeFilesAndReportsMissingOnes() throws {
        let dir = try TempDir()
        let big = String(repeating: "0123456789abcdef\n", count: 200_000)  // 3.4 MB: several reads
        let p = try dir.write("big.log", big)
        let (data, modified) = try FileReader.read(p)
        #expect(data.count == big.utf8.count)
        #expect(Array(data.prefix(17)) == Array("0123456789abcdef\n".utf8))
        #expect(modified.nanoseconds > 0)
        #expect(throws: FileReader.Error.notFound(dir.path + "/missing.log")) { try FileReader.read(dir.path + "/missing.log") }
        #expect(throws: FileReader.Error.isDirectory(dir.path)) { try FileReader.read(dir.path) }
    }

    @Test func permissionErrorNamesTheGroupToJoin() {
        let e = FileReader.Error.permissionDenied("/var/log/nginx/access.log", group: "adm")
        #expect(e.description == "cannot open /var/log/nginx/access.log: permission denied (its group is 'adm': add yourself with 'sudo usermod -aG adm $USER' and log in again, or run with sudo)")
    }

    @Test func readingNeverChangesTheFile() throws {
        let dir = try TempDir()
        let p = try dir.write("a.log", "@1 INFO x\n")
        let before = try FileManager.default.attributesOfItem(atPath: p)
        _ = try FileReader.read(p)
        let after = try FileManager.default.attributesOfItem(atPath: p)
        #expect(before[.modificationDate] as? Date == after[.modificationDate] as? Date)
        #expect(before[.size] as? Int == after[.size] as? Int)
    }
}

@Suite struct SourceLoaderTests {
    @Test func directoriesGlobsAndMissingFiles() throws {
        let dir = try TempDir()
        _ = try dir.write("app.log.1", "line one\n")
        _ = try dir.write("app.log", "line two\n")
        _ = try dir.write("other.log", "x\n")
        let settings = LoadSettings(defaultZone: .utc)
        let fromDir = SourceLoader.load([SourceSpec(path: dir.path)], settings: settings)
        #expect(fromDir.problems.isEmpty)
        #expect(fromDir.sources.map(\.name).sorted() == ["app", "other"])
        let app = fromDir.sources.first { $0.name == "app" }!
        #expect(app.segments.map(\.path) == [dir.path + "/app.log.1", dir.path + "/app.log"])
        let glob = SourceLoader.load([SourceSpec(name: "mine", path: dir.path + "/app.log*")], settings: settings)
        #expect(glob.sources.count == 1 && glob.sources[0].name == "mine" && glob.sources[0].segments.count == 2)
        let missing = SourceLoader.load(
            [SourceSpec(name: "gone", path: dir.path + "/nope.log"), SourceSpec(path: dir.path + "/other.log")],
            settings: settings)
        #expect(missing.sources.map(\.name) == ["other"])
        #expect(missing.problems.map(\.description) == ["gone: cannot open \(dir.path)/nope.log: no such file (check the path, or that the service logs there)"])
        let noMatch = SourceLoader.load([SourceSpec(path: dir.path + "/*.nothing")], settings: settings)
        #expect(noMatch.problems.map(\.message) == ["no file matches \(dir.path)/*.nothing"])
    }

    @Test func plainFilesStayOnDiskAndCompressedOnesAreDecompressedIntoMemory() throws {
        let dir = try TempDir()
        _ = try dir.write("app.log.1", "line one\nline two\n")
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: FileManager.default.isExecutableFile(atPath: "/bin/gzip") ? "/bin/gzip" : "/usr/bin/gzip")
        gzip.arguments = [dir.path + "/app.log.1"]
        try gzip.run()
        gzip.waitUntilExit()
        #expect(gzip.terminationStatus == 0)
        _ = try dir.write("app.log", "line three\n")
        let loaded = SourceLoader.load([SourceSpec(path: dir.path + "/app.log*")], settings: LoadSettings(defaultZone: .utc))
        #expect(loaded.problems.isEmpty)
        let app = try #require(loaded.sources.first)
        #expect(app.segments.map(\.path) == [dir.path + "/app.log.1.gz", dir.path + "/app.log"])
        #expect(app.segments.map(\.data.isFileBacked) == [false, true])
        #expect((0..<app.entries.count).map { i in app.withBytes(of: i) { String(decoding: $0, as: UTF8.self) } }
            == ["line one\nline two", "line three"])
        #expect(app.newlineCount(inSegment: 1) == 1)
    }
}
