#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Hands each concurrent search its own `MatcherScratch` and keeps them for the next call.
///
/// This is what lets `Pattern` stay a `Sendable` value while its DFA cache is mutable: a scratch
/// is owned by exactly one caller between `take` and `give back`, under a mutex.
final class ScratchPool: @unchecked Sendable {
    private let program: PatternProgram
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var idle: [MatcherScratch] = []
    /// More idle scratches than this are dropped (each holds up to ~2 MB of DFA cache).
    private let keepAtMost = 16

    init(program: PatternProgram) {
        self.program = program
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        idle.reserveCapacity(keepAtMost)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with a scratch no other thread is using. Allocates only when every scratch is busy.
    func withScratch<R>(_ body: (MatcherScratch) -> R) -> R {
        pthread_mutex_lock(mutex)
        let reused = idle.popLast()
        pthread_mutex_unlock(mutex)
        let scratch = reused ?? MatcherScratch(program: program)
        let result = body(scratch)
        pthread_mutex_lock(mutex)
        if idle.count < keepAtMost { idle.append(scratch) }
        pthread_mutex_unlock(mutex)
        return result
    }
}
