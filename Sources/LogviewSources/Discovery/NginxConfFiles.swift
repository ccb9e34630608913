#if canImport(Glibc)
import Glibc
#endif

/// nginx conf files read from the filesystem under a discovery root.
struct RootFiles: NginxConfReader.Files {
    let root: DiscoveryRoot
    func read(_ path: String) -> Swift.Result<[UInt8], DiscoveryRoot.ReadProblem> { root.read(path, limit: 1 << 20) }
    func expand(_ pattern: String) -> [String] {
        DiscoveryRoot.isGlob(pattern) ? root.glob(pattern) : (root.kind(pattern) == .missing ? [] : [pattern])
    }
}

/// nginx conf files as `nginx -T` prints them: each file after a `# configuration file PATH:` line.
struct NginxDump: NginxConfReader.Files {
    var files: [String: [UInt8]] = [:]
    var order: [String] = []
    var mainFile: String? { order.first }

    init(parsing output: [UInt8]) {
        let marker = Array("# configuration file ".utf8)
        var current: String? = nil
        var body: [UInt8] = []
        func finish() {
            if let c = current, files[c] == nil {
                files[c] = body
                order.append(c)
            }
        }
        for line in output.split(separator: 0x0A, omittingEmptySubsequences: false) {
            if line.starts(with: marker), line.last == 0x3A {
                finish()
                current = String(decoding: line.dropFirst(marker.count).dropLast(), as: UTF8.self)
                body = []
            } else if current != nil {
                body += line
                body.append(0x0A)
            }
        }
        finish()
    }

    func read(_ path: String) -> Swift.Result<[UInt8], DiscoveryRoot.ReadProblem> {
        files[path].map { .success($0) } ?? .failure(.init(description: "not in the nginx -T output"))
    }

    func expand(_ pattern: String) -> [String] {
        order.filter { fnmatch(pattern, $0, FNM_PATHNAME) == 0 }.sorted()
    }

    /// Runs the command (`nginx -T`) with no shell, stdin from /dev/null and stderr discarded;
    /// nil when it cannot run or fails.
    static func run(_ command: [String]) -> NginxDump? {
        var pipeFDs: [Int32] = [0, 0]
        guard pipe(&pipeFDs) == 0 else { return nil }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addclose(&actions, pipeFDs[0])
        let argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid = pid_t()
        let env: [UnsafeMutablePointer<CChar>?] = [strdup("PATH=/usr/sbin:/usr/bin:/sbin:/bin"), nil]
        defer { for p in env { free(p) } }
        let spawned = posix_spawn(&pid, command[0], &actions, nil, argv, env)
        close(pipeFDs[1])
        guard spawned == 0 else {
            close(pipeFDs[0])
            return nil
        }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while output.count < 16 << 20 {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(pipeFDs[0], $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            output += buffer[0..<n]
        }
        close(pipeFDs[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        guard status == 0 else { return nil }
        let dump = NginxDump(parsing: output)
        return dump.order.isEmpty ? nil : dump
    }
}
