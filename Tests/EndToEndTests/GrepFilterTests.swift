import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

// `--grep` and `--exclude` through the real binary: small nginx and Spring Boot files, and the
// exact entries (file, line) each regular expression must leave.
@Suite struct GrepFilterTests {
    static let access = """
        10.0.0.1 - - [30/Jan/2026:14:00:00 +0000] "GET /api/users/42 HTTP/1.1" 200 512 "-" "curl/8.0"
        10.0.0.2 - - [30/Jan/2026:14:00:01 +0000] "POST /api/orders HTTP/1.1" 201 64 "-" "curl/8.0"
        10.0.0.3 - - [30/Jan/2026:14:00:02 +0000] "GET /api/users/7/preferences HTTP/1.1" 404 0 "-" "Mozilla/5.0"
        10.0.0.1 - - [30/Jan/2026:14:00:03 +0000] "GET /api/users/1234 HTTP/1.1" 502 157 "-" "curl/8.0"
        10.0.0.4 - - [30/Jan/2026:14:00:04 +0000] "GET /health HTTP/1.1" 200 2 "-" "kube-probe/1.29"

        """

    static let backend = """
        2026-01-30T14:00:00.500Z  INFO 4242 --- [api] [http-nio-8080-exec-1] c.e.shop.UserService   : Loading user 42
        2026-01-30T14:00:01.500Z ERROR 4242 --- [api] [http-nio-8080-exec-2] c.e.shop.OrderService  : Failed to save order 7
        java.lang.IllegalStateException: duplicate key value
        \tat c.e.shop.OrderService.save(OrderService.java:88)
        2026-01-30T14:00:02.500Z  WARN 4242 --- [api] [http-nio-8080-exec-3] c.e.shop.OrderService  : Slow query took 1200ms
        2026-01-30T14:00:03.500Z  INFO 4242 --- [api] [http-nio-8080-exec-4] c.e.shop.UserService   : Caf\u{e9} menu for user 1234

        """

    struct Case: Sendable, CustomTestStringConvertible {
        let arguments: [String]
        /// `file:line` of every printed entry, in output order.
        let expected: [String]
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let cases: [Case] = [
        Case(arguments: ["--grep", #"GET /api/users/\d+ "#], expected: ["access.log:1", "access.log:4"]),
        Case(arguments: ["--grep", #"HTTP/1\.1" 5\d\d "#], expected: ["access.log:4"]),
        Case(arguments: ["--grep", #"^\s+at c\.e\."#], expected: ["backend.log:2"]),
        Case(arguments: ["--grep", "(?s)Failed to save.*duplicate key"], expected: ["backend.log:2"]),
        Case(arguments: ["--grep", "Failed to save.*duplicate key"], expected: []),
        Case(arguments: ["--grep", "(?i)failed|slow", "--exclude", #"order \d+$"#], expected: ["backend.log:5"]),
        Case(arguments: ["-i", "--grep", "user [0-9]{2,}$"], expected: ["backend.log:1", "backend.log:6"]),
        Case(arguments: ["--grep", #"\b1234\b"#, "--grep", "Caf.", "--exclude", "GET"], expected: ["backend.log:6"]),
        Case(arguments: ["--exclude", "curl|Exception|^2026-01-30T14:00:0[02]"],
             expected: ["access.log:3", "backend.log:6", "access.log:5"]),
    ]

    @Test(arguments: cases) func printsExactlyTheMatchingEntries(_ c: Case) throws {
        let dir = try TemporaryDirectory("grep")
        defer { dir.remove() }
        try Self.access.write(toFile: dir.file("access.log"), atomically: true, encoding: .utf8)
        try Self.backend.write(toFile: dir.file("backend.log"), atomically: true, encoding: .utf8)
        let run = try Logview.run(
            ["--print", "--output", "json"] + c.arguments + [dir.file("access.log"), dir.file("backend.log")],
            scratch: dir.path)
        #expect(run.status == 0, "\(run.commandLine): \(run.stderr)")
        let got = try run.entries().map { "\(($0.file ?? "-").split(separator: "/").last ?? ""):\($0.line ?? 0)" }
        #expect(got == c.expected, "\(run.commandLine)")
    }

    @Test func badExpressionIsAUsageError() throws {
        let dir = try TemporaryDirectory("grep-bad")
        defer { dir.remove() }
        try Self.access.write(toFile: dir.file("access.log"), atomically: true, encoding: .utf8)
        let run = try Logview.run(["--print", "--grep", "GET (/api", dir.file("access.log")], scratch: dir.path)
        #expect(run.status == 64)
        #expect(run.stderr.contains("bad regular expression: unterminated group at column 5"), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
    }
}
