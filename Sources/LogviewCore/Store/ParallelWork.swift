#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Runs `count` independent work items on up to `threads` threads (the caller's included) and
/// returns when all are done. Items are handed out in index order from a shared counter, so a
/// slow item does not hold up the others. With one thread (or one item) everything runs inline.
enum ParallelWork {
    static func run(count: Int, threads: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let workers = min(max(1, threads), count)
        guard workers > 1 else {
            for i in 0..<count { body(i) }
            return
        }
        let job = Job(count: count, body: body)
        let spawned = startThreads(workers - 1) { job.drain() }  // one that cannot start: the others do its share
        job.drain()
        for thread in spawned { pthread_join(thread, nil) }
    }

    /// Starts up to `count` threads running `body`; returns those that started (to join).
    static func startThreads(_ count: Int, _ body: @escaping @Sendable () -> Void) -> [pthread_t] {
        var started: [pthread_t] = []
        for _ in 0..<max(0, count) {
            var thread = pthread_t()
            let context = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
            if pthread_create(&thread, nil, { raw in
                Unmanaged<ThreadBody>.fromOpaque(raw!).takeRetainedValue().body()
                return nil
            }, context) == 0 {
                started.append(thread)
            } else {
                Unmanaged<ThreadBody>.fromOpaque(context).release()
            }
        }
        return started
    }

    private final class ThreadBody: Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    private final class Job: Sendable {
        let count: Int
        let next = Atomic<Int>(0)
        let body: @Sendable (Int) -> Void

        init(count: Int, body: @escaping @Sendable (Int) -> Void) {
            self.count = count
            self.body = body
        }

        func drain() {
            while true {
                let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                if i >= count { return }
                body(i)
            }
        }
    }
}
