#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds a byte string with `memchr` on its rarest byte, then `memcmp` to confirm.
///
/// Does not allocate; linear in practice (each candidate is confirmed by one memcmp).
public struct LiteralSearcher: Sendable {
    public let needle: [UInt8]
    /// The needle byte least likely in log text, the one memchr looks for.
    private let anchorOffset: Int

    public init(_ needle: [UInt8]) {
        self.needle = needle
        var best = 0
        for i in needle.indices where Self.rarity(needle[i]) > Self.rarity(needle[best]) { best = i }
        anchorOffset = best
    }

    /// The start of the first occurrence at or after `from`.
    public func firstIndex(in bytes: UnsafeRawBufferPointer, from: Int) -> Int? {
        let n = needle.count
        guard from >= 0, n <= bytes.count - from, let base = bytes.baseAddress else {
            return n == 0 && from <= bytes.count ? from : nil
        }
        if n == 0 { return from }
        let anchor = Int32(needle[anchorOffset])
        return needle.withUnsafeBytes { pattern -> Int? in
            var candidate = from + anchorOffset
            let lastCandidate = bytes.count - n + anchorOffset
            while candidate <= lastCandidate {
                guard let hit = memchr(base + candidate, anchor, lastCandidate - candidate + 1) else { return nil }
                let at = base.distance(to: UnsafeRawPointer(hit))
                let start = at - anchorOffset
                if memcmp(base + start, pattern.baseAddress!, n) == 0 { return start }
                candidate = at + 1
            }
            return nil
        }
    }

    /// A rough rank of how rare a byte is in logs (higher: rarer).
    private static func rarity(_ b: UInt8) -> Int {
        switch b {
        case 0x20: 0
        case UInt8(ascii: "e"), UInt8(ascii: "t"), UInt8(ascii: "a"), UInt8(ascii: "o"), UInt8(ascii: "i"),
            UInt8(ascii: "n"), UInt8(ascii: "s"), UInt8(ascii: "r"), UInt8(ascii: "0"), UInt8(ascii: "1"):
            1
        case 0x61...0x7A, 0x30...0x39, UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: ":"),
            UInt8(ascii: "-"), UInt8(ascii: "\""), UInt8(ascii: "="), UInt8(ascii: ","):
            2
        case 0x41...0x5A: 3
        case 0x80...0xFF: 5
        default: 4
        }
    }
}
