import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// The machinery the end-to-end tests share: temporary directories, child processes that are
// always stopped by PID (and die with the test process), loopback ports, a tiny HTTP client,
// the three servers (PostgreSQL, the backend stand-in, nginx), physical-line access to log files
// and the `logview` runner.

/// A harness failure: what went wrong and what the server said about it.
struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A command that had to be killed because it did not finish in time.
struct ProcessTimeout: Error, CustomStringConvertible {
    let description: String
}

// MARK: - Paths and tools

/// Where things are: the package, the fixtures, the binary under test and the servers.
enum E2EPaths {
    /// The package root: three levels above this file (Tests/EndToEndTests/ServerHarness.swift).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path

    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// `LOGVIEW_BIN`, or the debug build of the package.
    static var logviewBinary: String {
        environment["LOGVIEW_BIN"] ?? packageRoot + "/.build/debug/logview"
    }

    /// The logview binary where any user can run it, for the tests that run it as `nobody`: a
    /// checkout under a private directory (`mktemp -d` makes it 0700) is closed to other users.
    /// A link (or copy) in a 0755 directory of its own, made once and removed at exit.
    static let logviewBinaryForAnyUser: String = {
        let dir = "/tmp/logview-e2e-bin-\(getpid())"
        mkdir(dir, 0o755)
        chmod(dir, 0o755)  // whatever the umask
        let path = dir + "/logview"
        if link(logviewBinary, path) != 0 { try? FileManager.default.copyItem(atPath: logviewBinary, toPath: path) }
        chmod(path, 0o755)
        atexit {
            let dir = "/tmp/logview-e2e-bin-\(getpid())"
            unlink(dir + "/logview")
            rmdir(dir)
        }
        return path
    }()

    /// The PostgreSQL server binaries: `LOGVIEW_PG_BIN`, or the newest /usr/lib/postgresql/N/bin.
    static var postgresBin: String? {
        if let dir = environment["LOGVIEW_PG_BIN"] { return dir }
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .compactMap(Int.init).sorted()
        return versions.reversed().map { "\(root)/\($0)/bin" }
            .first { FileManager.default.isExecutableFile(atPath: $0 + "/postgres") }
    }

    /// nginx: `LOGVIEW_NGINX`, or /usr/sbin/nginx.
    static var nginx: String { environment["LOGVIEW_NGINX"] ?? "/usr/sbin/nginx" }

    /// The first executable called `name` on PATH.
    static func onPath(_ name: String) -> String? {
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

// MARK: - Temporary directories

/// A directory under /tmp, removed by `remove()` unless `LOGVIEW_E2E_KEEP=1`.
struct TemporaryDirectory: Sendable {
    let path: String

    init(_ label: String) throws {
        var template = Array("/tmp/logview-e2e-\(label)-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw HarnessError("mkdtemp failed for \(label): \(String(cString: strerror(errno)))")
        }
        path = String(cString: made)
        chmod(path, 0o755)  // PostgreSQL runs as another user and must traverse it
    }

    func file(_ relative: String) -> String { path + "/" + relative }

    /// Creates a subdirectory (and its parents).
    @discardableResult
    func directory(_ relative: String) throws -> String {
        let p = file(relative)
        try FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
        return p
    }

    func remove() {
        if E2EPaths.environment["LOGVIEW_E2E_KEEP"] == "1" {
            print("logview-e2e: kept \(path)")
            return
        }
        try? FileManager.default.removeItem(atPath: path)
    }
}

// MARK: - Child processes

/// A child process in its own process group, started with `posix_spawn`.
///
/// Servers are launched `guarded`: a small `/bin/sh` guard (in a process group of its own, deaf
/// to INT/TERM/HUP) blocks reading a pipe whose only writer is this test process. `stop` tells it
/// "stopped"; if the test process dies instead, the pipe reaches end-of-file and the guard kills
/// the server's whole process group. So no server outlives the test run, even after a crash.
final class ChildProcess: @unchecked Sendable {
    let name: String
    let pid: pid_t
    let stdoutPath: String
    let stderrPath: String
    private let lock = NSLock()
    private var status: Int32?
    private var guardPID: pid_t = 0
    private var guardFD: Int32 = -1

    private init(name: String, pid: pid_t, stdoutPath: String, stderrPath: String) {
        self.name = name
        self.pid = pid
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
    }

    deinit {
        if status == nil { _ = stop(signal: SIGKILL, grace: .seconds(2)) }
    }

    /// Starts `executable` (an absolute path) in `/`, with stdin from /dev/null and stdout/stderr
    /// appended to files.
    static func launch(
        name: String, executable: String, arguments: [String], environment: [String: String],
        stdoutPath: String, stderrPath: String, guarded: Bool = false
    ) throws -> ChildProcess {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw HarnessError("\(name): \(executable) is not an executable file")
        }
        let pid = try spawn(executable, arguments, environment: environment,
                            stdin: .path("/dev/null"), stdout: stdoutPath, stderr: stderrPath)
        let child = ChildProcess(name: name, pid: pid, stdoutPath: stdoutPath, stderrPath: stderrPath)
        if guarded { try child.arm() }
        return child
    }

    /// `launch` with the executable as the first word of `command`.
    static func launch(
        name: String, command: [String], environment: [String: String],
        stdoutPath: String, stderrPath: String, guarded: Bool = false
    ) throws -> ChildProcess {
        try launch(name: name, executable: command[0], arguments: Array(command.dropFirst()), environment: environment,
                   stdoutPath: stdoutPath, stderrPath: stderrPath, guarded: guarded)
    }

    /// `run` with the executable as the first word of `command`.
    static func run(
        name: String, command: [String], environment: [String: String], scratch: String, timeout: Duration
    ) throws -> Completed {
        try run(name: name, executable: command[0], arguments: Array(command.dropFirst()), environment: environment,
                scratch: scratch, timeout: timeout)
    }

    /// Runs a command to completion (or until `timeout`, when its group is killed) and returns
    /// its exit status and output. Output goes through files in `scratch`, so large outputs
    /// cannot dead-lock on a pipe.
    static func run(
        name: String, executable: String, arguments: [String], environment: [String: String],
        scratch: String, timeout: Duration
    ) throws -> Completed {
        let tag = "\(name)-\(UUID().uuidString.prefix(8))"
        let out = scratch + "/\(tag).out", err = scratch + "/\(tag).err"
        defer {
            unlink(out)
            unlink(err)
        }
        let child = try launch(name: name, executable: executable, arguments: arguments, environment: environment,
                               stdoutPath: out, stderrPath: err)
        let exited = child.waitForExit(timeout: timeout)
        if exited == nil { _ = child.stop(signal: SIGKILL, grace: .seconds(2)) }
        let stdout = FileManager.default.contents(atPath: out) ?? Data()
        let stderr = String(decoding: FileManager.default.contents(atPath: err) ?? Data(), as: UTF8.self)
        guard let status = exited else {
            throw ProcessTimeout(description: "\(name) did not finish within \(timeout) and was killed: \(executable) "
                + arguments.joined(separator: " ") + "\nstderr: \(stderr.suffix(2000))")
        }
        return Completed(status: status, stdout: stdout, stderr: stderr)
    }

    struct Completed: Sendable {
        /// The exit status, or 128 + signal number when it was killed by a signal.
        let status: Int32
        let stdout: Data
        let stderr: String
        var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// The exit status if the process has exited (reaps it), nil while it runs.
    func exitStatus() -> Int32? {
        lock.lock()
        defer { lock.unlock() }
        if let status { return status }
        var raw: Int32 = 0
        let r = waitpid(pid, &raw, WNOHANG)
        if r == pid {
            status = Self.decode(raw)
        } else if r < 0 && errno == ECHILD {
            status = -1
        }
        return status
    }

    var isRunning: Bool { exitStatus() == nil }

    /// Polls until the process exits; nil on timeout.
    func waitForExit(timeout: Duration) -> Int32? {
        let deadline = ContinuousClock.now + timeout
        var pause: useconds_t = 500
        while true {
            if let s = exitStatus() { return s }
            if ContinuousClock.now >= deadline { return nil }
            usleep(pause)
            pause = min(pause * 2, 20_000)
        }
    }

    /// Sends `signal` to the process, waits up to `grace`, then SIGKILLs whatever is left of its
    /// process group (nginx workers, the backend's psql sessions; PostgreSQL's children make
    /// their own groups and leave when the postmaster does). Disarms the guard. Returns the exit
    /// status. Idempotent.
    @discardableResult
    func stop(signal: Int32 = SIGTERM, grace: Duration = .seconds(10)) -> Int32 {
        var result = exitStatus()
        if result == nil {
            kill(pid, signal)
            result = waitForExit(timeout: grace)
        }
        // Whatever is left of the group (a worker, a backend) goes too.
        if kill(-pid, 0) == 0 {
            kill(-pid, SIGKILL)
            if result == nil { result = waitForExit(timeout: .seconds(5)) }
            let deadline = ContinuousClock.now + .seconds(5)
            while kill(-pid, 0) == 0 && ContinuousClock.now < deadline { usleep(10_000) }
        }
        disarm()
        return result ?? -1
    }

    /// The last `count` bytes of the process's stderr, for failure messages.
    func stderrTail(_ count: Int = 3000) -> String {
        let data = FileManager.default.contents(atPath: stderrPath) ?? Data()
        return String(decoding: data.suffix(count), as: UTF8.self)
    }

    private func arm() throws {
        Self.spawnLock.lock()
        defer { Self.spawnLock.unlock() }
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            throw HarnessError("pipe failed: \(String(cString: strerror(errno)))")
        }
        // Close-on-exec, so no other child inherits the write end (spawns take the same lock).
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        let script = "trap '' INT TERM HUP QUIT; read line; [ \"$line\" = stopped ] || /bin/kill -s KILL -- \"-$1\""
        do {
            guardPID = try Self.spawn("/bin/sh", ["-c", script, "logview-e2e-guard", String(pid)],
                                      environment: [:], stdin: .descriptor(fds[0]),
                                      stdout: "/dev/null", stderr: "/dev/null")
        } catch {
            close(fds[0])
            close(fds[1])
            kill(-pid, SIGKILL)
            throw error
        }
        close(fds[0])
        guardFD = fds[1]
    }

    private func disarm() {
        lock.lock()
        defer { lock.unlock() }
        guard guardFD >= 0 else { return }
        let word = Array("stopped\n".utf8)
        _ = word.withUnsafeBytes { write(guardFD, $0.baseAddress, $0.count) }
        close(guardFD)
        guardFD = -1
        var raw: Int32 = 0
        _ = waitpid(guardPID, &raw, 0)
    }

    /// Serialises spawns, so a pipe end is close-on-exec before any other child is spawned.
    /// Recursive: `arm` holds it from the guard pipe's creation through the guard's spawn.
    private static let spawnLock = NSRecursiveLock()

    /// glibc's `posix_spawn_file_actions_addchdir_np` (2.29+), looked up the same way.
    private static let chdirAction: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32).self)
    }()

    private static func decode(_ raw: Int32) -> Int32 {
        let signal = raw & 0x7f
        return signal == 0 ? (raw >> 8) & 0xff : 128 + signal
    }

    private enum Input {
        case path(String)
        case descriptor(Int32)
    }

    private static func spawn(
        _ executable: String, _ arguments: [String], environment: [String: String],
        stdin: Input, stdout: String, stderr: String
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        switch stdin {
        case .path(let p): posix_spawn_file_actions_addopen(&actions, 0, p, O_RDONLY, 0)
        case .descriptor(let fd): posix_spawn_file_actions_adddup2(&actions, fd, 0)
        }
        // A working directory every user can enter: PostgreSQL, run as postgres, otherwise logs
        // an unprefixed "could not change directory" when the test's own is private.
        if let chdir = chdirAction { _ = chdir(&actions, "/") }
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        if let closeFrom = Spawn.closeFromAction { _ = closeFrom(&actions, 3) }  // without it, children still get only close-on-exec-safe descriptors

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Own process group (stopped as a group; no terminal signals), clean signal state.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGCHLD, SIGUSR1, SIGUSR2, SIGALRM] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.sorted { $0.key < $1.key }
            .map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        spawnLock.lock()
        defer { spawnLock.unlock() }
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard rc == 0 else {
            throw HarnessError("posix_spawn \(executable) failed: \(String(cString: strerror(rc)))")
        }
        return pid
    }
}

/// Polls `condition` until it holds. Fails early, with the server's stderr, if `process` exits.
func waitUntil(
    _ what: String, timeout: Duration = .seconds(30), process: ChildProcess? = nil,
    _ condition: () throws -> Bool
) throws {
    let deadline = ContinuousClock.now + timeout
    var pause: useconds_t = 1_000
    while true {
        if try condition() { return }
        if let p = process, let status = p.exitStatus() {
            throw HarnessError("\(p.name) exited with status \(status) while waiting for \(what).\n"
                + "stderr (\(p.stderrPath)):\n\(p.stderrTail())")
        }
        if ContinuousClock.now >= deadline {
            throw HarnessError("timed out after \(timeout) waiting for \(what)."
                + (process.map { "\nstderr of \($0.name) (\($0.stderrPath)):\n\($0.stderrTail())" } ?? ""))
        }
        usleep(pause)
        pause = min(pause * 2, 50_000)
    }
}

/// The environment children get: PATH and locale only, plus `extra`.
func childEnvironment(_ extra: [String: String] = [:]) -> [String: String] {
    var env = ["PATH": E2EPaths.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin", "LC_ALL": "C.UTF-8"]
    if let home = E2EPaths.environment["HOME"] { env["HOME"] = home }
    env.merge(extra) { $1 }
    return env
}

// MARK: - Loopback networking

/// TCP on 127.0.0.1 only.
enum Loopback {
    /// A port that was free a moment ago (bind port 0, read it back, close). Callers retry on a
    /// bind failure, since another process may take it in between.
    static func freePort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket failed: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw HarnessError("bind 127.0.0.1:0 failed: \(String(cString: strerror(errno)))") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return UInt16(bigEndian: address.sin_port)
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    static func accepts(_ port: UInt16) -> Bool {
        guard let fd = try? connect(port, timeoutSeconds: 1) else { return false }
        close(fd)
        return true
    }

    static func connect(_ port: UInt16, timeoutSeconds: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket failed: \(String(cString: strerror(errno)))") }
        var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var address = loopback(port: port)
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw HarnessError("connect 127.0.0.1:\(port) failed: \(message)")
        }
        return fd
    }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        return address
    }
}

/// An HTTP/1.1 response: status, headers (names lower-cased) and the raw body.
struct HTTPResponse: Sendable {
    let status: Int
    let headers: [String: String]
    let body: Data
}

/// A minimal HTTP/1.1 client for 127.0.0.1 (one request per connection).
enum HTTPClient {
    static func send(
        _ method: String, _ path: String, port: UInt16, host: String = "api.example.com",
        body: Data = Data(), contentType: String? = nil, timeoutSeconds: Int = 20
    ) throws -> HTTPResponse {
        let fd = try Loopback.connect(port, timeoutSeconds: timeoutSeconds)
        defer { close(fd) }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host)\r\nUser-Agent: logview-e2e/1\r\nConnection: close\r\n"
        if let contentType { head += "Content-Type: \(contentType)\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        let request = Data(head.utf8) + Data("\r\n".utf8) + body
        try request.withUnsafeBytes { raw in
            var sent = 0
            while sent < raw.count {
                let n = write(fd, raw.baseAddress! + sent, raw.count - sent)
                guard n > 0 else { throw HarnessError("HTTP \(method) \(path): write failed: \(String(cString: strerror(errno)))") }
                sent += n
            }
        }
        var response = Data()
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n == 0 { break }
            guard n > 0 else { throw HarnessError("HTTP \(method) \(path): read failed: \(String(cString: strerror(errno)))") }
            response.append(contentsOf: buffer[0..<n])
        }
        guard let split = response.range(of: Data("\r\n\r\n".utf8)) else {
            throw HarnessError("HTTP \(method) \(path): no complete response: \(String(decoding: response, as: UTF8.self))")
        }
        let lines = String(decoding: response[..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusWords = lines[0].split(separator: " ")
        guard statusWords.count >= 2, let status = Int(statusWords[1]) else {
            throw HarnessError("HTTP \(method) \(path): bad status line \(lines[0])")
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return HTTPResponse(status: status, headers: headers, body: Data(response[split.upperBound...]))
    }
}

// MARK: - PostgreSQL

/// A throw-away PostgreSQL cluster on 127.0.0.1 and a unix socket in its directory, logging to
/// a file in stderr format (the Debian layout: no logging collector, the postmaster's stderr is
/// the log). As root, initdb and postgres run as the `postgres` user via `setpriv`.
final class PostgresServer: Sendable {
    static let linePrefix = "%m [%p] %q%u@%d "

    let bin: String
    let directory: String
    let port: UInt16
    let logPath: String
    let process: ChildProcess

    var socketDirectory: String { directory }
    var psql: String { bin + "/psql" }

    private init(bin: String, directory: String, port: UInt16, logPath: String, process: ChildProcess) {
        self.bin = bin
        self.directory = directory
        self.port = port
        self.logPath = logPath
        self.process = process
    }

    /// initdb, start, wait until it accepts connections. `logTimezone` is PostgreSQL's
    /// `log_timezone` (what `%m` prints).
    static func start(in dir: TemporaryDirectory, logTimezone: String) throws -> PostgresServer {
        guard let bin = E2EPaths.postgresBin else {
            throw HarnessError("PostgreSQL server binaries not found: install postgresql (Debian: /usr/lib/postgresql/N/bin) or set LOGVIEW_PG_BIN")
        }
        let directory = try dir.directory("pg")
        let runAs = try commandPrefixAsPostgres(owning: directory)
        let data = directory + "/data"
        let initdb = try ChildProcess.run(
            name: "initdb", command: runAs + [bin + "/initdb", "-D", data, "--auth=trust", "-U", "postgres",
                                              "--no-sync", "-E", "UTF8", "--locale=C"],
            environment: childEnvironment(["TZ": "UTC"]), scratch: directory, timeout: .seconds(60))
        guard initdb.status == 0 else {
            throw HarnessError("initdb failed with status \(initdb.status):\n\(initdb.stderr)\(initdb.stdoutText)")
        }
        var lastError: Error?
        for _ in 0..<3 {  // a free port can be taken between our probe and the server's bind
            let port = try Loopback.freePort()
            let logPath = directory + "/postgresql-\(port).log"
            let settings = [
                "listen_addresses=127.0.0.1", "port=\(port)", "unix_socket_directories=\(directory)",
                "logging_collector=off", "log_destination=stderr", "log_line_prefix=\(linePrefix)",
                "log_min_duration_statement=0", "log_connections=on", "log_disconnections=on",
                "log_timezone=\(logTimezone)", "timezone=UTC", "lc_messages=C", "fsync=off",
                "max_connections=20", "shared_buffers=16MB",
            ]
            let process = try ChildProcess.launch(
                name: "postgres", command: runAs + [bin + "/postgres", "-D", data] + settings.flatMap { ["-c", $0] },
                environment: childEnvironment(), stdoutPath: logPath, stderrPath: logPath, guarded: true)
            do {
                try waitUntil("PostgreSQL to accept connections on 127.0.0.1:\(port)", process: process) {
                    let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
                    return log.contains("database system is ready to accept connections")
                }
                return PostgresServer(bin: bin, directory: directory, port: port, logPath: logPath, process: process)
            } catch {
                process.stop(signal: SIGQUIT, grace: .seconds(5))
                lastError = error
                let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
                guard log.contains("Address already in use") else { throw error }
            }
        }
        throw lastError!
    }

    /// Runs a SQL script through psql as `postgres` (ON_ERROR_STOP), returning its output.
    @discardableResult
    func run(sql: String, database: String = "postgres", scratch: String) throws -> String {
        let script = scratch + "/psql-\(UUID().uuidString.prefix(8)).sql"
        try Data(sql.utf8).write(to: URL(fileURLWithPath: script))
        defer { unlink(script) }
        let result = try ChildProcess.run(
            name: "psql", executable: psql,
            arguments: ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", socketDirectory, "-p", String(port),
                        "-U", "postgres", "-d", database, "-f", script],
            environment: childEnvironment(["PGAPPNAME": "e2e-setup"]), scratch: scratch, timeout: .seconds(30))
        guard result.status == 0 else {
            throw HarnessError("psql failed with status \(result.status): \(result.stderr)\nSQL:\n\(sql)")
        }
        return result.stdoutText
    }

    /// Fast shutdown (SIGINT), then the group is killed if anything is left.
    @discardableResult
    func stop() -> Int32 { process.stop(signal: SIGINT, grace: .seconds(15)) }

    /// As root: chowns `directory` to postgres and returns the `setpriv` words that run a command
    /// as postgres (it execs, no fork: the PID we hold is the server's). Otherwise nothing.
    private static func commandPrefixAsPostgres(owning directory: String) throws -> [String] {
        guard getuid() == 0 else { return [] }
        guard let user = getpwnam("postgres") else {
            throw HarnessError("running as root, but there is no postgres user to run PostgreSQL as")
        }
        guard chown(directory, user.pointee.pw_uid, user.pointee.pw_gid) == 0 else {
            throw HarnessError("chown \(directory) to postgres failed: \(String(cString: strerror(errno)))")
        }
        chmod(directory, 0o700)
        guard let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].first(where: FileManager.default.isExecutableFile) else {
            throw HarnessError("running as root needs setpriv (util-linux) to start PostgreSQL as postgres")
        }
        return [setpriv, "--reuid=postgres", "--regid=postgres", "--init-groups", "--"]
    }
}

// MARK: - The backend stand-in

/// Fixtures/backend.py: a Spring-Boot-like backend on 127.0.0.1 (port chosen by the kernel and
/// reported through a file), with a pool of psql sessions to `postgres`.
final class BackendServer: Sendable {
    let port: UInt16
    let logPath: String
    let process: ChildProcess

    private init(port: UInt16, logPath: String, process: ChildProcess) {
        self.port = port
        self.logPath = logPath
        self.process = process
    }

    static func start(in dir: TemporaryDirectory, postgres: PostgresServer, database: String, timezone: String) throws -> BackendServer {
        guard let python = E2EPaths.onPath("python3") else { throw HarnessError("python3 is not on PATH") }
        let directory = try dir.directory("backend")
        let logPath = directory + "/backend.log", portFile = directory + "/port"
        let process = try ChildProcess.launch(
            name: "backend.py", executable: python,
            arguments: [E2EPaths.fixtures + "/backend.py", "--log", logPath, "--port-file", portFile,
                        "--psql", postgres.psql, "--pg-host", postgres.socketDirectory,
                        "--pg-port", String(postgres.port), "--pg-db", database, "--pool-size", "2"],
            environment: childEnvironment(["TZ": timezone, "PYTHONUNBUFFERED": "1"]),
            stdoutPath: directory + "/stdout.log", stderrPath: directory + "/stderr.log", guarded: true)
        var port: UInt16 = 0
        do {
            try waitUntil("backend.py to report its port", process: process) {
                guard let text = try? String(contentsOfFile: portFile, encoding: .utf8),
                      let p = UInt16(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { return false }
                port = p
                return true
            }
            try waitUntil("backend.py to accept connections on 127.0.0.1:\(port)", process: process) { Loopback.accepts(port) }
        } catch {
            process.stop()
            throw error
        }
        return BackendServer(port: port, logPath: logPath, process: process)
    }

    /// SIGTERM: graceful shutdown; the pool's sessions disconnect.
    @discardableResult
    func stop() -> Int32 { process.stop(signal: SIGTERM, grace: .seconds(15)) }
}

// MARK: - nginx

/// nginx as a reverse proxy on 127.0.0.1 in the foreground (`daemon off;`, a child we own), with
/// every path (pid, logs, temp dirs) inside its directory.
final class NginxServer: Sendable {
    let port: UInt16
    let accessLogPath: String
    let errorLogPath: String
    let process: ChildProcess

    private init(port: UInt16, accessLogPath: String, errorLogPath: String, process: ChildProcess) {
        self.port = port
        self.accessLogPath = accessLogPath
        self.errorLogPath = errorLogPath
        self.process = process
    }

    /// `logFormat` is the `log_format main` string (no single quotes in it).
    static func start(in dir: TemporaryDirectory, upstreamPort: UInt16, logFormat: String, timezone: String) throws -> NginxServer {
        let nginx = E2EPaths.nginx
        guard FileManager.default.isExecutableFile(atPath: nginx) else {
            throw HarnessError("nginx not found at \(nginx): install nginx-light or set LOGVIEW_NGINX")
        }
        precondition(!logFormat.contains("'"), "the log format is written between single quotes")
        let directory = try dir.directory("nginx")
        for temp in ["body", "proxy", "fastcgi", "uwsgi", "scgi"] { try dir.directory("nginx/tmp/\(temp)") }
        let accessLog = directory + "/access.log", errorLog = directory + "/error.log"
        var lastError: Error?
        for _ in 0..<3 {
            let port = try Loopback.freePort()
            let config = directory + "/nginx.conf"
            let user = getuid() == 0 ? "user root;\n" : ""
            let text = """
                daemon off;
                master_process on;
                worker_processes 1;
                \(user)pid \(directory)/nginx.pid;
                error_log \(errorLog) notice;
                events { worker_connections 64; }
                http {
                    client_body_temp_path \(directory)/tmp/body;
                    proxy_temp_path \(directory)/tmp/proxy;
                    fastcgi_temp_path \(directory)/tmp/fastcgi;
                    uwsgi_temp_path \(directory)/tmp/uwsgi;
                    scgi_temp_path \(directory)/tmp/scgi;
                    log_format main '\(logFormat)';
                    upstream backend { server 127.0.0.1:\(upstreamPort); }
                    server {
                        listen 127.0.0.1:\(port);
                        server_name api.example.com;
                        access_log \(accessLog) main;
                        location /api/ {
                            proxy_set_header X-Request-ID $request_id;
                            proxy_set_header Host $host;
                            proxy_pass http://backend;
                        }
                    }
                }

                """
            try Data(text.utf8).write(to: URL(fileURLWithPath: config))
            let process = try ChildProcess.launch(
                name: "nginx", executable: nginx, arguments: ["-p", directory + "/", "-e", errorLog, "-c", config],
                environment: childEnvironment(["TZ": timezone]),
                stdoutPath: directory + "/stdout.log", stderrPath: directory + "/stderr.log", guarded: true)
            do {
                try waitUntil("nginx to accept connections on 127.0.0.1:\(port)", process: process) { Loopback.accepts(port) }
                return NginxServer(port: port, accessLogPath: accessLog, errorLogPath: errorLog, process: process)
            } catch {
                process.stop(signal: SIGQUIT, grace: .seconds(5))
                lastError = HarnessError("\(error)\nerror.log:\n\(((try? String(contentsOfFile: errorLog, encoding: .utf8)) ?? "").suffix(2000))")
                let log = (try? String(contentsOfFile: errorLog, encoding: .utf8)) ?? ""
                guard log.contains("Address already in use") else { throw lastError! }
            }
        }
        throw lastError!
    }

    /// SIGQUIT: graceful shutdown (requests finish, logs are written).
    @discardableResult
    func stop() -> Int32 { process.stop(signal: SIGQUIT, grace: .seconds(15)) }
}

// MARK: - Log files as physical lines

/// A log file's bytes with the offsets of its physical lines (1-based access, like `line` in
/// logview's output). A file that does not end in a newline still counts its last line.
struct LogFileLines: Sendable {
    let path: String
    let bytes: [UInt8]
    private let starts: [Int]

    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw HarnessError("cannot read \(path)")
        }
        self.path = path
        bytes = [UInt8](data)
        var starts: [Int] = []
        var next = 0
        bytes.withUnsafeBufferPointer { b in
            while next < b.count {
                starts.append(next)
                var i = next
                while i < b.count && b[i] != 0x0A { i += 1 }
                next = i + 1
            }
        }
        self.starts = starts
    }

    var count: Int { starts.count }

    /// Line `n` (1-based) without its LF (a CR stays).
    func line(_ n: Int) -> ArraySlice<UInt8> {
        let start = starts[n - 1]
        var end = n < starts.count ? starts[n] - 1 : bytes.count
        if end > start && bytes[end - 1] == 0x0A { end -= 1 }
        return bytes[start..<end]
    }

    func text(_ n: Int) -> String { String(decoding: line(n), as: UTF8.self) }

    /// Whether `needle` occurs in lines `first ..< first + count`.
    func contains(_ needle: [UInt8], first: Int, count: Int) -> Bool {
        guard first >= 1, count >= 1, first + count - 1 <= self.count else { return false }
        let start = starts[first - 1]
        let last = first + count - 1
        let end = last < starts.count ? starts[last] : bytes.count
        return bytes[start..<end].firstRange(of: needle) != nil
    }
}

// MARK: - JSON

/// Parses one JSON value. Foundation rejects `\uD800`-`\uDFFF` escapes that are not a valid
/// surrogate pair, which are legal JSON text (Python writes them for undecodable bytes), so
/// on failure those escapes are read as U+FFFD.
func jsonObject(_ data: Data) -> Any? {
    if let value = try? JSONSerialization.jsonObject(with: data) { return value }
    let text = String(decoding: data, as: UTF8.self)
        .replacing(#/\\u[dD][89a-fA-F][0-9a-fA-F]{2}/#, with: "\\uFFFD")
    return try? JSONSerialization.jsonObject(with: Data(text.utf8))
}

// MARK: - The binary under test

/// One entry of `logview --print --output json`.
struct PrintedEntry: Hashable, Sendable, CustomStringConvertible {
    let ts: String
    let source: String
    let level: String
    let requestIDs: [String]
    let message: String
    let file: String?
    let line: Int?
    let lines: Int?

    var description: String { "\(source) \(file ?? "-"):\(line ?? 0)+\(lines ?? 0) \(ts) \(level) \(message.prefix(160))" }
}

/// Runs `logview` and reads its JSON lines.
enum Logview {
    struct Run: Sendable {
        let arguments: [String]
        let status: Int32
        let stdout: Data
        let stderr: String

        var stdoutText: String { String(decoding: stdout, as: UTF8.self) }

        var commandLine: String { "logview " + arguments.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ") }

        /// The printed entries, or an error naming the first line that is not a contract JSON object.
        func entries() throws -> [PrintedEntry] {
            var result: [PrintedEntry] = []
            var number = 0
            for raw in stdout.split(separator: 0x0A, omittingEmptySubsequences: true) {
                number += 1
                guard let object = jsonObject(Data(raw)) as? [String: Any],
                      let ts = object["ts"] as? String, let source = object["source"] as? String,
                      let level = object["level"] as? String, let message = object["message"] as? String
                else {
                    throw HarnessError("\(commandLine)\noutput line \(number) is not a JSON entry of the print contract "
                        + "({\"ts\",\"source\",\"level\",\"request_ids\",\"message\",\"file\",\"line\",\"lines\"}): "
                        + String(decoding: raw.prefix(300), as: UTF8.self) + "\nstderr: \(stderr.prefix(1000))")
                }
                result.append(PrintedEntry(
                    ts: ts, source: source, level: level, requestIDs: object["request_ids"] as? [String] ?? [],
                    message: message, file: object["file"] as? String, line: object["line"] as? Int,
                    lines: object["lines"] as? Int))
            }
            return result
        }
    }

    /// Runs the binary with `arguments` (TZ from `timezone`), failing clearly if it is missing or hangs.
    static func run(_ arguments: [String], timezone: String = "UTC", environment: [String: String] = [:], scratch: String,
        timeout: Duration = .seconds(60)) throws -> Run
    {
        let binary = E2EPaths.logviewBinary
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw HarnessError("the logview binary is missing at \(binary): run `swift build` first, or set LOGVIEW_BIN")
        }
        let result = try ChildProcess.run(name: "logview", executable: binary, arguments: arguments,
                                          environment: childEnvironment(environment.merging(["TZ": timezone]) { $1 }), scratch: scratch, timeout: timeout)
        return Run(arguments: arguments, status: result.status, stdout: result.stdout, stderr: result.stderr)
    }
}
