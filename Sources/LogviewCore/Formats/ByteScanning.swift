#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small allocation-free helpers for scanning a line's bytes. Every format uses them.
extension UnsafeRawBufferPointer {
    /// Index of the first `byte` at or after `from`, or nil.
    @inline(__always)
    public func firstIndex(of byte: UInt8, from: Int) -> Int? {
        guard from < count, let base = baseAddress else { return nil }
        // memchr scans a word or a vector at a time; lines and entries are long enough to pay.
        guard let p = memchr(base + from, Int32(byte), count - from) else { return nil }
        return base.distance(to: UnsafeRawPointer(p))
    }

    /// Whether the bytes at `at` equal the ASCII literal.
    @inline(__always)
    public func matches(_ literal: StaticString, at: Int) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard at >= 0, at + n <= count else { return false }
        let p = literal.utf8Start
        for k in 0..<n where self[at + k] != p[k] { return false }
        return true
    }

    /// Index of the first occurrence of `literal` at or after `from`, or nil.
    public func firstIndex(of literal: StaticString, from: Int) -> Int? {
        let n = literal.utf8CodeUnitCount
        guard n > 0, count >= n else { return nil }
        let first = literal.utf8Start[0]
        var i = from
        while i + n <= count {
            guard let j = firstIndex(of: first, from: i), j + n <= count else { return nil }
            if matches(literal, at: j) { return j }
            i = j + 1
        }
        return nil
    }

    /// The value of `n` ASCII digits at `at`, or nil if any is not a digit.
    @inline(__always)
    public func digits(at: Int, count n: Int) -> Int? {
        guard at >= 0, at + n <= count else { return nil }
        var v = 0
        for k in 0..<n {
            let d = Int(self[at + k]) &- 48
            guard d >= 0 && d <= 9 else { return nil }
            v = v * 10 + d
        }
        return v
    }

    /// Reads a run of ASCII digits at `at`: its value (saturating) and where it ends.
    @inline(__always)
    public func digitRun(at: Int) -> (value: Int, end: Int)? {
        var i = at, v = 0
        while i < count {
            let d = Int(self[i]) &- 48
            guard d >= 0 && d <= 9 else { break }
            v = v < Int.max / 10 - 9 ? v * 10 + d : v
            i += 1
        }
        return i > at ? (v, i) : nil
    }

    @inline(__always)
    public func isDigit(at i: Int) -> Bool { i >= 0 && i < count && self[i] >= 48 && self[i] <= 57 }

    /// Skips spaces and tabs from `at`.
    @inline(__always)
    public func skipBlanks(from at: Int) -> Int {
        var i = at
        while i < count && (self[i] == 0x20 || self[i] == 0x09) { i += 1 }
        return i
    }

    /// A sub-buffer for [start, end).
    @inline(__always)
    public func slice(_ start: Int, _ end: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: self[start..<end])
    }

    public func slice(_ r: ByteRange) -> UnsafeRawBufferPointer { slice(Int(r.start), Int(r.end)) }
}
