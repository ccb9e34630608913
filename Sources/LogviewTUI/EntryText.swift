import LogviewCore

/// The text of an entry as the viewer shows it: its message line and continuation lines.
public enum EntryText {
    /// Calls `body` with the first line of the entry from its message start (without the time,
    /// level and other prefix the format recognised). Does not copy the bytes.
    public static func firstLine<R>(_ timeline: Timeline, _ ref: EntryRef, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let src = timeline.sources[ref.source]
        return src.withBytes(of: ref.entry) { bytes in
            let messageStart = src.messageStart(of: ref.entry, in: bytes)
            let nl = bytes.firstIndex(of: 0x0A, from: 0) ?? bytes.count
            var end = nl
            if end > 0 && bytes[end - 1] == 0x0D { end -= 1 }
            var from = min(messageStart, end)
            while from < end && (bytes[from] == 0x20 || bytes[from] == 0x09) { from += 1 }
            return body(UnsafeRawBufferPointer(rebasing: bytes[from..<end]))
        }
    }

    /// Calls `body` with continuation line `k` (1-based: line 1 is the second physical line).
    public static func line<R>(_ timeline: Timeline, _ ref: EntryRef, _ k: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        timeline.sources[ref.source].withBytes(of: ref.entry) { bytes in
            var start = 0
            var index = 0
            while index < k, let nl = bytes.firstIndex(of: 0x0A, from: start) {
                start = nl + 1
                index += 1
            }
            guard index == k else { return body(UnsafeRawBufferPointer(rebasing: bytes[0..<0])) }
            var end = bytes.firstIndex(of: 0x0A, from: start) ?? bytes.count
            if end > start && bytes[end - 1] == 0x0D { end -= 1 }
            return body(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
        }
    }

    /// The whole entry (every line), sanitised, one String per physical line. For the detail
    /// pane: allocates per line.
    public static func allLines(_ timeline: Timeline, _ ref: EntryRef, maxLines: Int = 2000, maxColumns: Int = 4000) -> [String] {
        timeline.sources[ref.source].withBytes(of: ref.entry) { bytes in
            var out: [String] = []
            var start = 0
            while start <= bytes.count && out.count < maxLines {
                var end = bytes.firstIndex(of: 0x0A, from: start) ?? bytes.count
                let next = end + 1
                if end > start && bytes[end - 1] == 0x0D { end -= 1 }
                let slice = VisibleText.slice(UnsafeRawBufferPointer(rebasing: bytes[start..<end]), skip: 0, columns: maxColumns)
                out.append(String(decoding: slice, as: UTF8.self))
                if next > bytes.count { break }
                start = next
            }
            return out
        }
    }

    /// `01-30 14:02:03.123` in `zone`.
    public static func time(_ t: Timestamp, zone: ZoneRules, fractionDigits: Int, withDate: Bool = true) -> String {
        var out: [UInt8] = []
        RFC3339.append(t, offset: zone.offset(atUTC: t.seconds), fractionDigits: fractionDigits, separator: 0x20,
            zoneSuffix: false, to: &out)
        return String(decoding: out.dropFirst(withDate ? 5 : 11), as: UTF8.self)
    }
}

