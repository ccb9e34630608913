/// A terminal colour: the terminal's default, or an xterm palette index (0-15 the basic and
/// bright colours, 16-231 the 6x6x6 cube, 232-255 the grey ramp).
public enum Color: Hashable, Sendable {
    case standard
    case index(UInt8)

    static let names: [String: UInt8] = [
        "black": 0, "red": 1, "green": 2, "yellow": 3, "blue": 4, "magenta": 5, "cyan": 6, "white": 7,
        "bright_black": 8, "gray": 8, "grey": 8, "bright_red": 9, "bright_green": 10, "bright_yellow": 11,
        "bright_blue": 12, "bright_magenta": 13, "bright_cyan": 14, "bright_white": 15,
    ]

    /// `default`, a name (`red`, `bright_blue`) or a number 0-255.
    public init?(name: String) {
        if name == "default" {
            self = .standard
        } else if let n = Color.names[name] {
            self = .index(n)
        } else if let n = UInt8(name) {
            self = .index(n)
        } else {
            return nil
        }
    }

    /// The nearest colour a terminal with `available` colours (8 or 16) can show.
    public func reduced(to available: Int) -> Color {
        guard case .index(let n) = self, Int(n) >= available else { return self }
        let (r, g, b) = Color.rgb(n)
        var best = 0, bestDistance = Int.max
        for k in 0..<min(available, 16) {
            let (kr, kg, kb) = Color.rgb(UInt8(k))
            let d = (r - kr) * (r - kr) + (g - kg) * (g - kg) + (b - kb) * (b - kb)
            if d < bestDistance { (best, bestDistance) = (k, d) }
        }
        return .index(UInt8(best))
    }

    /// Approximate xterm RGB of a palette index.
    static func rgb(_ n: UInt8) -> (Int, Int, Int) {
        let basic: [(Int, Int, Int)] = [
            (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
            (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
        ]
        if n < 16 { return basic[Int(n)] }
        if n >= 232 {
            let v = 8 + 10 * Int(n - 232)
            return (v, v, v)
        }
        let k = Int(n) - 16
        let levels = [0, 95, 135, 175, 215, 255]
        return (levels[k / 36], levels[k / 6 % 6], levels[k % 6])
    }
}
