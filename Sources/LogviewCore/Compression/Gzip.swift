/// Reading gzip files (RFC 1952), such as rotated logs (`access.log.2.gz`), in pure Swift.
///
/// A file may hold several gzip members one after another (`cat a.gz b.gz`, or an appending
/// compressor); they are decoded in order into one output. Each member's CRC32 and length are
/// checked. Zero bytes after the last member (padding) are ignored; any other data there is an
/// error, so a damaged member header is never silently taken for the end of the file.
public enum Gzip {
    /// Why gzip data could not be read. Offsets are byte offsets in the compressed input; members
    /// are counted from 1.
    public enum Error: Swift.Error, Equatable, Sendable, CustomStringConvertible {
        /// The data ends before the gzip stream does.
        case truncated(offset: Int)
        /// A member header is not gzip: wrong magic bytes, method, reserved flags or header CRC.
        case badHeader(offset: Int, reason: String)
        /// A DEFLATE block announces the reserved block type 3.
        case badBlockType(offset: Int)
        /// The Huffman code description is invalid, or the data uses a code it does not define.
        case badHuffmanCode(offset: Int)
        /// A back-reference points before the start of the member's data.
        case badDistance(offset: Int)
        /// A stored block's length and its complement disagree.
        case badStoredBlock(offset: Int)
        /// A member's data does not match the CRC32 in its trailer.
        case crcMismatch(member: Int, expected: UInt32, actual: UInt32)
        /// A member's length (modulo 2^32) does not match the ISIZE in its trailer.
        case sizeMismatch(member: Int, expected: UInt32, actual: UInt32)
        /// Bytes other than zero padding follow the last member.
        case trailingGarbage(offset: Int)
        /// The data expands to more than the caller's limit.
        case outputLimitExceeded(limit: Int)

        public var description: String {
            switch self {
            case .truncated(let offset):
                return "gzip data is truncated after \(offset) bytes "
                    + "(the file may still be being written, or was cut short)"
            case .badHeader(let offset, let reason):
                return "not valid gzip data at byte \(offset): \(reason)"
            case .badBlockType(let offset):
                return "gzip data is corrupt at byte \(offset): invalid block type"
            case .badHuffmanCode(let offset):
                return "gzip data is corrupt at byte \(offset): invalid Huffman code"
            case .badDistance(let offset):
                return "gzip data is corrupt at byte \(offset): "
                    + "a back-reference points before the start of the data"
            case .badStoredBlock(let offset):
                return "gzip data is corrupt at byte \(offset): stored block length check failed"
            case .crcMismatch(let member, let expected, let actual):
                return "gzip data is corrupt: the CRC32 of member \(member) is \(hex(actual)) "
                    + "but its trailer says \(hex(expected)) (the decompressed text may be damaged)"
            case .sizeMismatch(let member, let expected, let actual):
                return "gzip data is corrupt: member \(member) decompressed to \(actual) bytes "
                    + "(modulo 2^32) but its trailer says \(expected)"
            case .trailingGarbage(let offset):
                return "gzip file has unrecognised data after its last member, at byte \(offset)"
            case .outputLimitExceeded(let limit):
                return "gzip data expands to more than \(limit) bytes; stopped there"
            }
        }

        private func hex(_ v: UInt32) -> String {
            let digits = String(v, radix: 16)
            return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
        }
    }

    /// Whether `bytes` start like gzip data (magic `1f 8b`, method 8 when present): detection by
    /// content, not by file name. O(1).
    public static func isGzip(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B && (bytes.count == 2 || bytes[2] == 8)
    }

    /// Decompresses a whole gzip file (all members). Throws on any damage; see
    /// `decompressPartial` to keep what was readable. O(n); allocates the output (grown by
    /// doubling, first sized from the last member's ISIZE).
    public static func decompress(
        _ bytes: UnsafeRawBufferPointer, outputLimit: Int = .max
    ) throws(Error) -> [UInt8] {
        let result = decompressPartial(bytes, outputLimit: outputLimit)
        if let error = result.error { throw error }
        return result.bytes
    }

    /// Decompresses as much as can be read: never throws, returns the bytes decoded before the
    /// first problem together with that problem (nil when the whole file was fine).
    ///
    /// For a truncated file (`.truncated`) the bytes are exactly the data up to the last complete
    /// symbol, so a log still being compressed shows its readable lines. For a checksum error
    /// (`.crcMismatch`, `.sizeMismatch`) the bytes include the damaged member's data. With
    /// `outputLimit`, decoding stops after that many bytes with `.outputLimitExceeded` and the
    /// first `outputLimit` bytes.
    public static func decompressPartial(
        _ bytes: UnsafeRawBufferPointer, outputLimit: Int = .max
    ) -> (bytes: [UInt8], error: Error?) {
        let limit = max(outputLimit, 0)
        // Decode straight into the result; only an output larger than the trailer announced
        // (several members, a damaged trailer) moves to other memory and is copied at the end.
        let bound = limit > Int.max / 2 ? Int.max / 2 : limit + 259
        let capacity = min(sizeHint(bytes), bound) + 258 + InflateOutput.slack
        var error: Error?
        var moved: [UInt8]?
        let inPlace = [UInt8](unsafeUninitializedCapacity: capacity) { storage, initialized in
            let out = InflateOutput(storage: storage, limit: limit)
            error = decodeMembers(bytes, into: out)
            if out.ownsStorage {
                moved = [UInt8](UnsafeBufferPointer(start: out.base, count: out.resultCount))
                initialized = 0
            } else {
                initialized = out.resultCount
            }
        }
        return (moved ?? inPlace, error)
    }

    /// Decodes every member of `bytes` into `out`; returns the first problem, if any.
    private static func decodeMembers(_ bytes: UnsafeRawBufferPointer, into out: InflateOutput) -> Error? {
        var offset = 0
        var member = 0
        do throws(Error) {
            while true {
                member += 1
                let dataStart = try parseHeader(bytes, at: offset)
                let memberStart = out.count
                var inflater = Inflater(input: bytes, at: dataStart)
                try inflater.inflate(into: out, memberStart: memberStart)
                let trailer = inflater.bytePosition
                guard trailer <= bytes.count - 8 else { throw .truncated(offset: bytes.count) }
                let expectedCRC = bytes.loadUnaligned(fromByteOffset: trailer, as: UInt32.self).littleEndian
                let expectedSize = bytes.loadUnaligned(fromByteOffset: trailer + 4, as: UInt32.self).littleEndian
                let size = UInt32(truncatingIfNeeded: out.count - memberStart)
                guard inflater.checksum == expectedCRC else {
                    throw .crcMismatch(member: member, expected: expectedCRC, actual: inflater.checksum)
                }
                guard size == expectedSize else {
                    throw .sizeMismatch(member: member, expected: expectedSize, actual: size)
                }
                offset = trailer + 8
                if offset == bytes.count { return nil }
                // Another member, or only its first byte (cut short): the header reports which.
                if bytes[offset] == 0x1F && (offset + 1 == bytes.count || bytes[offset + 1] == 0x8B) {
                    continue
                }
                var k = offset
                while k < bytes.count && bytes[k] == 0 { k += 1 }
                if k == bytes.count { return nil }
                throw .trailingGarbage(offset: offset)
            }
        } catch {
            return error
        }
    }

    /// Initial output size: the last member's ISIZE (exact for a single-member file under
    /// 4 GiB), but no more than 128 times the input, so a forged trailer cannot make us reserve
    /// gigabytes up front (a file that really expands more grows by doubling); four times the
    /// input when ISIZE is implausibly small.
    private static func sizeHint(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard bytes.count >= 18 else { return 4096 }
        let isize = Int(bytes.loadUnaligned(fromByteOffset: bytes.count - 4, as: UInt32.self).littleEndian)
        let n = min(bytes.count, Int.max / 256)
        if isize >= n / 2 { return min(isize, n * 128) }
        return n * 4
    }

    /// Flag bits of a member header (RFC 1952, 2.3.1).
    private static let flagHeaderCRC: UInt8 = 0x02
    private static let flagExtra: UInt8 = 0x04
    private static let flagName: UInt8 = 0x08
    private static let flagComment: UInt8 = 0x10

    /// Checks a member header at `offset` and returns where its DEFLATE data starts.
    private static func parseHeader(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(Error) -> Int {
        let n = bytes.count
        // Check what is there before complaining that the rest is missing.
        if offset < n && bytes[offset] != 0x1F || offset + 1 < n && bytes[offset + 1] != 0x8B {
            throw .badHeader(offset: offset, reason: "not gzip data (wrong magic bytes)")
        }
        guard offset <= n - 10 else { throw .truncated(offset: n) }
        let method = bytes[offset + 2]
        guard method == 8 else {
            throw .badHeader(offset: offset, reason: "compression method \(method) is not DEFLATE")
        }
        let flags = bytes[offset + 3]
        guard flags & 0xE0 == 0 else {
            throw .badHeader(offset: offset, reason: "reserved header flags are set")
        }
        var p = offset + 10
        if flags & flagExtra != 0 {
            guard p <= n - 2 else { throw .truncated(offset: n) }
            let extraLength = Int(bytes[p]) | Int(bytes[p + 1]) << 8
            p += 2
            guard p <= n - extraLength else { throw .truncated(offset: n) }
            p += extraLength
        }
        for flag in [flagName, flagComment] where flags & flag != 0 {
            guard let zero = bytes.firstIndex(of: 0, from: p) else { throw .truncated(offset: n) }
            p = zero + 1
        }
        if flags & flagHeaderCRC != 0 {
            guard p <= n - 2 else { throw .truncated(offset: n) }
            let stored = UInt16(bytes[p]) | UInt16(bytes[p + 1]) << 8
            let actual = UInt16(truncatingIfNeeded: CRC32.checksum(bytes.slice(offset, p)))
            guard stored == actual else {
                throw .badHeader(offset: offset, reason: "header checksum mismatch")
            }
            p += 2
        }
        return p
    }
}

/// CRC-32 as used by gzip (ISO 3309, reflected polynomial 0xEDB88320), eight bytes per step
/// ("slicing by 8").
enum CRC32 {
    /// Eight 256-entry tables back to back: table k gives the CRC of a byte followed by k zeros.
    static let tables: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for n in 0..<256 {
            var c = UInt32(n)
            for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            t[n] = c
        }
        for k in 1..<8 {
            for n in 0..<256 {
                let prev = t[(k - 1) * 256 + n]
                t[k * 256 + n] = (prev >> 8) ^ t[Int(prev & 0xFF)]
            }
        }
        return t
    }()

    /// The CRC-32 of `bytes`, continuing from `crc` (0 to start). O(n), no allocation.
    static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        tables.withUnsafeBufferPointer { tp -> UInt32 in
            let t = tp.baseAddress!
            var c = ~crc
            var i = 0
            let n = bytes.count
            guard let p = bytes.baseAddress else { return crc }
            while i + 8 <= n {
                let lo = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt32.self)) ^ c
                let hi = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: i + 4, as: UInt32.self))
                c = t[7 * 256 + Int(lo & 0xFF)] ^ t[6 * 256 + Int((lo >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((lo >> 16) & 0xFF)] ^ t[4 * 256 + Int(lo >> 24)]
                    ^ t[3 * 256 + Int(hi & 0xFF)] ^ t[2 * 256 + Int((hi >> 8) & 0xFF)]
                    ^ t[1 * 256 + Int((hi >> 16) & 0xFF)] ^ t[Int(hi >> 24)]
                i += 8
            }
            while i < n {
                c = t[Int((c ^ UInt32(p.load(fromByteOffset: i, as: UInt8.self))) & 0xFF)] ^ (c >> 8)
                i += 1
            }
            return ~c
        }
    }
}
