// Development stand-in until the real Pattern lands (same API).
public struct Pattern: Sendable {
    public let source: String
    let needle: [UInt8]
    public init(_ source: String, caseInsensitive: Bool = false) throws { self.source = source; needle = Array(source.utf8) }
    public func firstMatch(in bytes: UnsafeRawBufferPointer, from: Int = 0) -> Range<Int>? {
        if needle.isEmpty { return from..<from }
        var i = from
        while i + needle.count <= bytes.count {
            if (0..<needle.count).allSatisfy({ bytes[i + $0] == needle[$0] }) { return i..<(i + needle.count) }
            i += 1
        }
        return nil
    }
    public func matches(_ bytes: UnsafeRawBufferPointer) -> Bool { firstMatch(in: bytes) != nil }
}
