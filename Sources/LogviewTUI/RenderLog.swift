#if canImport(Glibc)
import Glibc
#endif

/// Appends one line per key to a file: the key and the microseconds from reading it to the
/// screen being shown; and one line `live-frame` per frame drawn for live updates (the burst
/// benchmark counts them). Enabled by `LOGVIEW_RENDER_LOG=PATH`, for the benchmarks.
public final class RenderLog {
    private let fd: Int32

    public init?(path: String) {
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return nil }
    }

    deinit { close(fd) }

    func record(_ key: Key, since start: Int64) {
        append(key.name, since: start)
    }

    func recordLiveFrame(since start: Int64) {
        append("live-frame", since: start)
    }

    private func append(_ name: String, since start: Int64) {
        let micros = (RenderLog.clock() - start) / 1000
        var line = Array("\(name)\t\(micros)\n".utf8)
        _ = line.withUnsafeMutableBytes { write(fd, $0.baseAddress, $0.count) }
    }

    static func clock() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    static func wallClock() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}
