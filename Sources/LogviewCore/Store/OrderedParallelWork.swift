#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Runs `count` work items on `threads` long-lived worker threads while the calling thread
/// consumes the results strictly in index order, with at most `window` items done or in
/// progress ahead of the consumer (each in slot `index % window`).
///
/// Rendering used `ParallelWork` round by round: a fresh thread per round lost its thread-local
/// read windows (`SegmentReader.current`) and re-read them, so two threads rendered no faster
/// than one. Here each worker keeps its thread, and so its windows, from the first item to the last.
enum OrderedParallelWork {
    /// `work(index, slot)` runs on a worker; `consume(index, slot)` on the caller, in index order,
    /// returning false to stop (items not yet started are then skipped). With one thread,
    /// everything runs inline, item by item.
    static func run(
        count: Int, threads: Int, window: Int, work: @escaping @Sendable (_ index: Int, _ slot: Int) -> Void,
        consume: (_ index: Int, _ slot: Int) -> Bool
    ) -> Bool {
        let slots = max(1, window)
        guard threads > 1, count > 1 else {
            for i in 0..<count {
                work(i, i % slots)
                if !consume(i, i % slots) { return false }
            }
            return true
        }
        let state = Pipeline(count: count, window: slots, work: work)
        let spawned = ParallelWork.startThreads(min(threads, count)) { state.drain() }
        var finished = true
        for i in 0..<count {
            if spawned.isEmpty {
                state.work(i, i % slots)  // no worker could start: do it here
            } else {
                state.waitUntilDone(i)
            }
            if !consume(i, i % slots) {
                finished = false
                break
            }
            state.consumed(i)
        }
        state.stop()
        for thread in spawned { pthread_join(thread, nil) }
        return finished
    }

    /// The shared state: the next item to hand out, which are done, how many were consumed.
    /// An item `i` is handed out only once `i - window` was consumed, so its slot is free.
    private final class Pipeline: @unchecked Sendable {
        let count: Int
        let window: Int
        let work: @Sendable (Int, Int) -> Void
        // Allocated, not stored properties: a pthread object must not move.
        private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
        private var next = 0
        private var consumedCount = 0
        private var done: [Bool]
        private var stopped = false

        init(count: Int, window: Int, work: @escaping @Sendable (Int, Int) -> Void) {
            self.count = count
            self.window = window
            self.work = work
            done = [Bool](repeating: false, count: count)
            pthread_mutex_init(mutex, nil)
            pthread_cond_init(changed, nil)
        }

        deinit {
            pthread_cond_destroy(changed)
            pthread_mutex_destroy(mutex)
            changed.deallocate()
            mutex.deallocate()
        }

        /// A worker's loop: take the next item whose slot is free, do it, mark it done.
        func drain() {
            while true {
                pthread_mutex_lock(mutex)
                while !stopped && next < count && next >= consumedCount + window {
                    pthread_cond_wait(changed, mutex)
                }
                if stopped || next >= count {
                    pthread_mutex_unlock(mutex)
                    return
                }
                let i = next
                next += 1
                pthread_mutex_unlock(mutex)
                work(i, i % window)
                pthread_mutex_lock(mutex)
                done[i] = true
                pthread_cond_broadcast(changed)
                pthread_mutex_unlock(mutex)
            }
        }

        func waitUntilDone(_ i: Int) {
            pthread_mutex_lock(mutex)
            while !done[i] { pthread_cond_wait(changed, mutex) }
            pthread_mutex_unlock(mutex)
        }

        func consumed(_ i: Int) {
            pthread_mutex_lock(mutex)
            consumedCount = i + 1
            pthread_cond_broadcast(changed)
            pthread_mutex_unlock(mutex)
        }

        func stop() {
            pthread_mutex_lock(mutex)
            stopped = true
            pthread_cond_broadcast(changed)
            pthread_mutex_unlock(mutex)
        }
    }
}
