import Synchronization
import Testing
@testable import LogviewTUI

/// A clock the test sets by hand (monotonic nanoseconds); the run-loop test reads it from the
/// viewer's thread.
final class HandClock: Sendable {
    private let value = Atomic<Int64>(0)
    var now: Int64 {
        get { value.load(ordering: .sequentiallyConsistent) }
        set { value.store(newValue, ordering: .sequentiallyConsistent) }
    }
    func read() -> Int64 { now }
}

@Suite struct FramePacerTests {
    static let ms: Int64 = 1_000_000

    @Test func theFirstLiveChangeIsDrawnAtOnce() {
        let clock = HandClock()
        clock.now = 5 * Self.ms
        var pacer = FramePacer(interval: 25 * Self.ms, clock: clock.read)
        #expect(pacer.timeout == nil)
        #expect(pacer.changed() == true)
        pacer.drawn()
        #expect(pacer.isPending == false)
        #expect(pacer.timeout == nil)
    }

    @Test func changesWithinTheIntervalAreHeldAndDrawnOnceItHasPassed() {
        let clock = HandClock()
        var pacer = FramePacer(interval: 25 * Self.ms, clock: clock.read)
        clock.now = 100 * Self.ms
        pacer.drawn()
        // Three batches 1 ms, 10 ms and 24.5 ms after the frame: all held.
        clock.now = 101 * Self.ms
        #expect(pacer.changed() == false)
        #expect(pacer.timeout == 24)
        clock.now = 110 * Self.ms
        #expect(pacer.changed() == false)
        #expect(pacer.timeout == 15)
        clock.now = 124 * Self.ms + Self.ms / 2
        #expect(pacer.changed() == false)
        #expect(pacer.isDue == false)
        #expect(pacer.timeout == 1)  // rounded up: poll must not wake before the frame is due
        // No more data: at 125 ms the held frame is due, and stays due until drawn.
        clock.now = 125 * Self.ms
        #expect(pacer.isDue == true)
        #expect(pacer.timeout == 0)
        clock.now = 140 * Self.ms
        #expect(pacer.isDue == true)
        pacer.drawn()
        #expect(pacer.isPending == false)
        #expect(pacer.isDue == false)
        #expect(pacer.timeout == nil)
        // The next interval counts from that frame (140 ms), not from the due time.
        clock.now = 160 * Self.ms
        #expect(pacer.changed() == false)
        #expect(pacer.timeout == 5)
        clock.now = 165 * Self.ms
        #expect(pacer.changed() == true)
    }

    @Test func aKeyFrameShowsTheHeldChangesAndRestartsTheInterval() {
        let clock = HandClock()
        var pacer = FramePacer(interval: 25 * Self.ms, clock: clock.read)
        pacer.drawn()
        clock.now = 3 * Self.ms
        #expect(pacer.changed() == false)
        // A key at 7 ms draws at once (the run loop draws for keys unconditionally).
        clock.now = 7 * Self.ms
        pacer.drawn()
        #expect(pacer.isPending == false)
        #expect(pacer.timeout == nil)
        clock.now = 31 * Self.ms
        #expect(pacer.changed() == false)
        #expect(pacer.timeout == 1)
        clock.now = 32 * Self.ms
        #expect(pacer.isDue == true)
    }

    @Test func aBurstOfBatchesEveryMillisecondIsDrawnFortyTimesASecond() {
        let clock = HandClock()
        var pacer = FramePacer(interval: 25 * Self.ms, clock: clock.read)
        var frames: [Int64] = []
        for t in 0..<1000 {
            clock.now = Int64(t) * Self.ms
            if pacer.changed() {
                pacer.drawn()
                frames.append(Int64(t))
            }
        }
        #expect(frames.count == 40)
        #expect(frames.prefix(3) == [0, 25, 50])
        #expect(frames.last == 975)
    }

    @Test func intervalZeroDrawsEveryChange() {
        let clock = HandClock()
        var pacer = FramePacer(interval: 0, clock: clock.read)
        pacer.drawn()
        #expect(pacer.changed() == true)
        pacer.drawn()
        #expect(pacer.changed() == true)
        #expect(pacer.timeout == 0)
    }

    @Test(arguments: [
        (nil, 25_000_000), ("25", 25_000_000), ("0", 0), ("100", 100_000_000), ("-1", 25_000_000),
        ("abc", 25_000_000), ("", 25_000_000), ("60001", 25_000_000),
    ] as [(String?, Int64)])
    func theIntervalComesFromTheEnvironment(value: String?, nanoseconds: Int64) {
        #expect(FramePacer.interval(environment: value) == nanoseconds)
    }
}
