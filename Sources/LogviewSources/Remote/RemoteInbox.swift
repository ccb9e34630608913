import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// Hands what network threads receive to the thread that owns the timeline, and wakes that
/// thread's `poll` through a pipe (a `LiveFeed` descriptor), so an idle run loop costs nothing.
final class RemoteInbox<Item: Sendable>: @unchecked Sendable {
    private let lock = NSLockLike()
    private var items: [Item] = []
    private var pipeFDs: [Int32] = [-1, -1]

    init() {
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            for fd in fds {
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            }
            pipeFDs = fds
        }
    }

    deinit {
        for fd in pipeFDs where fd >= 0 { close(fd) }
    }

    /// The descriptor that becomes readable when items wait.
    var descriptor: Int32 { pipeFDs[0] }

    func post(_ item: Item) {
        lock.withLock { items.append(item) }
        var one: UInt8 = 1
        _ = write(pipeFDs[1], &one, 1)
    }

    /// Everything posted so far; drains the wake-up pipe.
    func take() -> [Item] {
        var sink = [UInt8](repeating: 0, count: 256)
        while sink.withUnsafeMutableBytes({ read(pipeFDs[0], $0.baseAddress, $0.count) }) > 0 {}
        return lock.withLock {
            let out = items
            items.removeAll()
            return out
        }
    }

    /// Waits up to `milliseconds` for an item (for callers without a run loop of their own).
    func wait(milliseconds: Int32) {
        var p = pollfd(fd: pipeFDs[0], events: Int16(POLLIN), revents: 0)
        _ = poll(&p, 1, milliseconds)
    }
}

/// A mutex without Foundation.
final class NSLockLike: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    func withLock<R>(_ body: () throws -> R) rethrows -> R {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body()
    }
}
