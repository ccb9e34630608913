#if canImport(Glibc)
import Glibc
#endif

/// The filesystem discovery looks at: `/`, or another root (a mounted disk image, a copied
/// `/etc` + `/var/log`). Paths given to and returned by it are the system's own (`/etc/nginx/...`);
/// `real(_:)` says where they are on this machine. Read-only: nothing here writes or executes.
public struct DiscoveryRoot: Sendable {
    /// The root directory without a trailing slash; empty for `/`.
    public let prefix: String

    public init(_ path: String = "/") {
        var p = Substring(path)
        while p.hasSuffix("/") { p = p.dropLast() }
        prefix = String(p)
    }

    public var isSystemRoot: Bool { prefix.isEmpty }

    /// Where a system path is on this machine.
    public func real(_ systemPath: String) -> String { prefix + systemPath }

    /// Why a file could not be read, for the operator.
    public struct ReadProblem: Swift.Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// Reads at most `limit` bytes of a file; a longer file is cut there.
    public func read(_ systemPath: String, limit: Int = 4 << 20) -> Result<[UInt8], ReadProblem> {
        let path = real(systemPath)
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
        if fd < 0 { return .failure(ReadProblem(description: Self.reason(errno))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .failure(ReadProblem(description: Self.reason(errno))) }
        switch st.st_mode & S_IFMT {
        case S_IFDIR: return .failure(ReadProblem(description: "is a directory"))
        case S_IFREG: break
        default: return .failure(ReadProblem(description: "not a regular file"))
        }
        var out = [UInt8](repeating: 0, count: min(limit, max(Int(st.st_size), 0)))
        var used = 0
        while used < out.count {
            let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + used, $0.count - used, off_t(used)) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(ReadProblem(description: Self.reason(errno)))
            }
            if n == 0 { break }
            used += n
        }
        out.removeSubrange(used...)
        return .success(out)
    }

    /// What kind of thing a path is, without following it into trouble.
    public enum Kind: Equatable, Sendable {
        case missing, file, directory, other
        case unreadable(String)
    }

    public func kind(_ systemPath: String) -> Kind {
        var st = stat()
        if stat(real(systemPath), &st) != 0 {
            return errno == ENOENT || errno == ENOTDIR ? .missing : .unreadable(Self.reason(errno))
        }
        switch st.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    public func size(_ systemPath: String) -> Int? {
        var st = stat()
        guard stat(real(systemPath), &st) == 0 else { return nil }
        return Int(st.st_size)
    }

    /// Entries of a directory (names, sorted; hidden ones too), or why it cannot be listed.
    public func list(_ systemDirectory: String) -> Result<[String], ReadProblem> {
        guard let d = opendir(real(systemDirectory)) else { return .failure(ReadProblem(description: Self.reason(errno))) }
        defer { closedir(d) }
        var names: [String] = []
        while let ent = readdir(d) {
            let name = withUnsafePointer(to: ent.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return .success(names.sorted())
    }

    /// System paths matching a shell glob, sorted; empty when none match.
    public func glob(_ systemPattern: String) -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        guard Glibc.glob(real(systemPattern), 0, nil, &g) == 0 else { return [] }
        var out: [String] = []
        for i in 0..<Int(g.gl_pathc) {
            guard let p = g.gl_pathv[i] else { continue }
            let s = String(cString: p)
            if s.hasPrefix(prefix) { out.append(String(s.dropFirst(prefix.count))) }
        }
        return out.sorted()
    }

    static func reason(_ code: Int32) -> String {
        switch code {
        case EACCES, EPERM: "permission denied"
        case ENOENT, ENOTDIR: "no such file"
        case ELOOP: "too many symbolic links"
        default: String(cString: strerror(code))
        }
    }

    /// Joins a directory and a relative path.
    static func join(_ directory: String, _ relative: String) -> String {
        if relative.hasPrefix("/") { return relative }
        return directory.hasSuffix("/") ? directory + relative : directory + "/" + relative
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func isGlob(_ s: String) -> Bool { s.contains { $0 == "*" || $0 == "?" || $0 == "[" } }
}
