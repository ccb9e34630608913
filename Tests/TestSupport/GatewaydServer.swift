#if canImport(Glibc)
import Glibc
#endif

/// A real systemd-journal-gatewayd serving the journal files of one directory on 127.0.0.1.
///
/// gatewayd has no address flag; it takes its listening socket by systemd socket activation. The
/// test binds 127.0.0.1 on a free port itself and hands the socket over as fd 3 with LISTEN_FDS=1
/// and LISTEN_PID set to the server's own pid (the shell that sets it `exec`s gatewayd, keeping
/// its pid). Stopped by its pid.
public final class GatewaydServer: @unchecked Sendable {
    public static let binary = "/lib/systemd/systemd-journal-gatewayd"
    public static let remoteBinary = "/lib/systemd/systemd-journal-remote"

    public let port: Int
    public let pid: pid_t
    public var url: String { "http://127.0.0.1:\(port)" }

    public static var isAvailable: Bool { access(binary, X_OK) == 0 && access(remoteBinary, X_OK) == 0 }

    public init(directory: String) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ReplayServer.ServerError(message: "socket failed") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard ok == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw ReplayServer.ServerError(message: "bind failed")
        }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        port = Int(UInt16(bigEndian: addr.sin_port))
        defer { close(fd) }
        pid = try Spawn.run(
            "/bin/sh", ["/bin/sh", "-c", "LISTEN_PID=$$ LISTEN_FDS=1 exec \(GatewaydServer.binary) -D \"$0\"", directory],
            environment: ["PATH=/usr/bin:/bin"], fd3: fd, quiet: true)
    }

    private let stopLock = Mutex()
    private var stopped = false

    /// Stops the server (SIGTERM, then SIGKILL) and reaps it; later calls do nothing, so a pid
    /// that the system reused is never signalled.
    public func stop() {
        let first = stopLock.withLock { () -> Bool in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        kill(pid, SIGTERM)
        for _ in 0..<25 {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { return }
            usleep(20_000)
        }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    deinit { stop() }

    /// Writes `entries` (field name, value bytes) in the journal export format to `exportPath`
    /// and turns them into a real journal file with systemd-journal-remote.
    public static func makeJournal(_ entries: [[(String, [UInt8])]], exportPath: String, journalPath: String) throws {
        var out: [UInt8] = []
        for entry in entries {
            for (name, value) in entry {
                out += Array(name.utf8)
                if value.contains(0x0A) || value.contains(where: { $0 < 0x20 && $0 != 0x09 }) {
                    out.append(0x0A)
                    var n = UInt64(value.count).littleEndian
                    withUnsafeBytes(of: &n) { out += $0 }
                    out += value
                } else {
                    out.append(UInt8(ascii: "="))
                    out += value
                }
                out.append(0x0A)
            }
            out.append(0x0A)
        }
        guard let f = fopen(exportPath, "wb") else { throw ReplayServer.ServerError(message: "cannot write \(exportPath)") }
        fwrite(out, 1, out.count, f)
        fclose(f)
        let pid = try Spawn.run(remoteBinary, [remoteBinary, "--output=\(journalPath)", exportPath], environment: [], fd3: nil, quiet: true)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        guard status == 0 else { throw ReplayServer.ServerError(message: "systemd-journal-remote failed (\(status))") }
    }
}

/// posix_spawn with stdin from /dev/null, optional output silenced, and optionally fd 3.
public enum Spawn {
    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), looked up at run time because
    /// the Glibc module does not declare GNU extensions; nil on an older glibc.
    public static let closeFromAction: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }()

    public static func run(_ path: String, _ argv: [String], environment: [String], fd3: Int32?, quiet: Bool) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if quiet {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        if let fd3 { posix_spawn_file_actions_adddup2(&actions, fd3, 3) }
        // Nothing else of ours: tests run in parallel, and a long-lived server (tinyproxy,
        // gatewayd, openssl) that inherited another test's pipe end or accepted socket kept it
        // open, so that test waited for an EOF until its time limit, or its peer saw a reset.
        if let closeFrom = closeFromAction { _ = closeFrom(&actions, fd3 == nil ? 3 : 4) }
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup($0) } + [nil]
        defer {
            for p in cArgs { free(p) }
            for p in cEnv { free(p) }
        }
        // The child starts with no blocked signals and default handlers: test threads may block
        // SIGTERM, and a spawned server would inherit that and ignore its stop.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attributes, cArgs, cEnv)
        guard rc == 0 else { throw ReplayServer.ServerError(message: "cannot start \(path): \(rc)") }
        return pid
    }
}
