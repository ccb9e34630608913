import Foundation

#if canImport(Glibc)
import Glibc
#endif

// The real binary in a real terminal: tmux on its own socket, an interactive bash inside, keys
// typed with send-keys and the screen read back with capture-pane.

/// One tmux server (its own socket) running bash in a 160x48 window. `stop()` kills the server;
/// call it in a `defer`.
final class TmuxSession: @unchecked Sendable {
    let socket: String
    let tmux: String
    let scratch: TemporaryDirectory

    init(_ label: String, columns: Int = 160, rows: Int = 48) throws {
        guard let tmux = E2EPaths.onPath("tmux") else { throw HarnessError("tmux is not on PATH (apt-get install tmux)") }
        self.tmux = tmux
        socket = "logview-\(label)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        scratch = try TemporaryDirectory("tmux-\(label)")
        // A plain interactive bash with a fixed prompt; the environment the viewer sees is fixed
        // too (UTC, UTF-8, a 256-colour terminal).
        let rc = scratch.file("bashrc")
        try "PS1='PROMPT$ '\nexport TZ=UTC LC_ALL=C.UTF-8\nunset NO_COLOR\n".write(toFile: rc, atomically: true, encoding: .utf8)
        try run(["-f", "/dev/null", "new-session", "-d", "-x", "\(columns)", "-y", "\(rows)",
            "env -i PATH=/usr/bin:/bin HOME=\(scratch.path) TERM=tmux-256color bash --noprofile --rcfile \(rc) -i"])
        try run(["set-option", "-g", "default-terminal", "tmux-256color"])
        try waitFor("the shell prompt") { $0.contains("PROMPT$") }
    }

    @discardableResult
    func run(_ arguments: [String]) throws -> String {
        let result = try ChildProcess.run(name: "tmux", executable: tmux, arguments: ["-L", socket] + arguments,
            environment: childEnvironment(), scratch: scratch.path, timeout: .seconds(20))
        guard result.status == 0 else {
            throw HarnessError("tmux \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.stderr)")
        }
        return result.stdoutText
    }

    /// Types keys (tmux key names: "Enter", "C-c", "Escape", or literal text with `literal`).
    func send(_ keys: String..., literal: Bool = false) throws {
        try run(["send-keys", "-t", "0"] + (literal ? ["-l"] : []) + keys)
    }

    /// Types a command line into the shell and presses Enter.
    func type(_ line: String) throws {
        try send(line, literal: true)
        try send("Enter")
    }

    /// The screen as text (`escapes`: with attribute escape sequences, `capture-pane -e`).
    func capture(escapes: Bool = false) throws -> String {
        try run(["capture-pane", "-p", "-t", "0"] + (escapes ? ["-e"] : []))
    }

    /// A tmux format value, e.g. `#{alternate_on}`, `#{pane_title}`.
    func display(_ format: String) throws -> String {
        try run(["display-message", "-p", "-t", "0", format]).trimmingCharacters(in: .newlines)
    }

    /// Polls the screen until `condition` holds (bounded); returns that screen.
    @discardableResult
    func waitFor(_ what: String, timeout: Duration = .seconds(20), _ condition: (String) -> Bool) throws -> String {
        var last = ""
        do {
            try waitUntil(what, timeout: timeout) {
                last = try capture()
                return condition(last)
            }
        } catch {
            throw HarnessError("\(error)\nscreen:\n\(last)")
        }
        return last
    }

    func stop() {
        _ = try? ChildProcess.run(name: "tmux", executable: tmux, arguments: ["-L", socket, "kill-server"],
            environment: childEnvironment(), scratch: scratch.path, timeout: .seconds(10))
        scratch.remove()
    }
}

/// Logs of 200 requests, each through nginx, a Spring Boot backend and PostgreSQL, two seconds
/// apart from 2026-01-30 14:00:00 UTC. Request 7's user agent carries an OSC title sequence
/// and a clear-screen sequence.
struct TUILogs {
    let directory: TemporaryDirectory
    static let nginxFormat =
        #"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" rid=$request_id rt=$request_time"#

    static func rid(_ n: Int) -> String { String(format: "%08x%024x", 0xA000_0000 + n, n * 7919) }
    static func trace(_ n: Int) -> String { String(format: "%016x%016x", 0x7E57_0000 + n, n * 104_729) }
    static func span(_ n: Int) -> String { String(format: "%016x", 0x5BA0_0000 + n) }
    /// `14:06:40` for request 200: seconds after 14:00:00.
    static func clock(_ n: Int, ms: Int) -> String {
        let s = n * 2
        return String(format: "14:%02d:%02d.%03d", s / 60, s % 60, ms)
    }

    init() throws {
        directory = try TemporaryDirectory("tui-logs")
        var nginx = "", backend = "", postgres = ""
        for n in 0..<200 {
            let s = n * 2
            let hms = String(format: "14:%02d:%02d", s / 60, s % 60)
            backend += "2026-01-30T\(hms).002+00:00  INFO 2711 --- [api] [exec-\(n % 8)] [\(Self.trace(n))-\(Self.span(n))] [requestId=\(Self.rid(n))] c.e.shop.UserController : Fetching user \(n)\n"
            postgres += "2026-01-30 \(hms).005 UTC [\(41000 + n)] app@shop LOG:  duration: 1.204 ms  execute <unnamed>: select name from users where id=\(n) /*traceparent='00-\(Self.trace(n))-\(Self.span(n))-01'*/\n"
            let ua = n == 7 ? "curl/8.5\u{1B}]0;pwned\u{07}\u{1B}[2J" : "Mozilla/5.0"
            nginx += "10.0.3.\(n % 250) - - [30/Jan/2026:\(hms) +0000] \"GET /api/users/\(n) HTTP/1.1\" 200 512 \"-\" \"\(ua)\" rid=\(Self.rid(n)) rt=0.014\n"
        }
        try nginx.write(toFile: directory.file("access.log"), atomically: true, encoding: .utf8)
        try backend.write(toFile: directory.file("backend.log"), atomically: true, encoding: .utf8)
        try postgres.write(toFile: directory.file("postgresql.log"), atomically: true, encoding: .utf8)
    }

    /// The shell command that opens the viewer on these logs.
    var command: String {
        "\(E2EPaths.logviewBinary) --tz UTC --nginx-log-format '\(Self.nginxFormat)' nginx=\(directory.file("access.log")) "
            + "backend=\(directory.file("backend.log")) postgresql=\(directory.file("postgresql.log"))"
    }
}
