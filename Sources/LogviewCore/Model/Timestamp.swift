/// A point in time: nanoseconds since the Unix epoch, UTC.
///
/// Every parser converts its log's notion of time into this at parse time; display
/// converts back into the operator's zone. Plain integer so columns of them stay compact.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public init(seconds: Int64, nanoseconds: Int64 = 0) {
        self.nanoseconds = seconds &* 1_000_000_000 &+ nanoseconds
    }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.nanoseconds < b.nanoseconds }

    public static let distantPast = Timestamp(nanoseconds: .min)
    public static let distantFuture = Timestamp(nanoseconds: .max)

    /// Whole seconds since the epoch, rounded towards negative infinity.
    public var seconds: Int64 {
        nanoseconds >= 0 ? nanoseconds / 1_000_000_000 : (nanoseconds - 999_999_999) / 1_000_000_000
    }

    /// The nanoseconds within the second, 0...999_999_999.
    public var subsecondNanoseconds: Int64 { nanoseconds - seconds * 1_000_000_000 }

    public func advanced(by span: TimeSpan) -> Timestamp {
        Timestamp(nanoseconds: nanoseconds.addingReportingOverflow(span.nanoseconds).overflow
            ? (span.nanoseconds > 0 ? .max : .min) : nanoseconds + span.nanoseconds)
    }

    public var description: String { RFC3339.format(self) }
}

/// A length of time in nanoseconds (signed).
public struct TimeSpan: Hashable, Comparable, Sendable {
    public var nanoseconds: Int64
    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }
    public static func seconds(_ s: Int64) -> TimeSpan { TimeSpan(nanoseconds: s * 1_000_000_000) }
    public static func milliseconds(_ ms: Int64) -> TimeSpan { TimeSpan(nanoseconds: ms * 1_000_000) }
    public static func < (a: TimeSpan, b: TimeSpan) -> Bool { a.nanoseconds < b.nanoseconds }
    public static let zero = TimeSpan(nanoseconds: 0)
}

/// How many fractional-second digits a log printed, so display keeps the precision it had.
public enum TimePrecision: UInt8, Sendable, Comparable {
    case seconds = 0, milliseconds = 1, microseconds = 2, nanoseconds = 3

    public static func < (a: TimePrecision, b: TimePrecision) -> Bool { a.rawValue < b.rawValue }

    public var fractionDigits: Int { Int(rawValue) * 3 }

    /// The length of one unit at this precision: the uncertainty of a timestamp printed with it.
    public var unit: TimeSpan {
        switch self {
        case .seconds: .seconds(1)
        case .milliseconds: .milliseconds(1)
        case .microseconds: TimeSpan(nanoseconds: 1_000)
        case .nanoseconds: TimeSpan(nanoseconds: 1)
        }
    }

    /// The precision of a fraction printed with `digits` digits (1-2 count as milliseconds).
    public init(fractionDigits digits: Int) {
        switch digits {
        case ...0: self = .seconds
        case 1...3: self = .milliseconds
        case 4...6: self = .microseconds
        default: self = .nanoseconds
        }
    }
}
