#if canImport(Glibc)
import Glibc
#endif

/// A real HTTP proxy (tinyproxy, Debian package `tinyproxy`) on 127.0.0.1, with its config and
/// log in a scratch directory of its own. Runs in the foreground (`-d`) as a child of the test and
/// is stopped by its pid; `deinit` stops it too, so a failing test does not leave it behind.
public final class TinyProxy: @unchecked Sendable {
    public static let binary = "/usr/bin/tinyproxy"
    public static var isAvailable: Bool { access(binary, X_OK) == 0 }

    public let port: Int
    public let pid: pid_t
    public let directory: String
    public var url: String { "http://127.0.0.1:\(port)" }
    private let stopLock = Mutex()
    private var stopped = false

    /// `connectPorts`: the only ports it tunnels to (tinyproxy's `ConnectPort`); empty: any.
    public init(connectPorts: [Int] = []) throws {
        var template = Array("/tmp/logview-tinyproxy-XXXXXX".utf8CString)
        guard let p = mkdtemp(&template) else { throw ReplayServer.ServerError(message: "mkdtemp failed") }
        directory = String(cString: p)
        // A port that was free a moment ago; tinyproxy binds it itself.
        let probe = try ReplayServer { _ in .close }
        port = probe.port
        probe.stop()
        let config = """
            Port \(port)
            Listen 127.0.0.1
            Timeout 60
            LogFile "\(directory)/tinyproxy.log"
            LogLevel Connect
            MaxClients 16
            Allow 127.0.0.1

            """ + connectPorts.map { "ConnectPort \($0)\n" }.joined()
        guard let f = fopen(directory + "/tinyproxy.conf", "w") else { throw ReplayServer.ServerError(message: "cannot write the tinyproxy config") }
        fputs(config, f)
        fclose(f)
        pid = try Spawn.run(Self.binary, [Self.binary, "-d", "-c", directory + "/tinyproxy.conf"], environment: [], fd3: nil, quiet: true)
        // Ready when it accepts a connection (bounded: 5 s).
        for _ in 0..<100 {
            if Self.accepts(port) { return }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                stopped = true
                throw ReplayServer.ServerError(message: "tinyproxy exited (\(status)): \(log)")
            }
            usleep(50_000)
        }
        stop()
        throw ReplayServer.ServerError(message: "tinyproxy did not listen on 127.0.0.1:\(port): \(log)")
    }

    deinit { stop() }

    /// The proxy's log so far (LogLevel Connect: one `Request ... CONNECT host:port` line per tunnel).
    public var log: String { String(decoding: fileBytes(directory + "/tinyproxy.log"), as: UTF8.self) }

    /// The `CONNECT` targets in the log, in order.
    public var connectTargets: [String] {
        log.split(separator: "\n").compactMap { line in
            guard let r = line.firstRange(of: "): CONNECT ") else { return nil }
            return line[r.upperBound...].split(separator: " ").first.map(String.init)
        }
    }

    /// SIGTERM, then SIGKILL; reaps it and removes its directory. Later calls do nothing.
    public func stop() {
        let first = stopLock.withLock { () -> Bool in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        do {
            kill(pid, SIGTERM)
            var reaped = false
            for _ in 0..<50 where !reaped {
                var status: Int32 = 0
                reaped = waitpid(pid, &status, WNOHANG) == pid
                if !reaped { usleep(20_000) }
            }
            if !reaped {
                kill(pid, SIGKILL)
                var status: Int32 = 0
                waitpid(pid, &status, 0)
            }
        }
        if let rm = try? Spawn.run("/bin/rm", ["/bin/rm", "-rf", directory], environment: [], fd3: nil, quiet: true) {
            var status: Int32 = 0
            waitpid(rm, &status, 0)
        }
    }

    static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}
