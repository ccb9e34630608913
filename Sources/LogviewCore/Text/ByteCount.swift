/// Counts one byte value (newlines) in a buffer, 16 bytes at a time.
///
/// A memchr per occurrence costs a call per line; comparing 16 bytes at once and adding the
/// matches up lane by lane reads a cache-resident block at several GB/s. Does not allocate.
public enum ByteCount {
    public static func occurrences(of byte: UInt8, in bytes: UnsafeRawBufferPointer) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        let target = SIMD16<UInt8>(repeating: byte)
        let one = SIMD16<UInt8>(repeating: 1), zero = SIMD16<UInt8>()
        var total = 0, at = 0
        while at &+ 16 <= bytes.count {
            // A lane holds at most 255 matches: add them up every 255 steps.
            let stop = min(bytes.count, at &+ 255 &* 16)
            var lanes = zero
            while at &+ 16 <= stop {
                let v = base.loadUnaligned(fromByteOffset: at, as: SIMD16<UInt8>.self)
                lanes &+= zero.replacing(with: one, where: v .== target)
                at &+= 16
            }
            total &+= Int(SIMD16<UInt16>(truncatingIfNeeded: lanes).wrappedSum())
        }
        while at < bytes.count {
            if bytes[at] == byte { total &+= 1 }
            at &+= 1
        }
        return total
    }
}
