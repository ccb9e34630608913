// Development stand-ins until the real Sanitizer, JSONString and Pattern land (same API).
public enum Sanitizer {
    public static func appendVisible(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        for b in bytes {
            if b < 0x20 && b != 0x09 || b == 0x7F || b >= 0x80 {
                out.append(0x5C); out.append(0x78)
                let h: [UInt8] = Array("0123456789abcdef".utf8)
                out.append(h[Int(b >> 4)]); out.append(h[Int(b & 15)])
            } else { out.append(b) }
        }
    }
}
public enum JSONString {
    public static func append(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        out.append(0x22)
        for b in bytes {
            if b == 0x22 || b == 0x5C { out.append(0x5C); out.append(b) }
            else if b < 0x20 || b >= 0x80 {
                out.append(contentsOf: Array("\\u00".utf8))
                let h: [UInt8] = Array("0123456789abcdef".utf8)
                out.append(h[Int(b >> 4)]); out.append(h[Int(b & 15)])
            } else { out.append(b) }
        }
        out.append(0x22)
    }
}
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
public enum Gzip {
    public static func isGzip(_ b: UnsafeRawBufferPointer) -> Bool { b.count >= 2 && b[0] == 0x1f && b[1] == 0x8b }
    public static func decompress(_ b: UnsafeRawBufferPointer) throws -> [UInt8] { throw PatternStandInError() }
}
struct PatternStandInError: Error {}
