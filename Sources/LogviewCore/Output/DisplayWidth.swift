/// How many terminal columns text takes, so the TUI can measure, cut and scroll rows without
/// splitting a character.
///
/// Widths follow UAX #11 (East Asian Width) and the general category, scalar by scalar, as the C
/// library's `wcwidth()` does (the generated table agrees with glibc's for every printable
/// scalar, so ncursesw and logview count the same columns):
/// - 2: East Asian Wide and Fullwidth: CJK ideographs, Hangul syllables, kana, fullwidth forms,
///   and emoji with default emoji presentation (`👍`);
/// - 0: combining and enclosing marks, zero-width format characters (ZWJ, ZWSP, variation
///   selectors...), Hangul medial vowels and final consonants; also every control character,
///   TAB included (callers expand TAB, and sanitise the rest, before measuring);
/// - 1: everything else, including ambiguous-width characters and unassigned code points
///   (except in the CJK blocks, where they count 2).
///
/// Emoji sequences (ZWJ sequences, a text-style symbol made emoji by U+FE0F, flags) are the sum
/// of their scalars: terminals disagree on them, and this is what `wcwidth()` says.
public enum DisplayWidth {
    /// The column width of one scalar: 0, 1 or 2. O(log n) in the range table for scalars from
    /// U+0300 on, O(1) below. Does not allocate.
    public static func of(scalar: Unicode.Scalar) -> Int { width(scalar.value) }

    /// The column width of a string: the sum over its scalars. O(n).
    public static func of(_ s: String) -> Int {
        var total = 0
        for scalar in s.unicodeScalars { total += width(scalar.value) }
        return total
    }

    /// The column width of UTF-8 text, such as the output of `Sanitizer`. Each byte of invalid
    /// UTF-8 counts 1 (the width of the replacement character shown for it). O(n), no allocation.
    public static func of(_ bytes: UnsafeRawBufferPointer) -> Int {
        var total = 0
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b < 0x80 {
                total += b >= 0x20 && b < 0x7F ? 1 : 0
                i += 1
                continue
            }
            let (scalar, length) = UTF8Decoding.decode(bytes, at: i)
            if length == 0 {
                total += 1
                i += 1
            } else {
                total += width(scalar)
                i += length
            }
        }
        return total
    }

    /// The longest start of `bytes` (UTF-8) that fits in `columns`: its length in bytes and its
    /// width. Never splits a character; zero-width marks that follow the last character that fits
    /// are kept with it. A wide character that would straddle the limit is left out, so `width`
    /// may be `columns - 1`. For truncating a row to the pane. O(length of the result).
    public static func prefix(_ bytes: UnsafeRawBufferPointer, columns: Int) -> (byteCount: Int, width: Int) {
        var i = 0
        var total = 0
        while i < bytes.count {
            let (w, length) = step(bytes, at: i)
            if total + w > columns { break }
            total += w
            i += length
        }
        return (i, total)
    }

    /// Where text starts once its first `columns` columns are scrolled out of view (horizontal
    /// scrolling): the byte offset of the first character shown, and how many blank columns to
    /// draw before it when a wide character straddled the edge (its right half cannot be drawn
    /// alone). Zero-width marks of a hidden character are hidden with it. When the text is
    /// narrower than `columns`, the offset is `bytes.count` and the padding 0.
    public static func skip(_ bytes: UnsafeRawBufferPointer, columns: Int) -> (byteOffset: Int, padding: Int) {
        guard columns > 0 else { return (0, 0) }
        var i = 0
        var total = 0
        while i < bytes.count && total < columns {
            let (w, length) = step(bytes, at: i)
            total += w
            i += length
        }
        // Marks that belong to the last hidden character.
        while i < bytes.count {
            let (w, length) = step(bytes, at: i)
            if w != 0 { break }
            i += length
        }
        return (i, max(total - columns, 0))
    }

    /// Width and byte length of the character at `i`; an invalid byte is one column, one byte.
    @inline(__always)
    private static func step(_ bytes: UnsafeRawBufferPointer, at i: Int) -> (width: Int, length: Int) {
        let b = bytes[i]
        if b < 0x80 { return (b >= 0x20 && b < 0x7F ? 1 : 0, 1) }
        let (scalar, length) = UTF8Decoding.decode(bytes, at: i)
        return length == 0 ? (1, 1) : (width(scalar), length)
    }

    /// Width of a scalar value; see the type's rules.
    @inline(__always)
    static func width(_ s: UInt32) -> Int {
        if s < 0x7F { return s >= 0x20 ? 1 : 0 }
        if s < 0xA0 { return 0 }
        if s < 0x300 { return 1 }  // Latin, no marks or wide characters before U+0300
        return rangeKeys.withUnsafeBufferPointer { keys in
            // The last range starting at or before s.
            var lo = 0
            var hi = keys.count
            let key = s << 2 | 3
            while lo < hi {
                let mid = (lo + hi) >> 1
                if keys[mid] <= key { lo = mid + 1 } else { hi = mid }
            }
            guard lo > 0, s <= rangeEnds[lo - 1] else { return 1 }
            return Int(keys[lo - 1] & 3)
        }
    }
}
