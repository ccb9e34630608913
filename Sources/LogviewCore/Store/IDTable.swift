#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Interns correlation id byte strings into dense integer keys.
///
/// Open addressing over an arena of bytes: interning a known id does not allocate, and a new id
/// costs an append to the arena. Keys are assigned 0, 1, 2... in first-seen order. An id of
/// lowercase hex digits (most request and trace ids) is kept as its nibbles, half its length.
public struct IDTable: Sendable {
    private var arena: [UInt8] = []
    private var starts: [UInt32] = [0]
    private var kinds: [IDKind] = []
    /// Per id: whether the arena holds it as nibbles (two hex digits a byte).
    private var packed: [Bool] = []
    /// Per slot: the id's 32-bit hash in the high half, key + 1 in the low half; 0 = empty.
    /// Keeping the hash beside the key lets a probe skip other ids without touching the arena,
    /// and lets `grow` place keys without hashing their bytes again.
    private var slots: [UInt64]
    private var mask: Int

    /// False for a table the indexer does not fill: entries then get no correlation keys.
    public let collects: Bool

    public init() {
        self.init(collecting: true)
    }

    /// `collecting` false: the indexer skips the ids (`IndexingOptions.correlationIDs`).
    public init(collecting: Bool) {
        collects = collecting
        slots = Array(repeating: 0, count: collecting ? 1024 : 1)
        mask = collecting ? 1023 : 0
    }

    public var count: Int { kinds.count }

    /// Makes room for `n` ids in all, so interning that many does not rehash.
    public mutating func reserveCapacity(_ n: Int) {
        var size = slots.count
        while n * 2 > size { size *= 2 }
        if size > slots.count { resize(to: size) }
    }

    /// Makes room for `n` ids and `bytes` bytes of them in all (a projection of the whole file),
    /// so the arena is not doubled past what the file needs.
    mutating func reserveCapacity(_ n: Int, bytes: Int) {
        reserveCapacity(n)
        if bytes > arena.capacity { arena.reserveCapacity(bytes) }
        if n + 1 > starts.capacity {
            starts.reserveCapacity(n + 1)
            kinds.reserveCapacity(n)
            packed.reserveCapacity(n)
        }
    }

    /// Bytes the ids take in the arena.
    var storedBytes: Int { arena.count }

    /// The key of an id, adding it if new. Does not allocate for a known id.
    public mutating func intern(_ bytes: UnsafeRawBufferPointer, kind: IDKind) -> UInt32 {
        guard IDTable.isPackable(bytes) else { return insert(bytes, packed: false, kind: kind) }
        return withUnsafeTemporaryAllocation(byteCount: bytes.count / 2, alignment: 1) { nibbles in
            IDTable.pack(bytes, into: nibbles)
            return insert(UnsafeRawBufferPointer(nibbles), packed: true, kind: kind)
        }
    }

    /// The key in this table of key `key` of `other`, adding it if new; the id moves over as
    /// `other` stores it (no spelling out and packing again).
    public mutating func intern(_ key: UInt32, of other: IDTable) -> UInt32 {
        let k = Int(key)
        let s = Int(other.starts[k]), e = Int(other.starts[k + 1])
        return other.arena.withUnsafeBytes { a in
            insert(UnsafeRawBufferPointer(rebasing: a[s..<e]), packed: other.packed[k], kind: other.kinds[k])
        }
    }

    /// Interns an id as the arena holds it (`stored`: its nibbles when `packed`).
    private mutating func insert(_ stored: UnsafeRawBufferPointer, packed isPacked: Bool, kind: IDKind) -> UInt32 {
        let h = IDTable.hash(stored, packed: isPacked)
        var i = Int(truncatingIfNeeded: h) & mask
        let tag = UInt64(h) << 32
        let found: UInt32? = slots.withUnsafeBufferPointer { table in
            while true {
                let s = table[i]
                if s == 0 { return nil }
                if s & 0xFFFF_FFFF_0000_0000 == tag, equals(Int(UInt32(truncatingIfNeeded: s) - 1), stored, isPacked) {
                    return UInt32(truncatingIfNeeded: s) - 1
                }
                i = (i + 1) & mask
            }
        }
        if let found { return found }
        let key = UInt32(kinds.count)
        arena.append(contentsOf: stored)
        starts.append(UInt32(arena.count))
        kinds.append(kind)
        packed.append(isPacked)
        slots[i] = tag | UInt64(key + 1)
        if kinds.count * 2 > slots.count { resize(to: slots.count * 2) }
        return key
    }

    /// The key of an id if it was seen, without adding it.
    public func key(of text: String) -> UInt32? {
        var t = text
        return t.withUTF8 { buf in
            let bytes = UnsafeRawBufferPointer(buf)
            guard IDTable.isPackable(bytes) else { return find(bytes, packed: false) }
            return withUnsafeTemporaryAllocation(byteCount: bytes.count / 2, alignment: 1) { nibbles in
                IDTable.pack(bytes, into: nibbles)
                return find(UnsafeRawBufferPointer(nibbles), packed: true)
            }
        }
    }

    private func find(_ stored: UnsafeRawBufferPointer, packed isPacked: Bool) -> UInt32? {
        let h = IDTable.hash(stored, packed: isPacked)
        let tag = UInt64(h) << 32
        var i = Int(truncatingIfNeeded: h) & mask
        while slots[i] != 0 {
            let s = slots[i]
            if s & 0xFFFF_FFFF_0000_0000 == tag, equals(Int(UInt32(truncatingIfNeeded: s) - 1), stored, isPacked) {
                return UInt32(truncatingIfNeeded: s) - 1
            }
            i = (i + 1) & mask
        }
        return nil
    }

    public func text(of key: UInt32) -> String {
        withBytes(of: key) { String(decoding: $0, as: UTF8.self) }
    }

    public func kind(of key: UInt32) -> IDKind { kinds[Int(key)] }

    /// Calls `body` with the bytes of a key's id (spelled out again in a stack buffer when kept as
    /// nibbles).
    public func withBytes<R>(of key: UInt32, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let s = Int(starts[Int(key)]), e = Int(starts[Int(key) + 1])
        guard packed[Int(key)] else {
            return arena.withUnsafeBytes { a in body(UnsafeRawBufferPointer(rebasing: a[s..<e])) }
        }
        return withUnsafeTemporaryAllocation(byteCount: 2 * (e - s), alignment: 1) { text in
            for k in s..<e {
                text[2 * (k - s)] = IDTable.hexDigits[Int(arena[k] >> 4)]
                text[2 * (k - s) + 1] = IDTable.hexDigits[Int(arena[k] & 0x0F)]
            }
            return body(UnsafeRawBufferPointer(text))
        }
    }

    /// Whether key `key` is stored as `stored` (both as nibbles, or both as bytes).
    private func equals(_ key: Int, _ stored: UnsafeRawBufferPointer, _ isPacked: Bool) -> Bool {
        let s = Int(starts[key]), e = Int(starts[key + 1])
        guard packed[key] == isPacked, e - s == stored.count else { return false }
        return arena.withUnsafeBytes { a in memcmpEqual(a.baseAddress! + s, stored.baseAddress, stored.count) }
    }

    /// Hex digits to nibbles, two a byte.
    private static func pack(_ hex: UnsafeRawBufferPointer, into nibbles: UnsafeMutableRawBufferPointer) {
        for j in 0..<(hex.count / 2) { nibbles[j] = nibble(hex[2 * j]) << 4 | nibble(hex[2 * j + 1]) }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Whether an id is an even number (up to 512) of lowercase hex digits, so its nibbles spell
    /// it exactly.
    static func isPackable(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= 2, bytes.count <= 512, bytes.count % 2 == 0 else { return false }
        for b in bytes where !((b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66)) { return false }
        return true
    }

    @inline(__always)
    static func nibble(_ digit: UInt8) -> UInt8 { digit <= 0x39 ? digit &- 0x30 : digit &- 0x61 &+ 10 }

    private mutating func resize(to size: Int) {
        var bigger = [UInt64](repeating: 0, count: size)
        let m = size - 1
        for s in slots where s != 0 {
            var i = Int(truncatingIfNeeded: s >> 32) & m
            while bigger[i] != 0 { i = (i + 1) & m }
            bigger[i] = s
        }
        slots = bigger
        mask = m
    }

    /// A 32-bit hash mixing 8 bytes at a time (ids are 16 to 55 bytes of hex).
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer, packed: Bool = false) -> UInt32 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count) ^ (packed ? 0x5555_0000 : 0)
        guard let base = bytes.baseAddress else { return UInt32(truncatingIfNeeded: h >> 32) }
        var i = 0
        let n = bytes.count
        while i &+ 8 <= n {
            h = (h ^ base.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 29
            i &+= 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(base.load(fromByteOffset: i, as: UInt8.self)) << shift
            shift &+= 8
            i &+= 1
        }
        h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        h ^= h >> 31
        return UInt32(truncatingIfNeeded: h >> 16)
    }
}

@inline(__always)
func memcmpEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer?, _ n: Int) -> Bool {
    guard let b else { return n == 0 }
    return memcmp(a, b, n) == 0
}
