import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

// The real binary over files that are awkward on purpose: a 2 MB line, CRLF endings, a last line
// without a newline, an empty file, a binary file, hostile escape sequences, a missing file and
// an unreadable one. Every readable entry must come out, nothing raw may reach the terminal, and
// each failing file gives exactly one line on stderr.
@Suite(.serialized) struct BadInputTests {
    static let big = "2026-01-30 14:02:06 INFO big " + String(repeating: "x", count: 2 << 20) + "\n2026-01-30 14:02:07 INFO after big\n"
    static let hostile: [UInt8] = Array("2026-01-30 14:02:08 INFO hostile ".utf8) + [0x1B] + Array("]0;pwned".utf8) + [0x07, 0x1B]
        + Array("[2J nul".utf8) + [0x00] + Array(" bad".utf8) + [0xE9] + Array(" end\n".utf8)

    /// Writes the fixture files into `dir` and returns their paths by name.
    static func writeFixtures(_ dir: TemporaryDirectory) throws -> [String: String] {
        var files: [String: [UInt8]] = [
            "crlf.log": Array("2026-01-30 14:02:03.123 INFO crlf one\r\n2026-01-30 14:02:04.500 WARN crlf two\r\n".utf8),
            "nonl.log": Array("2026-01-30 14:02:05 ERROR no newline at the end".utf8),
            "empty.log": [],
            "big.log": Array(big.utf8),
            "hostile.log": hostile,
        ]
        // Binary: every byte value, twice, with no timestamp anywhere.
        files["blob.bin"] = (0..<512).map { UInt8($0 % 256) }
        var paths: [String: String] = [:]
        for (name, bytes) in files {
            let path = dir.file(name)
            #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
            paths[name] = path
        }
        return paths
    }

    @Test func everyReadableEntryIsKeptAndTheMissingFileGetsOneLine() throws {
        let dir = try TemporaryDirectory("bad-input")
        defer { dir.remove() }
        let p = try Self.writeFixtures(dir)
        let missing = dir.file("missing.log")
        let run = try Logview.run(
            ["--print", "--output", "json", p["crlf.log"]!, p["nonl.log"]!, p["empty.log"]!, p["big.log"]!,
             p["hostile.log"]!, missing],
            scratch: dir.path)
        #expect(run.status == 1)
        #expect(run.stderr == "logview: \(missing): cannot open \(missing): no such file (check the path, or that the service logs there)\n")
        let entries = try run.entries()
        #expect(entries.map(\.ts) == [
            "2026-01-30T14:02:03.123000000Z", "2026-01-30T14:02:04.500000000Z", "2026-01-30T14:02:05.000000000Z",
            "2026-01-30T14:02:06.000000000Z", "2026-01-30T14:02:07.000000000Z", "2026-01-30T14:02:08.000000000Z",
        ])
        #expect(entries.map(\.source) == ["crlf", "crlf", "nonl", "big", "big", "hostile"])
        #expect(entries.map(\.level) == ["info", "warn", "error", "info", "info", "info"])
        #expect(entries.map { $0.line ?? 0 } == [1, 2, 1, 1, 2, 1])
        #expect(entries.map { $0.lines ?? 0 } == [1, 1, 1, 1, 1, 1])
        // CRs are line terminators, not message text; the unterminated last line is whole.
        #expect(entries[0].message == "INFO crlf one")
        #expect(entries[2].message == "ERROR no newline at the end")
        // The 2 MB line arrives whole.
        #expect(entries[3].message == "INFO big " + String(repeating: "x", count: 2 << 20))
        // Control bytes as JSON escapes; the invalid byte as U+FFFD, so the string is valid JSON.
        #expect(entries[5].message == "INFO hostile \u{1B}]0;pwned\u{07}\u{1B}[2J nul\u{00} bad\u{FFFD} end")
    }

    @Test func textOutputShowsControlBytesAsVisibleEscapes() throws {
        let dir = try TemporaryDirectory("bad-input-text")
        defer { dir.remove() }
        let p = try Self.writeFixtures(dir)
        let run = try Logview.run(["--print", p["hostile.log"]!, p["blob.bin"]!], scratch: dir.path)
        #expect(run.status == 0)
        let out = [UInt8](run.stdout)
        // Nothing but printable text, newlines, tabs and valid UTF-8 (the sanitiser's visible escapes).
        let controls = out.filter { $0 < 0x20 && $0 != 0x0A && $0 != 0x09 }
        #expect(controls.isEmpty)
        #expect(!out.contains(0x7F))
        #expect(String(validatingUTF8: (out + [0]).map { CChar(bitPattern: $0) }) != nil)
        // The source column is as wide as the longest name (`blob.bin`).
        let lines = run.stdoutText.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == #"2026-01-30T14:02:08Z hostile  INFO  INFO hostile \e]0;pwned\a\e[2J nul\0 bad\xe9 end"#)
        // The binary file is kept, as one entry folded from its "lines" (its bytes hold two LFs per 256).
        let json = try Logview.run(["--print", "--output", "json", p["blob.bin"]!], scratch: dir.path).entries()
        #expect(json.count == 1)
        #expect(json.first?.source == "blob.bin")
        #expect(json.first?.lines == 3)
    }

    @Test func anUnreadableFileNamesWhatToDoAndTheOthersStillPrint() throws {
        let dir = try TemporaryDirectory("bad-input-perm")
        defer { dir.remove() }
        let p = try Self.writeFixtures(dir)
        chmod(p["crlf.log"]!, 0o600)
        // root reads any file, so the check runs as `nobody` (root: via runuser; else: as we are).
        let asNobody = getuid() == 0
        let binary = asNobody ? E2EPaths.logviewBinaryForAnyUser : E2EPaths.logviewBinary
        let command = asNobody
            ? ["/usr/sbin/runuser", "-u", "nobody", "--", binary, "--print", p["crlf.log"]!, p["nonl.log"]!]
            : [binary, "--print", p["crlf.log"]!, p["nonl.log"]!]
        if !asNobody { chmod(p["crlf.log"]!, 0o000) }
        let result = try ChildProcess.run(name: "logview-perm", command: command, environment: childEnvironment(["TZ": "UTC"]),
                                          scratch: dir.path, timeout: .seconds(60))
        #expect(result.status == 1)
        #expect(result.stderr == "logview: \(p["crlf.log"]!): cannot open \(p["crlf.log"]!): permission denied (run with sudo, or ask for read access)\n")
        #expect(String(decoding: result.stdout, as: UTF8.self) == "2026-01-30T14:02:05Z nonl ERROR ERROR no newline at the end\n")
    }
}
