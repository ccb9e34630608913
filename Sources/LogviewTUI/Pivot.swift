import LogviewCore

/// A pivot: a narrowing applied to every pane at once. Pivots stack.
public enum Pivot: Sendable, Equatable {
    /// The entries of one request (its ids, the ids linked to them and the entries linked to it).
    case request(group: UInt32, label: String)
    /// Entries within `halfWidth` of `center`.
    case window(center: Timestamp, halfWidth: TimeSpan)

    /// `request 3c30…` or `window 01-30 14:02:03.123 ±5s` (the time in `zone`).
    public func summary(zone: ZoneRules) -> String {
        switch self {
        case .request(_, let label): return "request \(label)"
        case .window(let center, let w):
            return "window \(EntryText.time(center, zone: zone, fractionDigits: 3)) ±\(TimeSpanText.format(w))"
        }
    }
}

/// Short human text for a span: `5s`, `1m30s`, `250ms`.
public enum TimeSpanText {
    public static func format(_ span: TimeSpan) -> String {
        let ns = span.nanoseconds
        if ns % 1_000_000_000 != 0 { return "\(ns / 1_000_000)ms" }
        var s = ns / 1_000_000_000
        var out = ""
        if s >= 3600 {
            out += "\(s / 3600)h"
            s %= 3600
        }
        if s >= 60 {
            out += "\(s / 60)m"
            s %= 60
        }
        if s > 0 || out.isEmpty { out += "\(s)s" }
        return out
    }
}
