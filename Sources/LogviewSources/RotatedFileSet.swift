#if canImport(Glibc)
import Glibc
#endif

/// Groups paths into sources: a live log and its rotations (`access.log`, `access.log.1`,
/// `access.log.2.gz`, `access.log-20260130.gz`) are one source, read oldest first.
public struct RotatedFileSet: Equatable, Sendable {
    /// The live file's path (the set's name), even if only rotations exist.
    public var base: String
    /// Paths oldest first; the live file last.
    public var paths: [String]

    public init(base: String, paths: [String]) {
        self.base = base
        self.paths = paths
    }

    /// Splits a path into its set's base and an age rank (0 = live; higher = older).
    /// `access.log.3.gz` → (`access.log`, 3); `access.log-20260130` → (`access.log`, a rank from the date).
    static func rotation(of path: String) -> (base: String, age: Int) {
        var p = Substring(path)
        if p.hasSuffix(".gz") { p = p.dropLast(3) }
        if let dot = p.lastIndex(of: "."), let n = Int(p[p.index(after: dot)...]), n >= 0, n < 100_000,
            !p[p.index(after: dot)...].isEmpty
        {
            return (String(p[..<dot]), n + 1)
        }
        if let dash = p.lastIndex(of: "-") {
            let tail = p[p.index(after: dash)...]
            if tail.count == 8 || tail.count == 10, tail.allSatisfy(\.isNumber), let d = Int(tail) {
                // Newer dates are younger: rank by distance from a far-future date.
                return (String(p[..<dash]), 1 + (tail.count == 8 ? 99_999_999 - d : 9_999_999_999 - d))
            }
        }
        return (String(p), path.hasSuffix(".gz") ? 1 : 0)
    }

    /// Groups paths into sets, in the order their bases first appear.
    public static func group(_ paths: [String]) -> [RotatedFileSet] {
        var order: [String] = []
        var members: [String: [(String, Int)]] = [:]
        for path in paths {
            let (base, age) = rotation(of: path)
            if members[base] == nil { order.append(base) }
            members[base, default: []].append((path, age))
        }
        return order.map { base in
            let sorted = members[base]!.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
            return RotatedFileSet(base: base, paths: sorted.map(\.0))
        }
    }

    /// Regular files in a directory (not recursive), sorted by name; hidden files skipped.
    static func listDirectory(_ dir: String) -> [String]? {
        guard let d = opendir(dir) else { return nil }
        defer { closedir(d) }
        var names: [String] = []
        while let ent = readdir(d) {
            let name = withUnsafePointer(to: ent.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name.hasPrefix(".") { continue }
            let full = dir.hasSuffix("/") ? dir + name : dir + "/" + name
            var st = stat()
            if stat(full, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG { names.append(full) }
        }
        return names.sorted()
    }

    /// Expands a shell glob (`/var/log/nginx/*.log*`); nil when nothing matches.
    static func expandGlob(_ pattern: String) -> [String]? {
        var g = glob_t()
        defer { globfree(&g) }
        guard glob(pattern, 0, nil, &g) == 0 else { return nil }
        var out: [String] = []
        for i in 0..<Int(g.gl_pathc) {
            if let p = g.gl_pathv[i] { out.append(String(cString: p)) }
        }
        return out.isEmpty ? nil : out
    }

    static func isGlob(_ s: String) -> Bool { s.contains { $0 == "*" || $0 == "?" || $0 == "[" } }
}
