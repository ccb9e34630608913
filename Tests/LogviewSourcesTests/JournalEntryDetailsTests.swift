import LogviewCore
import Testing
@testable import LogviewSources

/// A long journal follow forgets its oldest entries' cursors and fields with them.
@Suite struct JournalEntryDetailsTests {
    /// One field `BIG=` of `size` bytes, in the per-field layout (UInt32 LE length, `NAME=value`).
    static func field(_ value: String) -> [UInt8] {
        let bytes = Array("BIG=\(value)".utf8)
        let n = UInt32(bytes.count)
        return [UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 24)] + bytes
    }

    @Test func droppingTheFirstEntriesKeepsTheRestReadable() throws {
        let details = JournalEntryDetails()
        // Each record over half a chunk: one chunk each, so dropping two frees two chunks.
        for k in 0..<4 {
            let value = String(repeating: Character(String(k)), count: 600_000)
            Array("s=cursor-\(k)".utf8).withUnsafeBytes { c in
                Self.field(value).withUnsafeBytes { f in details.append(cursor: c, fields: f) }
            }
        }
        #expect(details.dropFirst(2))
        #expect(details.count == 2)
        #expect(details.cursor(of: 0) == "s=cursor-2")
        #expect(details.cursor(of: 1) == "s=cursor-3")
        let fields = details.fields(of: 1)
        #expect(fields.map(\.name) == ["__CURSOR", "BIG"])
        #expect(fields[1].value == String(repeating: "3", count: 600_000))
        // Appending goes on after the drop.
        Array("s=cursor-4".utf8).withUnsafeBytes { c in
            Self.field("small").withUnsafeBytes { f in details.append(cursor: c, fields: f) }
        }
        #expect(details.cursor(of: 2) == "s=cursor-4")
        #expect(details.fields(of: 2)[1] == Field("BIG", "small"))
    }
}
