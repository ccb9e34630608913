/// Interns correlation id byte strings into dense integer keys.
///
/// Open addressing over an arena of bytes: interning a known id does not allocate, and a new id
/// costs an append to the arena. Keys are assigned 0, 1, 2... in first-seen order.
public struct IDTable: Sendable {
    private var arena: [UInt8] = []
    private var starts: [UInt32] = [0]
    private var kinds: [IDKind] = []
    private var slots: [UInt32]  // key + 1; 0 = empty
    private var mask: Int

    public init() {
        slots = Array(repeating: 0, count: 1024)
        mask = 1023
    }

    public var count: Int { kinds.count }

    /// The key of an id, adding it if new.
    public mutating func intern(_ bytes: UnsafeRawBufferPointer, kind: IDKind) -> UInt32 {
        let h = IDTable.hash(bytes)
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[i]
            if s == 0 { break }
            if equals(Int(s - 1), bytes) { return s - 1 }
            i = (i + 1) & mask
        }
        let key = UInt32(kinds.count)
        arena.append(contentsOf: bytes)
        starts.append(UInt32(arena.count))
        kinds.append(kind)
        slots[i] = key + 1
        if kinds.count * 2 > slots.count { grow() }
        return key
    }

    /// The key of an id if it was seen, without adding it.
    public func key(of text: String) -> UInt32? {
        var t = text
        return t.withUTF8 { buf in
            let bytes = UnsafeRawBufferPointer(buf)
            var i = Int(truncatingIfNeeded: IDTable.hash(bytes)) & mask
            while slots[i] != 0 {
                if equals(Int(slots[i] - 1), bytes) { return slots[i] - 1 }
                i = (i + 1) & mask
            }
            return nil
        }
    }

    public func text(of key: UInt32) -> String {
        String(decoding: arena[Int(starts[Int(key)])..<Int(starts[Int(key) + 1])], as: UTF8.self)
    }

    public func kind(of key: UInt32) -> IDKind { kinds[Int(key)] }

    private func equals(_ key: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let s = Int(starts[key]), e = Int(starts[key + 1])
        guard e - s == bytes.count else { return false }
        return arena.withUnsafeBytes { a in memcmpEqual(a.baseAddress! + s, bytes.baseAddress, bytes.count) }
    }

    private mutating func grow() {
        var bigger = [UInt32](repeating: 0, count: slots.count * 2)
        let m = bigger.count - 1
        for key in 0..<kinds.count {
            let h = arena.withUnsafeBytes { a in
                IDTable.hash(UnsafeRawBufferPointer(rebasing: a[Int(starts[key])..<Int(starts[key + 1])]))
            }
            var i = Int(truncatingIfNeeded: h) & m
            while bigger[i] != 0 { i = (i + 1) & m }
            bigger[i] = UInt32(key + 1)
        }
        slots = bigger
        mask = m
    }

    /// FNV-1a; ids are short, so a simple byte loop is enough.
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h &*= 0x100_0000_01b3
        }
        return h ^ (h >> 29)
    }
}

@inline(__always)
func memcmpEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer?, _ n: Int) -> Bool {
    guard let b else { return n == 0 }
    for i in 0..<n where a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) {
        return false
    }
    return true
}
