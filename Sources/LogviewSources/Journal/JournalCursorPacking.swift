/// Packs an sd-journal cursor into 64 bytes and back, so a million kept cursors cost 64 MB, not 130.
///
/// The cursor text libsystemd writes is `s=SEQNUM_ID;i=SEQNUM;b=BOOT_ID;m=MONOTONIC;t=REALTIME;x=XOR`
/// with the two ids as 32 lowercase hex digits and the numbers as lowercase hex without leading
/// zeros. Packed: the two ids as 16 bytes each, then the four numbers as little-endian UInt64.
/// Only text that unpacks to exactly the same bytes is packed; anything else is kept as text.
enum JournalCursorPacking {
    static let packedSize = 64
    /// Longest text `unpack` writes.
    static let maximumTextSize = 2 + 32 + 3 + 16 + 3 + 32 + 3 + 16 + 3 + 16 + 3 + 16

    private static let keys: [UInt8] = Array("sibmtx".utf8)

    /// Writes the packed form of `text` to `out` (64 bytes); false when `text` has another shape.
    static func pack(_ text: UnsafeRawBufferPointer, into out: UnsafeMutableRawPointer) -> Bool {
        var p = 0
        var numberSlot = 0
        for (k, key) in keys.enumerated() {
            if k > 0 {
                guard p < text.count, text[p] == 0x3B else { return false }
                p += 1
            }
            guard p + 2 <= text.count, text[p] == key, text[p + 1] == 0x3D else { return false }
            p += 2
            if key == 0x73 || key == 0x62 {
                // 32 hex digits -> 16 bytes at 0 (s) or 16 (b).
                guard p + 32 <= text.count else { return false }
                let at = key == 0x73 ? 0 : 16
                for j in 0..<16 {
                    guard let hi = digit(text[p + 2 * j]), let lo = digit(text[p + 2 * j + 1]) else { return false }
                    out.storeBytes(of: UInt8(hi << 4 | lo), toByteOffset: at + j, as: UInt8.self)
                }
                p += 32
            } else {
                let start = p
                var value: UInt64 = 0
                while p < text.count, text[p] != 0x3B {
                    guard let d = digit(text[p]), p - start < 16 else { return false }
                    value = value << 4 | UInt64(d)
                    p += 1
                }
                // No digits, or a leading zero, would not come back the same.
                guard p > start, !(text[start] == 0x30 && p - start > 1) else { return false }
                out.storeBytes(of: value.littleEndian, toByteOffset: 32 + 8 * numberSlot, as: UInt64.self)
                numberSlot += 1
            }
        }
        return p == text.count
    }

    /// Writes the text of a packed cursor to `out` (at least `maximumTextSize` bytes); returns its length.
    static func unpack(_ packed: UnsafeRawBufferPointer, into out: UnsafeMutableRawPointer) -> Int {
        var n = 0
        func put(_ b: UInt8) {
            out.storeBytes(of: b, toByteOffset: n, as: UInt8.self)
            n += 1
        }
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var numberSlot = 0
        for (k, key) in keys.enumerated() {
            if k > 0 { put(0x3B) }
            put(key)
            put(0x3D)
            if key == 0x73 || key == 0x62 {
                let at = key == 0x73 ? 0 : 16
                for j in 0..<16 {
                    let b = packed[at + j]
                    put(hex[Int(b >> 4)])
                    put(hex[Int(b & 15)])
                }
            } else {
                let value = UInt64(littleEndian: packed.loadUnaligned(fromByteOffset: 32 + 8 * numberSlot, as: UInt64.self))
                numberSlot += 1
                var shift = 60
                while shift > 0 && (value >> UInt64(shift)) & 15 == 0 { shift -= 4 }
                while shift >= 0 {
                    put(hex[Int((value >> UInt64(shift)) & 15)])
                    shift -= 4
                }
            }
        }
        return n
    }

    @inline(__always)
    private static func digit(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x61...0x66: c - 0x61 + 10
        default: nil
        }
    }
}
