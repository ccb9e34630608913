import Foundation
import LogviewCore
import Testing

/// Round trips against the real `gzip` binary plus hand-built streams for each error.
@Suite struct GzipTests {
    // MARK: - Helpers

    /// SplitMix64: a small seeded generator so inputs are the same on every run.
    struct SeededRandom: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Access-log-like text of about `size` bytes.
    static func logText(size: Int, seed: UInt64 = 1) -> [UInt8] {
        var rng = SeededRandom(seed: seed)
        let paths = ["/", "/index.html", "/api/v1/users", "/api/v1/orders/", "/static/app.js", "/healthz"]
        let agents = ["Mozilla/5.0 (X11; Linux x86_64) Firefox/121.0", "curl/8.4.0", "Go-http-client/1.1"]
        var out: [UInt8] = []
        out.reserveCapacity(size + 200)
        var second = 0
        while out.count < size {
            second += Int.random(in: 0...2, using: &rng)
            let line = "10.0.\(Int.random(in: 0...255, using: &rng)).\(Int.random(in: 1...254, using: &rng))"
                + " - - [30/Jan/2026:05:\(second / 60 % 60):\(second % 60) +0000] \"GET "
                + paths.randomElement(using: &rng)! + "\(Int.random(in: 0...9999, using: &rng)) HTTP/1.1\" "
                + "\([200, 200, 304, 404, 500].randomElement(using: &rng)!) \(Int.random(in: 100...50000, using: &rng))"
                + " \"-\" \"\(agents.randomElement(using: &rng)!)\" rid=\(String(rng.next(), radix: 16))\n"
            out.append(contentsOf: Array(line.utf8))
        }
        return out
    }

    static var gzipPath: String {
        FileManager.default.isExecutableFile(atPath: "/bin/gzip") ? "/bin/gzip" : "/usr/bin/gzip"
    }

    /// Runs the real gzip on `input` (written to a temporary file named `name`) and returns its
    /// output.
    static func gzip(_ input: [UInt8], _ arguments: [String], name: String = "input.log") throws -> [UInt8] {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("logview-gzip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent(name)
        try Data(input).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: gzipPath)
        process.arguments = ["-c"] + arguments + [file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return [UInt8](data)
    }

    static func decompress(_ gz: [UInt8]) throws -> [UInt8] {
        try gz.withUnsafeBytes { try Gzip.decompress($0) }
    }

    static func partial(_ gz: [UInt8]) -> (bytes: [UInt8], error: Gzip.Error?) {
        gz.withUnsafeBytes { Gzip.decompressPartial($0) }
    }

    /// Writes DEFLATE bit fields: values least significant bit first, Huffman codes most
    /// significant bit first (RFC 1951, 3.1.1).
    struct BitWriter {
        var bytes: [UInt8] = []
        var bitCount = 0
        mutating func bits(_ value: Int, _ n: Int) {
            for i in 0..<n { bit((value >> i) & 1) }
        }
        mutating func code(_ code: Int, _ n: Int) {
            for i in stride(from: n - 1, through: 0, by: -1) { bit((code >> i) & 1) }
        }
        mutating func bit(_ b: Int) {
            if bitCount % 8 == 0 { bytes.append(0) }
            bytes[bytes.count - 1] |= UInt8(b) << (bitCount % 8)
            bitCount += 1
        }
    }

    /// A minimal member header (no flags) followed by `deflate` and a trailer.
    static func member(deflate: [UInt8], crc: UInt32, size: UInt32) -> [UInt8] {
        [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3] + deflate + le32(crc) + le32(size)
    }

    static func le32(_ v: UInt32) -> [UInt8] {
        [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)]
    }

    /// CRC-32 computed bit by bit, independently of the library's table-driven one.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        }
        return ~c
    }

    /// The block type of the first DEFLATE block of a member without optional header fields.
    static func firstBlockType(_ gz: [UInt8], headerLength: Int = 10) -> Int {
        Int(gz[headerLength] >> 1) & 3
    }

    // MARK: - Round trips with the real gzip

    @Test(arguments: ["-1", "-6", "-9"])
    func roundTripLogTextAtLevel(_ level: String) throws {
        let text = Self.logText(size: 300_000)
        let gz = try Self.gzip(text, [level, "-n"])
        #expect(Self.firstBlockType(gz) == 2)  // dynamic Huffman
        #expect(try Self.decompress(gz) == text)
    }

    @Test func fileNameInHeaderIsSkipped() throws {
        let text = Self.logText(size: 20_000, seed: 2)
        let named = try Self.gzip(text, ["-6"], name: "access.log")
        let anonymous = try Self.gzip(text, ["-6", "-n"], name: "access.log")
        #expect(named[3] == 0x08)  // FNAME
        #expect(Array(named[10..<21]) == Array("access.log\0".utf8))
        #expect(anonymous[3] == 0)
        #expect(try Self.decompress(named) == text)
        #expect(try Self.decompress(anonymous) == text)
    }

    @Test func emptyInput() throws {
        let gz = try Self.gzip([], ["-n"])
        #expect(gz.count == 20)
        #expect(try Self.decompress(gz) == [])
    }

    @Test func threeMegabytes() throws {
        let text = Self.logText(size: 3_000_000, seed: 3)
        let gz = try Self.gzip(text, ["-6", "-n"])
        let out = try Self.decompress(gz)
        #expect(out.count == text.count)
        #expect(out == text)
    }

    @Test func binaryWithEveryByteValueUsesStoredBlocks() throws {
        var rng = SeededRandom(seed: 4)
        var data = (0..<256).map { UInt8($0) }
        for _ in 0..<100_000 { data.append(UInt8.random(in: 0...255, using: &rng)) }
        let gz = try Self.gzip(data, ["-6", "-n"])
        #expect(Self.firstBlockType(gz) == 0)  // stored: random bytes do not compress
        #expect(try Self.decompress(gz) == data)
    }

    @Test func shortTextUsesFixedHuffman() throws {
        let text = Array("hello hello hello, said the log\n".utf8)
        let gz = try Self.gzip(text, ["-9", "-n"])
        #expect(Self.firstBlockType(gz) == 1)
        #expect(try Self.decompress(gz) == text)
    }

    @Test func longRunsOfOneByte() throws {
        // Distance-1 matches of the maximum length, as in padded or blank-filled logs.
        let data = [UInt8](repeating: 0x20, count: 500_000) + Array("end\n".utf8)
            + [UInt8](repeating: 0, count: 70_000)
        let gz = try Self.gzip(data, ["-9", "-n"])
        #expect(try Self.decompress(gz) == data)
    }

    // MARK: - Header fields

    @Test func optionalHeaderFieldsAndHeaderCRC() throws {
        let text = Array("one line\nanother line\n".utf8)
        let plain = try Self.gzip(text, ["-n"])
        let body = Array(plain[10...])
        // FEXTRA (one subfield), FNAME, FCOMMENT and FHCRC, with the CRC16 of the header.
        var header: [UInt8] = [0x1F, 0x8B, 8, 0x02 | 0x04 | 0x08 | 0x10, 1, 2, 3, 4, 0, 3]
        header += [6, 0, 0x41, 0x70, 2, 0, 0xAB, 0xCD]
        header += Array("app.log\0".utf8) + Array("rotated by logrotate\0".utf8)
        let crc16 = Self.crc32(header) & 0xFFFF
        let good = header + [UInt8(crc16 & 0xFF), UInt8(crc16 >> 8)] + body
        #expect(try Self.decompress(good) == text)

        let badCRC = header + [UInt8(crc16 & 0xFF) ^ 1, UInt8(crc16 >> 8)] + body
        #expect(Self.partial(badCRC).error == .badHeader(offset: 0, reason: "header checksum mismatch"))
    }

    @Test func badHeaders() {
        let stored: [UInt8] = [0x01, 0x00, 0x00, 0xFF, 0xFF] + Self.le32(0) + Self.le32(0)
        var wrongMagic = Self.member(deflate: [0x01, 0x00, 0x00, 0xFF, 0xFF], crc: 0, size: 0)
        wrongMagic[1] = 0x8C
        #expect(Self.partial(wrongMagic).error == .badHeader(offset: 0, reason: "not gzip data (wrong magic bytes)"))
        let wrongMethod: [UInt8] = [0x1F, 0x8B, 7, 0, 0, 0, 0, 0, 0, 3] + stored
        #expect(Self.partial(wrongMethod).error == .badHeader(offset: 0, reason: "compression method 7 is not DEFLATE"))
        let reservedFlag: [UInt8] = [0x1F, 0x8B, 8, 0x20, 0, 0, 0, 0, 0, 3] + stored
        #expect(Self.partial(reservedFlag).error == .badHeader(offset: 0, reason: "reserved header flags are set"))
        // Not gzip at all: plain text.
        #expect(Self.partial(Array("2026-01-30 hello\n".utf8)).error
            == .badHeader(offset: 0, reason: "not gzip data (wrong magic bytes)"))
        #expect(Self.partial([]).error == .truncated(offset: 0))
        #expect(Self.partial([0x1F]).error == .truncated(offset: 1))
        #expect(Self.partial([0x1F, 0x8B, 8, 0x08, 0, 0, 0, 0, 0, 3, 0x61, 0x62]).error == .truncated(offset: 12))
    }

    @Test func isGzip() {
        let cases: [([UInt8], Bool)] = [
            ([0x1F, 0x8B, 8, 0], true), ([0x1F, 0x8B], true), ([0x1F, 0x8B, 7], false),
            ([0x1F], false), ([], false), (Array("plain text".utf8), false),
        ]
        for (bytes, expected) in cases {
            #expect(bytes.withUnsafeBytes { Gzip.isGzip($0) } == expected)
        }
    }

    // MARK: - Hand-built streams

    @Test func storedBlockAndKnownCRC() throws {
        let text = Array("123456789".utf8)
        let deflate: [UInt8] = [0x01, 9, 0, 0xF6, 0xFF] + text
        #expect(try Self.decompress(Self.member(deflate: deflate, crc: 0xCBF4_3926, size: 9)) == text)
        // The CRC in the error is the standard check value of "123456789".
        #expect(Self.partial(Self.member(deflate: deflate, crc: 0, size: 9)).error
            == .crcMismatch(member: 1, expected: 0, actual: 0xCBF4_3926))
        let badLength: [UInt8] = [0x01, 9, 0, 0xF6, 0xFE] + text
        #expect(Self.partial(Self.member(deflate: badLength, crc: 0xCBF4_3926, size: 9)).error
            == .badStoredBlock(offset: 11))
    }

    @Test func reservedBlockType() {
        // BFINAL = 1, BTYPE = 3.
        #expect(Self.partial(Self.member(deflate: [0x07, 0, 0], crc: 0, size: 0)).error == .badBlockType(offset: 10))
    }

    @Test func fixedBlockWithBackReference() throws {
        // "ab" then a match of length 4 at distance 2: "ababab".
        var w = BitWriter()
        w.bits(1, 1)
        w.bits(1, 2)
        w.code(0x30 + 0x61, 8)  // 'a'
        w.code(0x30 + 0x62, 8)  // 'b'
        w.code(2, 7)  // length code 258: length 4
        w.code(1, 5)  // distance code 1: distance 2
        w.code(0, 7)  // end of block
        let expected = Array("ababab".utf8)
        #expect(try Self.decompress(Self.member(deflate: w.bytes, crc: Self.crc32(expected), size: 6)) == expected)
    }

    @Test func backReferenceBeforeTheStart() {
        var w = BitWriter()
        w.bits(1, 1)
        w.bits(1, 2)
        w.code(0x30 + 0x61, 8)  // 'a'
        w.code(1, 7)  // length 3
        w.code(1, 5)  // distance 2, but only 1 byte exists
        w.code(0, 7)
        let result = Self.partial(Self.member(deflate: w.bytes, crc: 0, size: 0))
        #expect(result.error == .badDistance(offset: 12))
        #expect(result.bytes == Array("a".utf8))
    }

    @Test func backReferenceIntoThePreviousMember() throws {
        let first = try Self.gzip(Array("abc".utf8), ["-n"])
        var w = BitWriter()
        w.bits(1, 1)
        w.bits(1, 2)
        w.code(1, 7)  // length 3 at distance 1 with nothing decoded yet in this member
        w.code(0, 5)
        w.code(0, 7)
        let result = Self.partial(first + Self.member(deflate: w.bytes, crc: 0, size: 0))
        #expect(result.error == .badDistance(offset: first.count + 11))
        #expect(result.bytes == Array("abc".utf8))
    }

    @Test func unusedLiteralLengthSymbol() {
        var w = BitWriter()
        w.bits(1, 1)
        w.bits(1, 2)
        w.code(0x30 + 0x61, 8)
        w.code(0xC6, 8)  // symbol 286: has a fixed code but no meaning
        w.code(0, 7)
        w.code(0, 16)
        let result = Self.partial(Self.member(deflate: w.bytes, crc: 0, size: 0))
        #expect(result.error == .badHuffmanCode(offset: 11))
        #expect(result.bytes == Array("a".utf8))
    }

    @Test func oversubscribedDynamicCode() {
        var w = BitWriter()
        w.bits(1, 1)
        w.bits(2, 2)
        w.bits(0, 5)  // 257 literal/length codes
        w.bits(0, 5)  // 1 distance code
        w.bits(0, 4)  // 4 code length codes: 16, 17, 18, 0
        for _ in 0..<4 { w.bits(1, 3) }  // four codes of length 1: oversubscribed
        w.bits(0, 32)
        #expect(Self.partial(Self.member(deflate: w.bytes, crc: 0, size: 0)).error == .badHuffmanCode(offset: 10))
    }

    // MARK: - Several members, truncation, corruption

    @Test func multipleMembersAreDecodedInOrder() throws {
        let a = Self.logText(size: 50_000, seed: 5)
        let b = Array("a second member, e.g. from cat a.gz b.gz\n".utf8)
        let c = Self.logText(size: 70_000, seed: 6)
        let gz = try Self.gzip(a, ["-1", "-n"]) + (try Self.gzip(b, ["-n"])) + (try Self.gzip(c, ["-9"]))
        #expect(try Self.decompress(gz) == a + b + c)
        // Zero padding after the last member is ignored, anything else is reported.
        #expect(try Self.decompress(gz + [0, 0, 0, 0]) == a + b + c)
        let garbage = Self.partial(gz + Array("junk".utf8))
        #expect(garbage.bytes == a + b + c)
        #expect(garbage.error == .trailingGarbage(offset: gz.count))
    }

    @Test func truncatedFileKeepsWhatWasReadable() throws {
        let text = Self.logText(size: 1_000_000, seed: 7)
        let gz = try Self.gzip(text, ["-6", "-n"])
        for cut in [gz.count / 10, gz.count / 2, gz.count - 100, gz.count - 8, gz.count - 1, 11, 3] {
            let result = Self.partial(Array(gz[..<cut]))
            #expect(result.error == .truncated(offset: cut))
            #expect(result.bytes == Array(text[..<result.bytes.count]))
            if cut >= gz.count - 8 { #expect(result.bytes == text) }
            #expect(throws: Gzip.Error.truncated(offset: cut)) { try Self.decompress(Array(gz[..<cut])) }
        }
        let half = Self.partial(Array(gz[..<(gz.count / 2)]))
        #expect(half.bytes.count > text.count * 4 / 10)

        // A stored block cut in the middle keeps its first bytes.
        let raw: [UInt8] = [0x01, 9, 0, 0xF6, 0xFF] + Array("123456789".utf8)
        let cutStored = Self.partial(Array(Self.member(deflate: raw, crc: 0, size: 0)[..<19]))
        #expect(cutStored.bytes == Array("1234".utf8))
        #expect(cutStored.error == .truncated(offset: 19))
    }

    @Test func truncatedMessageIsForOperators() {
        #expect(Gzip.Error.truncated(offset: 120).description
            == "gzip data is truncated after 120 bytes (the file may still be being written, or was cut short)")
        #expect(Gzip.Error.crcMismatch(member: 2, expected: 0xCBF4_3926, actual: 0x12).description
            == "gzip data is corrupt: the CRC32 of member 2 is 0x00000012 but its trailer says 0xcbf43926 "
            + "(the decompressed text may be damaged)")
    }

    @Test func wrongChecksumAndLength() throws {
        let text = Self.logText(size: 40_000, seed: 8)
        let gz = try Self.gzip(text, ["-n"])
        let crc = Self.crc32(text)
        var badCRC = gz
        badCRC[gz.count - 8] ^= 0x55
        let result = Self.partial(badCRC)
        #expect(result.error == .crcMismatch(member: 1, expected: crc ^ 0x55, actual: crc))
        #expect(result.bytes == text)
        var badSize = gz
        badSize[gz.count - 1] ^= 0x01
        #expect(Self.partial(badSize).error
            == .sizeMismatch(member: 1, expected: UInt32(text.count) ^ 0x0100_0000, actual: UInt32(text.count)))
    }

    @Test func outputLimit() throws {
        let text = Self.logText(size: 500_000, seed: 9)
        let gz = try Self.gzip(text, ["-n"])
        let result = gz.withUnsafeBytes { Gzip.decompressPartial($0, outputLimit: 100_000) }
        #expect(result.error == .outputLimitExceeded(limit: 100_000))
        #expect(result.bytes == Array(text[..<100_000]))
        #expect(try gz.withUnsafeBytes { try Gzip.decompress($0, outputLimit: text.count) } == text)
    }

    @Test func flippedBytesNeverCrash() throws {
        let text = Self.logText(size: 20_000, seed: 10)
        let gz = try Self.gzip(text, ["-6", "-n"]) + (try Self.gzip(Array("tail\n".utf8), ["-n"]))
        let whole = text + Array("tail\n".utf8)
        var rng = SeededRandom(seed: 11)
        var detected = 0
        for round in 0..<400 {
            var damaged = gz
            let flips = round % 4 + 1
            for _ in 0..<flips {
                let i = Int.random(in: 0..<damaged.count, using: &rng)
                if round % 2 == 0 {
                    damaged[i] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)
                } else {
                    damaged[i] = UInt8.random(in: 0...255, using: &rng)
                }
            }
            let result = Self.partial(damaged)
            // Either the damage is reported, or it touched nothing that matters (mtime, OS,
            // unused bits) and the output is exactly right.
            if result.error != nil { detected += 1 } else { #expect(result.bytes == whole) }
        }
        #expect(detected > 300)
    }

    @Test func randomGarbageAfterAValidHeader() {
        var rng = SeededRandom(seed: 12)
        for _ in 0..<200 {
            let n = Int.random(in: 0..<2000, using: &rng)
            let body = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let result = Self.partial([0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3] + body)
            #expect(result.error != nil)
        }
    }
}
