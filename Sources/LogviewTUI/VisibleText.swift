import LogviewCore

/// The part of a log line that fits on screen, made safe to draw.
///
/// Only the slice that is shown is sanitised and measured (in chunks), so a 2 MB line costs what
/// its visible columns cost, plus a walk over the columns scrolled past.
public enum VisibleText {
    /// Bytes sanitised per step: large enough to amortise, small enough to stop early.
    static let chunk = 4096
    /// A TAB is drawn as this many blanks (the sanitiser keeps TAB; terminals would move the cursor).
    static let tab: [UInt8] = [0x20, 0x20, 0x20, 0x20]

    /// The sanitised text of `raw` from display column `skip`, at most `columns` wide: blanks for
    /// a wide character cut by the left edge, then whole characters. Allocates the result only.
    public static func slice(_ raw: UnsafeRawBufferPointer, skip: Int, columns: Int) -> [UInt8] {
        var out: [UInt8] = []
        guard columns > 0 else { return out }
        var used = 0
        var skipped = 0
        var pos = 0
        var buffer: [UInt8] = []
        buffer.reserveCapacity(chunk + 64)
        while pos < raw.count && used < columns {
            var end = min(pos + chunk, raw.count)
            // Do not cut a UTF-8 sequence: back up over continuation bytes (at most three).
            var back = 0
            while end < raw.count && back < 3 && raw[end] & 0xC0 == 0x80 && end > pos + 1 {
                end -= 1
                back += 1
            }
            buffer.removeAll(keepingCapacity: true)
            appendSanitised(UnsafeRawBufferPointer(rebasing: raw[pos..<end]), to: &buffer)
            pos = end
            var start = 0
            if skipped < skip {
                let width = buffer.withUnsafeBytes { DisplayWidth.of($0) }
                if skipped + width <= skip {
                    skipped += width
                    continue
                }
                let (offset, padding) = buffer.withUnsafeBytes { DisplayWidth.skip($0, columns: skip - skipped) }
                skipped = skip
                start = offset
                let pad = min(padding, columns - used)
                out.append(contentsOf: repeatElement(0x20, count: pad))
                used += pad
            }
            let (count, width) = buffer.withUnsafeBytes {
                DisplayWidth.prefix(UnsafeRawBufferPointer(rebasing: $0[start...]), columns: columns - used)
            }
            out.append(contentsOf: buffer[start..<(start + count)])
            used += width
            if start + count < buffer.count { break }
        }
        return out
    }

    /// The display width of `raw` once sanitised, measured only up to `limit` columns (returns
    /// `limit` when wider). For wrapping without walking a huge line to its end.
    public static func width(_ raw: UnsafeRawBufferPointer, limit: Int) -> Int {
        var total = 0
        var pos = 0
        var buffer: [UInt8] = []
        while pos < raw.count && total < limit {
            var end = min(pos + chunk, raw.count)
            var back = 0
            while end < raw.count && back < 3 && raw[end] & 0xC0 == 0x80 && end > pos + 1 {
                end -= 1
                back += 1
            }
            buffer.removeAll(keepingCapacity: true)
            appendSanitised(UnsafeRawBufferPointer(rebasing: raw[pos..<end]), to: &buffer)
            total += buffer.withUnsafeBytes { DisplayWidth.of($0) }
            pos = end
        }
        return min(total, limit)
    }

    /// The whole text of `raw`, sanitised, with TABs expanded: for short texts (fields, details).
    public static func string(_ raw: UnsafeRawBufferPointer) -> String {
        var out: [UInt8] = []
        appendSanitised(raw, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// A String from a log (a field value), sanitised.
    public static func string(_ text: String) -> String {
        var copy = text
        return copy.withUTF8 { string(UnsafeRawBufferPointer($0)) }
    }

    private static func appendSanitised(_ raw: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        let start = out.count
        Sanitizer.appendVisible(raw, to: &out)
        guard out[start...].contains(0x09) else { return }
        var expanded: [UInt8] = []
        expanded.reserveCapacity(out.count - start + 16)
        for b in out[start...] {
            if b == 0x09 { expanded.append(contentsOf: tab) } else { expanded.append(b) }
        }
        out.replaceSubrange(start..., with: expanded)
    }
}
