import Foundation
import LogviewCore
import Testing

/// The id table across growth: keys stay dense and stable, and every id is found again by its bytes.
@Suite struct IDTableGrowthTests {
    static func id(_ n: Int) -> [UInt8] { Array(String(format: "%032x", n &* 2_654_435_761).utf8) }

    @Test(arguments: [false, true])
    func keysSurviveGrowth(reserved: Bool) {
        var t = IDTable()
        if reserved { t.reserveCapacity(20_000) }
        for n in 0..<20_000 {
            let key = Self.id(n).withUnsafeBytes { t.intern($0, kind: n % 2 == 0 ? .request : .trace) }
            #expect(key == UInt32(n))
        }
        #expect(t.count == 20_000)
        for n in stride(from: 0, to: 20_000, by: 997) {
            #expect(Self.id(n).withUnsafeBytes { t.intern($0, kind: .request) } == UInt32(n))
            #expect(t.key(of: String(decoding: Self.id(n), as: UTF8.self)) == UInt32(n))
            #expect(t.withBytes(of: UInt32(n)) { Array($0) } == Self.id(n))
            #expect(t.kind(of: UInt32(n)) == (n % 2 == 0 ? .request : .trace))
        }
        #expect(t.key(of: "not-an-id") == nil)
        #expect(t.count == 20_000)
    }
}
