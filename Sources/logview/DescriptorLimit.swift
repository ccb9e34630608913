#if canImport(Glibc)
import Glibc
#endif

/// Every plain log file stays open while logview runs (its bytes are read back from it, not kept
/// in memory), so the soft limit on open descriptors is raised to the hard one at start: a server
/// with hundreds of uncompressed rotations must not run out at the default 1024.
enum DescriptorLimit {
    static func raise() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}
