/// Decides when live updates are drawn. A burst of lines arrives in hundreds of small batches a
/// second; each is added to the timeline at once (nothing is lost), but drawing every one would
/// spend the CPU on screens nobody can read and delay the keys. So a live change is drawn at once
/// only when the last frame is at least `interval` old; otherwise the frame is held and drawn
/// when the interval has passed (`timeout` tells the run loop how long to wait for that), even if
/// no more data comes. Screens drawn for other reasons (a key, a resize) count as frames too.
public struct FramePacer {
    /// The shortest time between two frames drawn for live updates, in nanoseconds; 0 draws
    /// every change.
    public let interval: Int64
    /// Monotonic nanoseconds (injected so tests decide what time it is).
    let clock: () -> Int64
    /// When the last frame was drawn; nil before the first.
    private(set) var lastFrame: Int64?
    /// Whether a live change is waiting to be drawn.
    public private(set) var isPending = false

    /// At most one live frame per `interval` nanoseconds (25 ms: 40 frames a second).
    public init(interval: Int64 = FramePacer.defaultInterval) {
        self.init(interval: interval, clock: RenderLog.clock)
    }

    init(interval: Int64, clock: @escaping () -> Int64) {
        self.interval = max(interval, 0)
        self.clock = clock
    }

    public static let defaultInterval: Int64 = 25_000_000

    /// The interval from `LOGVIEW_LIVE_FRAME_MS` (whole milliseconds, 0 or more), else the default.
    public static func interval(environment value: String?) -> Int64 {
        guard let value, let ms = Int64(value), ms >= 0, ms <= 60_000 else { return defaultInterval }
        return ms * 1_000_000
    }

    /// Live data changed what the screen shows: true when the frame is to be drawn now (then
    /// call `drawn`), false when it is held for later.
    public mutating func changed() -> Bool {
        isPending = true
        return isDue
    }

    /// Whether a held frame is to be drawn now.
    public var isDue: Bool {
        guard isPending else { return false }
        guard let last = lastFrame else { return true }
        return clock() - last >= interval
    }

    /// A frame was drawn (for whatever reason): it shows every change made so far.
    public mutating func drawn() {
        lastFrame = clock()
        isPending = false
    }

    /// Milliseconds until a held frame is due, rounded up (a `poll` timeout); nil when none is
    /// held.
    public var timeout: Int32? {
        guard isPending else { return nil }
        guard let last = lastFrame else { return 0 }
        let left = last + interval - clock()
        return left <= 0 ? 0 : Int32((left + 999_999) / 1_000_000)
    }
}
