#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds every occurrence of several byte strings (request and trace ids) in a buffer, 16
/// candidate positions at a time: two bytes of a needle ("anchors") are compared against 16
/// bytes each with vector compares, and only positions where both match are confirmed by memcmp.
///
/// A single rare byte is not selective enough for hex ids (every byte of one is common in logs,
/// so memchr stops every few dozen bytes); a pair of bytes far apart almost never matches by
/// chance. Each needle is one pass over the buffer: callers pass blocks that fit the cache.
/// Does not allocate while searching.
public struct MultiLiteralSearcher: Sendable {
    public let needles: [[UInt8]]
    /// Per needle, the two positions compared first (`first <= second`), chosen by `rarity`.
    let anchors: [(first: Int, second: Int)]
    /// The length of the longest needle (blocks read in turn overlap by one less).
    public let longest: Int

    /// Empty needles are never found (they match nowhere, so callers need not special-case them).
    public init(_ needles: [[UInt8]]) {
        self.needles = needles
        anchors = needles.map(Self.anchors(of:))
        longest = needles.map(\.count).max() ?? 0
    }

    /// Calls `body` with the needle's index and offset of every occurrence that lies wholly in
    /// `bytes`: needle by needle, each needle's offsets in ascending order.
    public func forEachMatch(in bytes: UnsafeRawBufferPointer, _ body: (_ needle: Int, _ offset: Int) -> Void) {
        guard let base = bytes.baseAddress else { return }
        for (index, needle) in needles.enumerated() where !needle.isEmpty && needle.count <= bytes.count {
            needle.withUnsafeBytes { pattern in
                Self.search(base, bytes.count, pattern, anchors[index]) { body(index, $0) }
            }
        }
    }

    /// One needle over `count` bytes at `base`.
    @inline(__always)
    private static func search(_ base: UnsafeRawPointer, _ count: Int, _ pattern: UnsafeRawBufferPointer,
        _ anchor: (first: Int, second: Int), _ found: (Int) -> Void)
    {
        let n = pattern.count
        let needle = pattern.baseAddress!
        let a = SIMD16<UInt8>(repeating: pattern[anchor.first])
        let b = SIMD16<UInt8>(repeating: pattern[anchor.second])
        var start = 0
        // 16 candidate starts per step, while the last of them still fits whole. (Unrolled by
        // four, the compiler stops inlining `any` and the loop runs slower.)
        while start &+ 15 &+ n <= count {
            let x = base.loadUnaligned(fromByteOffset: start &+ anchor.first, as: SIMD16<UInt8>.self)
            let y = base.loadUnaligned(fromByteOffset: start &+ anchor.second, as: SIMD16<UInt8>.self)
            let both = (x .== a) .& (y .== b)
            if any(both) {
                for lane in 0..<16 where both[lane] && memcmp(base + start + lane, needle, n) == 0 {
                    found(start + lane)
                }
            }
            start &+= 16
        }
        while start + n <= count {
            if memcmp(base + start, needle, n) == 0 { found(start) }
            start += 1
        }
    }

    /// The rarest position of `needle`, and the rarest other one farthest from it (bytes far
    /// apart are the least likely to match together by chance).
    static func anchors(of needle: [UInt8]) -> (first: Int, second: Int) {
        guard !needle.isEmpty else { return (0, 0) }
        let rarest = needle.indices.max { rarity(needle[$0]) < rarity(needle[$1]) }!
        var other = rarest
        for i in needle.indices where i != rarest {
            let better = other == rarest || rarity(needle[i]) > rarity(needle[other])
                || (rarity(needle[i]) == rarity(needle[other]) && abs(i - rarest) > abs(other - rarest))
            if better { other = i }
        }
        return (min(rarest, other), max(rarest, other))
    }

    /// A rough rank of how rare a byte is in logs (higher: rarer). Digits rank with the commonest
    /// letters: timestamps, pids and durations fill log lines with them.
    static func rarity(_ b: UInt8) -> Int {
        switch b {
        case 0x20: 0
        case 0x30...0x39, UInt8(ascii: "e"), UInt8(ascii: "t"), UInt8(ascii: "a"), UInt8(ascii: "o"),
            UInt8(ascii: "i"), UInt8(ascii: "n"), UInt8(ascii: "s"), UInt8(ascii: "r"):
            1
        case 0x61...0x7A, UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: ":"), UInt8(ascii: "-"),
            UInt8(ascii: "\""), UInt8(ascii: "="), UInt8(ascii: ","):
            2
        case 0x41...0x5A: 3
        default: 4
        }
    }
}
