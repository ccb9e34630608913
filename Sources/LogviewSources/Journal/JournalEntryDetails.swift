import LogviewCore

/// The cursor and fields of a journal source's entries, kept as bytes for JSON and the detail view.
///
/// Entry `i` is the i-th entry appended (the same numbering as the source's `RecordSourceBuilder`).
/// Layout per entry in one byte arena: cursor length (UInt16 LE), cursor, then each field as its
/// length (UInt32 LE) and `NAME=value` bytes. `MESSAGE` is not repeated here: it is the entry's
/// message. Appending copies bytes and does not allocate beyond growing the arena.
public final class JournalEntryDetails: EntryDetailProvider, @unchecked Sendable {
    private var bytes: [UInt8] = []
    /// Start of entry i's record in `bytes`; entry i ends where entry i + 1 starts.
    private var starts: [Int] = []

    public init() {}

    public var count: Int { starts.count }

    /// Adds an entry: `cursor` and `fields`, the latter already in the per-field layout
    /// (length + `NAME=value`, as `JournalEntryDetails.appendField` writes it).
    func append(cursor: UnsafeRawBufferPointer, fields: UnsafeRawBufferPointer) {
        starts.append(bytes.count)
        let n = min(cursor.count, Int(UInt16.max))
        bytes.append(UInt8(truncatingIfNeeded: n))
        bytes.append(UInt8(truncatingIfNeeded: n >> 8))
        bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: cursor[0..<n]))
        bytes.append(contentsOf: fields)
    }

    /// Appends all entries of `other` after this store's (a journal read in parallel parts).
    func append(contentsOf other: JournalEntryDetails) {
        let shift = bytes.count
        starts.append(contentsOf: other.starts.lazy.map { $0 + shift })
        bytes.append(contentsOf: other.bytes)
    }

    /// Writes one field in the layout `append(cursor:fields:)` takes.
    @inline(__always)
    static func appendField(_ field: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        let n = UInt32(truncatingIfNeeded: field.count)
        out.append(UInt8(truncatingIfNeeded: n))
        out.append(UInt8(truncatingIfNeeded: n >> 8))
        out.append(UInt8(truncatingIfNeeded: n >> 16))
        out.append(UInt8(truncatingIfNeeded: n >> 24))
        out.append(contentsOf: field)
    }

    /// Calls `body` with the cursor and then each `(name, value)` of entry `i`.
    func withEntry(_ i: Int, cursor: (UnsafeRawBufferPointer) -> Void, field: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Void) {
        let start = starts[i]
        let end = i + 1 < starts.count ? starts[i + 1] : bytes.count
        bytes.withUnsafeBytes { all in
            let record = all.slice(start, end)
            let cursorLength = Int(record[0]) | Int(record[1]) << 8
            cursor(record.slice(2, 2 + cursorLength))
            var p = 2 + cursorLength
            while p + 4 <= record.count {
                let n = Int(record[p]) | Int(record[p + 1]) << 8 | Int(record[p + 2]) << 16 | Int(record[p + 3]) << 24
                let f = record.slice(p + 4, min(p + 4 + n, record.count))
                let eq = f.firstIndex(of: 0x3D, from: 0) ?? f.count
                field(f.slice(0, eq), f.slice(min(eq + 1, f.count), f.count))
                p += 4 + n
            }
        }
    }

    /// The cursor of entry `i` (`s=...;i=...`), for `sd_journal_seek_cursor` and the detail view.
    public func cursor(of i: Int) -> String {
        var text = ""
        withEntry(i, cursor: { text = String(decoding: $0, as: UTF8.self) }, field: { _, _ in })
        return text
    }

    public func appendJSONMembers(entry: Int, to out: inout [UInt8]) {
        var first = true
        withEntry(entry, cursor: { c in
            out.append(contentsOf: #""cursor":"#.utf8)
            JSONString.append(c, to: &out)
            out.append(contentsOf: #","fields":{"#.utf8)
        }, field: { name, value in
            if !first { out.append(0x2C) }
            first = false
            JSONString.append(name, to: &out)
            out.append(0x3A)
            JSONString.append(value, to: &out)
        })
        out.append(0x7D)
    }

    /// The cursor first, then every field; values are decoded leniently (the view sanitises them).
    public func fields(of entry: Int) -> [Field] {
        var out: [Field] = []
        withEntry(entry, cursor: { out.append(Field("__CURSOR", String(decoding: $0, as: UTF8.self))) }, field: { name, value in
            out.append(Field(String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
        })
        return out
    }
}
