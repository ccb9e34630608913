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

    public init(timeline: Timeline, style: Style, zone: ZoneRules) {
        self.timeline = timeline
        self.style = style
        self.zone = zone
        sourceWidth = min(timeline.sources.map { $0.name.utf8.count }.max() ?? 0, 24)
        fractionDigits = (timeline.sources.map(\.finestPrecision).max() ?? .seconds).fractionDigits
        // date T time [.frac] +hh:mm, then source and level columns.
        let timeWidth = 19 + (fractionDigits > 0 ? fractionDigits + 1 : 0) + (zone.isFixed && zone.name == "UTC" ? 1 : 6)
        indent = [UInt8](repeating: 0x20, count: timeWidth + 1 + sourceWidth + 1 + 5 + 1)
    }

    /// Appends one entry (with a trailing newline).
    public func write(_ ref: EntryRef, to out: inout [UInt8]) {
        switch style {
        case .text: writeText(ref, to: &out)
        case .json: writeJSON(ref, to: &out)
        }
    }

    private func writeText(_ ref: EntryRef, to out: inout [UInt8]) {
        let src = timeline.sources[ref.source]
        let e = src.entries
        let t = e.timestamp(ref.entry)
        let offset = zone.offset(atUTC: t.seconds)
        RFC3339.append(t, offset: offset, fractionDigits: fractionDigits, separator: 0x54, zoneSuffix: true, to: &out)
        out.append(0x20)
        let name = Array(src.name.utf8.prefix(sourceWidth))
        out.append(contentsOf: name)
        for _ in name.count..<sourceWidth { out.append(0x20) }
        out.append(0x20)
        out.append(contentsOf: e.level(ref.entry).tag.utf8)
        out.append(0x20)
        forEachLine(ref) { index, line in
            if index > 0 {
                out.append(0x0A)
                out.append(contentsOf: indent)
            }
            Sanitizer.appendVisible(line, to: &out)
        }
        out.append(0x0A)
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
        let messageStart = Int(src.entries.messageStarts[ref.entry])
        src.withBytes(of: ref.entry) { bytes in
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
