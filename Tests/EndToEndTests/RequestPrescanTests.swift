import Foundation
import Testing

// `--request-id` reads only the time around the lines that hold the request's ids, and the
// request's ids include those correlation joins to it: nginx logs X, the backend logs X with
// trace T, a worker logs only T twelve minutes later. The targeted read must print that worker
// line too, byte for byte as the full read (`LOGVIEW_TARGETED=0`) does.
@Suite struct RequestPrescanTests {
    static let requestID = "5f2a9c1e7b3d4a6f8e0c2b4d6a8f1e3c"
    static let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
    static let nginxLogFormat = #"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" rid=$request_id"#

    /// `hh:mm:ss` of second `s` of the day.
    static func clock(_ s: Int) -> String { String(format: "%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) }

    /// A line a second from 12:00 to 16:00 in each file (about 2 MB each: 64 KiB is minutes of
    /// lines, so the part read around 14:00 ends well before 14:12), the request's lines among them.
    static func writeLogs(_ dir: TemporaryDirectory) throws -> [String] {
        var access = "", backend = "", worker = ""
        for s in (12 * 3600)..<(16 * 3600) {
            let t = clock(s)
            access += "10.0.0.9 - - [30/Jan/2026:\(t) +0000] \"GET /health HTTP/1.1\" 200 2 \"-\" \"kube-probe/1.29\" rid=\(String(format: "%032x", s))\n"
            backend += "2026-01-30T\(t).100Z  INFO 4242 --- [api] [scheduling-1] c.e.shop.PoolMonitor                     : Connection pool has 10 idle connections, 0 waiting\n"
            worker += "2026-01-30T\(t).200Z DEBUG 5151 --- [worker] [queue-poller-1] c.e.shop.QueuePoller                     : No message waiting on queue payments, polling again\n"
            if t == "14:00:00" {
                access += "10.0.0.1 - - [30/Jan/2026:14:00:00 +0000] \"POST /api/orders HTTP/1.1\" 201 64 \"-\" \"curl/8.0\" rid=\(requestID)\n"
                backend += "2026-01-30T14:00:00.500Z  INFO 4242 --- [api] [http-nio-8080-exec-1] [\(traceID)-00f067aa0ba902b7] [requestId=\(requestID)] c.e.shop.OrderService : Queued payment for order 7\n"
            }
            if t == "14:12:00" {
                worker += "2026-01-30T14:12:00.250Z  INFO 5151 --- [worker] [queue-poller-1] [\(traceID)-a1b2c3d4e5f60718] c.e.shop.PaymentJob : Charged card for order 7\n"
            }
        }
        var paths: [String] = []
        for (name, text) in [("access.log", access), ("backend.log", backend), ("worker.log", worker)] {
            try Data(text.utf8).write(to: URL(fileURLWithPath: dir.file(name)))
            paths.append(dir.file(name))
        }
        return paths
    }

    static func run(_ paths: [String], _ arguments: [String], targeted: Bool, in dir: TemporaryDirectory) throws
        -> ChildProcess.Completed
    {
        try ChildProcess.run(
            name: "logview",
            command: [E2EPaths.logviewBinary, "--print", "--tz", "UTC", "--nginx-log-format", nginxLogFormat] + arguments + paths,
            environment: childEnvironment(["TZ": "UTC"].merging(targeted ? [:] : ["LOGVIEW_TARGETED": "0"]) { $1 }),
            scratch: dir.path, timeout: .seconds(60))
    }

    @Test func aTraceIDLoggedAloneMinutesLaterIsPartOfTheRequest() throws {
        let dir = try TemporaryDirectory("request-prescan")
        defer { dir.remove() }
        let paths = try Self.writeLogs(dir)
        for output in [["--output", "text"], ["--output", "json"]] {
            let part = try Self.run(paths, output + ["--request-id", Self.requestID], targeted: true, in: dir)
            let whole = try Self.run(paths, output + ["--request-id", Self.requestID], targeted: false, in: dir)
            #expect(part.status == 0 && whole.status == 0, "\(part.stderr) \(whole.stderr)")
            #expect(part.stdout == whole.stdout, "\(output[1]): the targeted read differs:\n\(part.stdoutText)\nfull:\n\(whole.stdoutText)")
            if output[1] == "text" {
                #expect(whole.stdoutText == Self.expectedText)
            }
        }
        let part = try Self.run(paths, ["--request-id", Self.requestID], targeted: true, in: dir)
        #expect(part.stdoutText.split(separator: "\n").contains(Substring(Self.workerLine)))
    }

    static let workerLine = "2026-01-30T14:12:00.250Z worker  INFO  INFO 5151 --- [worker] [queue-poller-1] [4bf92f3577b34da6a3ce929d0e0e4736-a1b2c3d4e5f60718] c.e.shop.PaymentJob : Charged card for order 7"
    static let expectedText = """
        2026-01-30T14:00:00.000Z nginx   INFO  10.0.0.1 - - [30/Jan/2026:14:00:00 +0000] "POST /api/orders HTTP/1.1" 201 64 "-" "curl/8.0" rid=5f2a9c1e7b3d4a6f8e0c2b4d6a8f1e3c
        2026-01-30T14:00:00.500Z backend INFO  INFO 4242 --- [api] [http-nio-8080-exec-1] [4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7] [requestId=5f2a9c1e7b3d4a6f8e0c2b4d6a8f1e3c] c.e.shop.OrderService : Queued payment for order 7
        \(workerLine)

        """
}
