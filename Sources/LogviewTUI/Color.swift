import LogviewCore

/// A terminal colour: the terminal's default, or an xterm palette index (0-15 the basic and
/// bright colours, 16-231 the 6x6x6 cube, 232-255 the grey ramp).
public enum Color: Hashable, Sendable {
    case standard
    case index(UInt8)

    /// `default`, a name (`red`, `bright_blue`), a number 0-255 or `#RRGGBB` (see `PaletteColor`).
    public init?(name: String) {
        guard let n = PaletteColor.index(name) else { return nil }
        self = n < 0 ? .standard : .index(UInt8(n))
    }

    /// The nearest colour a terminal with `available` colours (8 or 16) can show.
    public func reduced(to available: Int) -> Color {
        guard case .index(let n) = self, Int(n) >= available else { return self }
        let (r, g, b) = PaletteColor.rgb(n)
        var best = 0, bestDistance = Int.max
        for k in 0..<min(available, 16) {
            let (kr, kg, kb) = PaletteColor.rgb(UInt8(k))
            let d = (r - kr) * (r - kr) + (g - kg) * (g - kg) + (b - kb) * (b - kb)
            if d < bestDistance { (best, bestDistance) = (k, d) }
        }
        return .index(UInt8(best))
    }
}
