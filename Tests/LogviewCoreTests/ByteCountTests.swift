import LogviewCore
import Testing

@Suite struct ByteCountTests {
    @Test func countsEveryNewlineAtEveryLengthAndPosition() {
        // Newlines at every 7th and 11th byte: matches in and across 16-byte steps and in the tail.
        for length in 0...200 {
            let bytes = (0..<length).map { $0 % 7 == 3 || $0 % 11 == 5 ? UInt8(0x0A) : UInt8(ascii: "x") }
            let count = bytes.withUnsafeBytes { ByteCount.occurrences(of: 0x0A, in: $0) }
            #expect(count == bytes.filter { $0 == 0x0A }.count, "length \(length)")
        }
    }

    @Test func aRunLongerThanALaneHoldsIsCountedWhole() {
        // 255 matches fill a lane: 10,007 newlines in a row run past that many times.
        let bytes = [UInt8](repeating: 0x0A, count: 10_007) + [UInt8(ascii: "x")]
        #expect(bytes.withUnsafeBytes { ByteCount.occurrences(of: 0x0A, in: $0) } == 10_007)
        #expect(bytes.withUnsafeBytes { ByteCount.occurrences(of: UInt8(ascii: "x"), in: $0) } == 1)
    }
}
