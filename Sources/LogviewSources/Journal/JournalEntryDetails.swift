import LogviewCore

/// The cursor and fields of a journal source's entries, kept as bytes for JSON and the detail view.
///
/// Entry `i` is the i-th entry appended (the same numbering as the source's `RecordSourceBuilder`).
/// Layout of an entry's record: cursor length (UInt16 LE), cursor, then each field as its length
/// (UInt32 LE) and `NAME=value` bytes. `MESSAGE` is not repeated here: it is the entry's message.
/// Records live in 1 MiB chunks that never move, so a million entries cost no reallocation copies;
/// appending copies the record once and allocates only a new chunk now and then.
public final class JournalEntryDetails: EntryDetailProvider, @unchecked Sendable {
    static let chunkSize = 1 << 20
    private var chunks: [UnsafeMutableRawBufferPointer] = []
    /// Bytes used in the last chunk.
    private var used = 0
    /// Entry i's record: chunk index << 32 | offset in the chunk.
    private var places: [UInt64] = []
    private var lengths: [UInt32] = []

    public init() {}

    deinit { for c in chunks { c.deallocate() } }

    public var count: Int { places.count }

    /// Adds an entry: `cursor` and `fields`, the latter already in the per-field layout
    /// (each a UInt32 LE length, then `NAME=value`).
    func append(cursor: UnsafeRawBufferPointer, fields: UnsafeRawBufferPointer) {
        let n = min(cursor.count, Int(UInt16.max))
        let size = 2 + n + fields.count
        if chunks.isEmpty || used + size > chunks[chunks.count - 1].count {
            chunks.append(UnsafeMutableRawBufferPointer.allocate(byteCount: max(JournalEntryDetails.chunkSize, size), alignment: 8))
            used = 0
        }
        let base = chunks[chunks.count - 1].baseAddress! + used
        base.storeBytes(of: UInt8(truncatingIfNeeded: n), as: UInt8.self)
        (base + 1).storeBytes(of: UInt8(truncatingIfNeeded: n >> 8), as: UInt8.self)
        if n > 0 { (base + 2).copyMemory(from: cursor.baseAddress!, byteCount: n) }
        if fields.count > 0 { (base + 2 + n).copyMemory(from: fields.baseAddress!, byteCount: fields.count) }
        places.append(UInt64(chunks.count - 1) << 32 | UInt64(used))
        lengths.append(UInt32(truncatingIfNeeded: size))
        used += size
    }

    /// Copies the entries of `other` after this store's (a small live batch: its mostly empty
    /// chunk is not kept).
    func appendCopies(of other: JournalEntryDetails) {
        for i in 0..<other.count {
            let place = other.places[i]
            let chunk = other.chunks[Int(place >> 32)]
            let start = Int(place & 0xFFFF_FFFF)
            appendRecord(UnsafeRawBufferPointer(rebasing: chunk[start..<(start + Int(other.lengths[i]))]))
        }
    }

    private func appendRecord(_ record: UnsafeRawBufferPointer) {
        if chunks.isEmpty || used + record.count > chunks[chunks.count - 1].count {
            chunks.append(UnsafeMutableRawBufferPointer.allocate(byteCount: max(JournalEntryDetails.chunkSize, record.count), alignment: 8))
            used = 0
        }
        if record.count > 0 { (chunks[chunks.count - 1].baseAddress! + used).copyMemory(from: record.baseAddress!, byteCount: record.count) }
        places.append(UInt64(chunks.count - 1) << 32 | UInt64(used))
        lengths.append(UInt32(truncatingIfNeeded: record.count))
        used += record.count
    }

    /// Takes over all entries of `other` after this store's (a journal read in parallel parts);
    /// moves its chunks without copying. `other` is empty afterwards.
    func append(contentsOf other: JournalEntryDetails) {
        let shift = UInt64(chunks.count) << 32
        places.append(contentsOf: other.places.lazy.map { $0 &+ shift })
        lengths.append(contentsOf: other.lengths)
        if !other.chunks.isEmpty {
            chunks.append(contentsOf: other.chunks)
            used = other.used
        }
        other.chunks = []
        other.places = []
        other.lengths = []
        other.used = 0
    }

    /// Forgets the first `count` entries and frees the chunks only they used.
    public func dropFirst(_ count: Int) -> Bool {
        places.removeFirst(count)
        lengths.removeFirst(count)
        let firstUsed = places.first.map { Int($0 >> 32) } ?? max(chunks.count - 1, 0)
        guard firstUsed > 0 else { return true }
        for c in chunks[..<firstUsed] { c.deallocate() }
        chunks.removeFirst(firstUsed)
        let shift = UInt64(firstUsed) << 32
        for i in places.indices { places[i] -= shift }
        return true
    }

    /// Calls `cursor` with the cursor and then `field` with each `(name, value)` of entry `i`.
    func withEntry(_ i: Int, cursor: (UnsafeRawBufferPointer) -> Void, field: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Void) {
        let place = places[i]
        let chunk = chunks[Int(place >> 32)]
        let record = UnsafeRawBufferPointer(start: chunk.baseAddress! + Int(place & 0xFFFF_FFFF), count: Int(lengths[i]))
        let cursorLength = Int(record[0]) | Int(record[1]) << 8
        cursor(record.slice(2, 2 + cursorLength))
        var p = 2 + cursorLength
        while p + 4 <= record.count {
            let n = Int(record.loadUnaligned(fromByteOffset: p, as: UInt32.self).littleEndian)
            let f = record.slice(p + 4, min(p + 4 + n, record.count))
            let eq = f.firstIndex(of: 0x3D, from: 0) ?? f.count
            field(f.slice(0, eq), f.slice(min(eq + 1, f.count), f.count))
            p += 4 + n
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
