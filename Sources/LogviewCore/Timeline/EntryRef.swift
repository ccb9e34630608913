/// A packed reference to one entry: source number in the top 16 bits, entry index below.
public struct EntryRef: Hashable, Comparable, Sendable {
    public var raw: UInt64
    @inline(__always)
    public init(source: Int, entry: Int) { raw = UInt64(source) << 48 | UInt64(entry) }
    public var source: Int { Int(raw >> 48) }
    public var entry: Int { Int(raw & 0xFFFF_FFFF_FFFF) }
    public static func < (a: EntryRef, b: EntryRef) -> Bool { a.raw < b.raw }
}
