/// A set of Unicode scalar values as sorted, disjoint, non-adjacent closed ranges.
struct ScalarSet: Equatable, Sendable {
    private(set) var ranges: [ClosedRange<UInt32>] = []

    static let maximumScalar: UInt32 = 0x10FFFF

    init() {}

    init(_ ranges: [ClosedRange<UInt32>]) {
        for r in ranges { insert(r) }
    }

    mutating func insert(_ scalar: UInt32) { insert(scalar...scalar) }

    mutating func insert(_ range: ClosedRange<UInt32>) {
        var lo = range.lowerBound, hi = range.upperBound
        var merged: [ClosedRange<UInt32>] = []
        merged.reserveCapacity(ranges.count + 1)
        var placed = false
        for r in ranges {
            if r.upperBound &+ 1 < lo {
                merged.append(r)
            } else if hi &+ 1 < r.lowerBound {
                if !placed { merged.append(lo...hi); placed = true }
                merged.append(r)
            } else {
                lo = min(lo, r.lowerBound)
                hi = max(hi, r.upperBound)
            }
        }
        if !placed { merged.append(lo...hi) }
        ranges = merged
    }

    mutating func formUnion(_ other: ScalarSet) {
        for r in other.ranges { insert(r) }
    }

    /// Every scalar not in the set.
    func inverted() -> ScalarSet {
        var out = ScalarSet()
        var next: UInt32 = 0
        for r in ranges {
            if r.lowerBound > next { out.ranges.append(next...(r.lowerBound - 1)) }
            next = r.upperBound + 1
        }
        if next <= Self.maximumScalar { out.ranges.append(next...Self.maximumScalar) }
        return out
    }

    /// The set plus the other case of every ASCII letter in it (case folding is ASCII only).
    func addingASCIICaseVariants() -> ScalarSet {
        var out = self
        for r in ranges {
            for (from, to) in [(UInt32(0x41), UInt32(0x5A)), (UInt32(0x61), UInt32(0x7A))] {
                let lo = max(r.lowerBound, from), hi = min(r.upperBound, to)
                guard lo <= hi else { continue }
                let shift: Int64 = from == 0x41 ? 32 : -32
                out.insert(UInt32(Int64(lo) + shift)...UInt32(Int64(hi) + shift))
            }
        }
        return out
    }

    /// The only scalar in the set, if it holds exactly one.
    var singleScalar: UInt32? {
        ranges.count == 1 && ranges[0].lowerBound == ranges[0].upperBound ? ranges[0].lowerBound : nil
    }
}

extension ScalarSet {
    static let digits = ScalarSet([0x30...0x39])
    static let wordCharacters = ScalarSet([0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A])
    /// `\s`: space, tab, newline, vertical tab, form feed, carriage return.
    static let whitespace = ScalarSet([0x09...0x0D, 0x20...0x20])
    static let newline = ScalarSet([0x0A...0x0A])

    /// The ASCII POSIX classes usable as `[[:name:]]`.
    static func posixClass(named name: String) -> ScalarSet? {
        switch name {
        case "alpha": ScalarSet([0x41...0x5A, 0x61...0x7A])
        case "digit": digits
        case "alnum": ScalarSet([0x30...0x39, 0x41...0x5A, 0x61...0x7A])
        case "upper": ScalarSet([0x41...0x5A])
        case "lower": ScalarSet([0x61...0x7A])
        case "space": whitespace
        case "blank": ScalarSet([0x09...0x09, 0x20...0x20])
        case "punct": ScalarSet([0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E])
        case "print": ScalarSet([0x20...0x7E])
        case "graph": ScalarSet([0x21...0x7E])
        case "cntrl": ScalarSet([0x00...0x1F, 0x7F...0x7F])
        case "xdigit": ScalarSet([0x30...0x39, 0x41...0x46, 0x61...0x66])
        case "word": wordCharacters
        default: nil
        }
    }
}
