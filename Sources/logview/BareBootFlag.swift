/// journalctl's `-b` without a value means the current (last) boot; swift-argument-parser's
/// options always take one, so a bare `-b`/`--boot` gets its `0` before parsing.
enum BareBootFlag {
    /// `arguments` with `0` inserted after every `-b`/`--boot` whose next word is not a boot
    /// (an offset like `-1`, `+2`, `0`, or a 32-hex boot id, optionally with an offset).
    static func normalized(_ arguments: [String]) -> [String] {
        var out: [String] = []
        out.reserveCapacity(arguments.count + 1)
        var i = 0
        while i < arguments.count {
            let word = arguments[i]
            out.append(word)
            if word == "--" {
                out += arguments[(i + 1)...]
                break
            }
            if word == "-b" || word == "--boot" {
                if i + 1 >= arguments.count || !isBoot(arguments[i + 1]) { out.append("0") }
            }
            i += 1
        }
        return out
    }

    static func isBoot(_ word: String) -> Bool {
        let bytes = Array(word.utf8)
        func isOffset(_ s: ArraySlice<UInt8>) -> Bool {
            var digits = s
            if let first = digits.first, first == 0x2B || first == 0x2D { digits = digits.dropFirst() }
            return !digits.isEmpty && digits.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        }
        if isOffset(bytes[...]) { return true }
        guard bytes.count >= 32 else { return false }
        let isHex = bytes[..<32].allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) }
        return isHex && (bytes.count == 32 || isOffset(bytes[32...]))
    }
}
