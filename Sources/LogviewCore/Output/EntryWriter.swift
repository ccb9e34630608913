/// Renders entries as text lines or JSON lines into a byte buffer (print mode).
///
/// Every byte from a log goes through `Sanitizer` (text) or `JSONString` (JSON): nothing a log
/// contains reaches the terminal raw.
public struct EntryWriter {
    public enum Style: String, Sendable, CaseIterable { case text, json }

    public let style: Style
    public let timeline: Timeline
    /// Zone for text timestamps.
    public let zone: ZoneRules
    private let sourceWidth: Int
    private let fractionDigits: Int
    private let indent: [UInt8]
    /// Per source: its name padded to the source column, and a space.
    private let sourceColumns: [[UInt8]]
    /// Per level (raw value): its 5-column tag and a space.
    private let levelColumns: [[UInt8]]
    /// The text rendering of the last second written (many entries share one).
    private let lastSecond = SecondText()

    public init(timeline: Timeline, style: Style, zone: ZoneRules) {
        self.timeline = timeline
        self.style = style
        self.zone = zone
        sourceWidth = min(timeline.sources.map { $0.name.utf8.count }.max() ?? 0, 24)
        fractionDigits = (timeline.sources.map(\.finestPrecision).max() ?? .seconds).fractionDigits
        // date T time [.frac] +hh:mm, then source and level columns.
        let timeWidth = 19 + (fractionDigits > 0 ? fractionDigits + 1 : 0) + (zone.isFixed && zone.name == "UTC" ? 1 : 6)
        indent = [UInt8](repeating: 0x20, count: timeWidth + 1 + sourceWidth + 1 + 5 + 1)
        let width = sourceWidth
        sourceColumns = timeline.sources.map { src in
            let name = Array(src.name.utf8.prefix(width))
            return name + [UInt8](repeating: 0x20, count: width - name.count + 1)
        }
        levelColumns = (0..<16).map { Array((Level(rawValue: UInt8($0)) ?? .unknown).tag.utf8) + [0x20] }
    }

    /// Appends one entry (with a trailing newline).
    public func write(_ ref: EntryRef, to out: inout [UInt8]) {
        switch style {
        case .text: writeText(ref, to: &out)
        case .json: writeJSON(ref, to: &out)
        }
    }

    /// Does not allocate but to grow `out`: the date and time of a second are rendered once.
    private func writeText(_ ref: EntryRef, to out: inout [UInt8]) {
        let src = timeline.sources[ref.source]
        let t = Timestamp(nanoseconds: src.entries.timestamps[ref.entry])
        let second = t.seconds
        if second != lastSecond.second || lastSecond.text.isEmpty {
            lastSecond.second = second
            lastSecond.text.removeAll(keepingCapacity: true)
            RFC3339.append(
                Timestamp(seconds: second, nanoseconds: 0), offset: zone.offset(atUTC: second), fractionDigits: 0,
                separator: 0x54, zoneSuffix: false, to: &lastSecond.text)
            lastSecond.zone.removeAll(keepingCapacity: true)
            RFC3339.appendZone(offset: zone.offset(atUTC: second), to: &lastSecond.zone)
        }
        out.append(contentsOf: lastSecond.text)
        if fractionDigits > 0 {
            out.append(0x2E)
            var frac = Int(t.subsecondNanoseconds)
            for _ in fractionDigits..<9 { frac /= 10 }
            RFC3339.pad(frac, fractionDigits, &out)
        }
        out.append(contentsOf: lastSecond.zone)
        out.append(0x20)
        out.append(contentsOf: sourceColumns[ref.source])
        out.append(contentsOf: levelColumns[Int(src.entries.meta[ref.entry] & 0x0F)])
        // The lines, inline rather than through `forEachLine`: a closure would copy the writer.
        let bytes = src.bytes(of: ref.entry, using: SegmentReader.current)
        let messageStart = src.messageStart(of: ref.entry, in: bytes)
        var start = 0
        var first = true
        while true {
            let nl = bytes.firstIndex(of: 0x0A, from: start) ?? bytes.count
            var end = nl
            if end > start, bytes[end - 1] == 0x0D { end -= 1 }
            if first {
                Sanitizer.appendVisible(bytes.slice(bytes.skipBlanks(from: min(messageStart, end)), end), to: &out)
                first = false
            } else {
                out.append(0x0A)
                out.append(contentsOf: indent)
                Sanitizer.appendVisible(bytes.slice(start, end), to: &out)
            }
            if nl >= bytes.count { break }
            start = nl + 1
        }
        out.append(0x0A)
    }

    /// Text only: the entry's physical lines from `first` (1 or more) on, each indented as a
    /// continuation line, for lines that joined an entry after it was printed (follow mode).
    public func writeContinuation(_ ref: EntryRef, fromLine first: Int, to out: inout [UInt8]) {
        let indent = self.indent
        forEachLine(ref) { i, line in
            guard i >= max(first, 1) else { return }
            out.append(contentsOf: indent)
            Sanitizer.appendVisible(line, to: &out)
            out.append(0x0A)
        }
    }

    private func writeJSON(_ ref: EntryRef, to out: inout [UInt8]) {
        let src = timeline.sources[ref.source]
        let e = src.entries
        out.append(contentsOf: #"{"ts":""#.utf8)
        RFC3339.append(e.timestamp(ref.entry), offset: 0, fractionDigits: 9, separator: 0x54, zoneSuffix: true, to: &out)
        out.append(contentsOf: #"","source":"#.utf8)
        appendJSON(src.name, &out)
        out.append(contentsOf: #","level":""#.utf8)
        out.append(contentsOf: e.level(ref.entry).name.utf8)
        out.append(contentsOf: #"","request_ids":["#.utf8)
        for (k, key) in e.keys(of: ref.entry).enumerated() {
            if k > 0 { out.append(0x2C) }
            appendJSON(timeline.correlation.ids.text(of: key), &out)
        }
        out.append(contentsOf: #"],"message":"#.utf8)
        var message: [UInt8] = []
        forEachLine(ref) { index, line in
            if index > 0 { message.append(0x0A) }
            message.append(contentsOf: line)
        }
        message.withUnsafeBytes { JSONString.append($0, to: &out) }
        if let details = src.details {
            out.append(0x2C)
            details.appendJSONMembers(entry: ref.entry, to: &out)
            out.append(contentsOf: #","lines":"#.utf8)
            out.append(contentsOf: String(e.lineCounts[ref.entry]).utf8)
            out.append(contentsOf: "}\n".utf8)
            return
        }
        out.append(contentsOf: #","file":"#.utf8)
        appendJSON(src.path(of: ref.entry), &out)
        out.append(contentsOf: #","line":"#.utf8)
        out.append(contentsOf: String(e.lines[ref.entry]).utf8)
        out.append(contentsOf: #","lines":"#.utf8)
        out.append(contentsOf: String(e.lineCounts[ref.entry]).utf8)
        out.append(contentsOf: "}\n".utf8)
    }

    private func appendJSON(_ s: String, _ out: inout [UInt8]) {
        var s = s
        s.withUTF8 { JSONString.append(UnsafeRawBufferPointer($0), to: &out) }
    }

    /// Calls `body` with each physical line of the entry, the first from its message start
    /// (leading blanks skipped), without line terminators.
    public func forEachLine(_ ref: EntryRef, _ body: (Int, UnsafeRawBufferPointer) -> Void) {
        let src = timeline.sources[ref.source]
        src.withBytes(of: ref.entry) { bytes in
            let messageStart = src.messageStart(of: ref.entry, in: bytes)
            var start = 0, index = 0
            while start <= bytes.count {
                let nl = bytes.firstIndex(of: 0x0A, from: start) ?? bytes.count
                var end = nl
                if end > start, bytes[end - 1] == 0x0D { end -= 1 }
                var from = start
                if index == 0 { from = bytes.skipBlanks(from: min(messageStart, end)) }
                body(index, bytes.slice(from, end))
                index += 1
                if nl >= bytes.count { break }
                start = nl + 1
            }
        }
    }
}

/// The rendering of one second of wall-clock time, reused while entries stay in that second.
private final class SecondText: @unchecked Sendable {
    var second: Int64 = 0
    var text: [UInt8] = []
    var zone: [UInt8] = []
}
