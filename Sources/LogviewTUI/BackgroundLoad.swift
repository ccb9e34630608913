import Dispatch
import LogviewCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Loading that runs while the viewer is already up: `work` reads and indexes the sources on
/// its own thread and builds the timeline there (the merge of a large corpus takes a while too);
/// the run loop polls `descriptor`, and `take` hands it the progress and, once, the result. The
/// viewer's timeline is only touched on the run loop's thread.
///
/// A `preview`, when given, runs first on the same thread: a timeline of the sources' newest
/// part, cheap to make, which the viewer shows while the whole is indexed (DESIGN.md #3: the
/// first screen does not wait for the whole file).
public final class BackgroundLoad: Sendable {
    /// Sources read of all there are (`total` 0 until the sources are listed).
    public struct Progress: Sendable, Equatable {
        public var done: Int
        public var total: Int

        public init(done: Int, total: Int) {
            self.done = done
            self.total = total
        }
    }

    /// What loading produced: the merged timeline and one line per source that failed.
    public struct Outcome: Sendable {
        public var timeline: Timeline
        public var problems: [String]

        public init(timeline: Timeline, problems: [String]) {
            self.timeline = timeline
            self.problems = problems
        }
    }

    struct State {
        var progress = Progress(done: 0, total: 0)
        var preview: Timeline?
        var outcome: Outcome?
        var finished = false
    }

    private let state = Mutex(State())
    /// A byte is written to `wake.write` at every change; the run loop polls `wake.read`.
    private let wake: (read: Int32, write: Int32)
    private let work: @Sendable (_ report: @escaping @Sendable (Progress) -> Void) -> Outcome
    private let preview: (@Sendable () -> Timeline?)?

    /// `work` runs on a thread of its own after `start`; it calls `report` as sources finish.
    /// `preview` runs before it on that thread; a timeline it returns is shown until the outcome.
    public init(preview: (@Sendable () -> Timeline?)? = nil,
        _ work: @escaping @Sendable (_ report: @escaping @Sendable (Progress) -> Void) -> Outcome)
    {
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            for fd in fds {
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            }
        } else {
            fds = [-1, -1]
        }
        wake = (fds[0], fds[1])
        self.work = work
        self.preview = preview
    }

    deinit {
        if wake.read >= 0 { close(wake.read) }
        if wake.write >= 0 { close(wake.write) }
    }

    public var descriptor: Int32 { wake.read }

    /// Whether the outcome has been taken (loading is over for the viewer).
    public var isFinished: Bool { state.withLock { $0.finished } }

    public func start() {
        DispatchQueue.global().async { [self] in
            if let made = preview?() {
                state.withLock { if $0.outcome == nil { $0.preview = made } }
                signal()
            }
            let outcome = work { p in
                self.state.withLock { $0.progress = p }
                self.signal()
            }
            state.withLock { $0.outcome = outcome }
            signal()
        }
    }

    /// The latest progress, the preview the first time it is there (unless the outcome came
    /// first), and the outcome the first time it is there.
    public func take() -> (progress: Progress, preview: Timeline?, outcome: Outcome?) {
        var scratch = [UInt8](repeating: 0, count: 256)
        while scratch.withUnsafeMutableBytes({ read(wake.read, $0.baseAddress, $0.count) }) > 0 {}
        return state.withLock { s in
            let preview = s.preview
            s.preview = nil
            guard !s.finished, let o = s.outcome else { return (s.progress, preview, nil) }
            s.finished = true
            s.outcome = nil
            return (s.progress, nil, o)
        }
    }

    private func signal() {
        var byte: UInt8 = 1
        _ = write(wake.write, &byte, 1)  // a full pipe already wakes the loop
    }
}
