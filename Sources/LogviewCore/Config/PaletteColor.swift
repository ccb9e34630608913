/// Colours as people write them in config and theme files: `default`, a name (`red`,
/// `bright_blue`), an xterm palette number 0-255, or `#RRGGBB` (the nearest palette colour).
public enum PaletteColor {
    static let names: [String: UInt8] = [
        "black": 0, "red": 1, "green": 2, "yellow": 3, "blue": 4, "magenta": 5, "cyan": 6, "white": 7,
        "bright_black": 8, "gray": 8, "grey": 8, "bright_red": 9, "bright_green": 10, "bright_yellow": 11,
        "bright_blue": 12, "bright_magenta": 13, "bright_cyan": 14, "bright_white": 15,
    ]

    /// What to write, for messages about a word that is not a colour.
    public static let help = "a name (red, bright_blue...), default, a number 0-255 or #RRGGBB"

    /// The palette index `text` names, -1 for the terminal's default colour, nil when it is no colour.
    public static func index(_ text: String) -> Int? {
        if text == "default" { return -1 }
        if let n = names[text] { return Int(n) }
        if let n = UInt8(text) { return Int(n) }
        let hex = Array(text.utf8)
        guard hex.count == 7, hex[0] == UInt8(ascii: "#"), let value = Int(String(text.dropFirst()), radix: 16) else {
            return nil
        }
        return Int(nearest(red: value >> 16, green: (value >> 8) & 0xFF, blue: value & 0xFF))
    }

    /// The closest of the 6x6x6 cube and the grey ramp (16-255): the colours every 256-colour
    /// terminal shows alike (0-15 are often redefined by the terminal's own scheme).
    public static func nearest(red: Int, green: Int, blue: Int) -> UInt8 {
        var best: UInt8 = 16, bestDistance = Int.max
        for n in 16...255 {
            let (r, g, b) = rgb(UInt8(n))
            let d = (r - red) * (r - red) + (g - green) * (g - green) + (b - blue) * (b - blue)
            if d < bestDistance { (best, bestDistance) = (UInt8(n), d) }
        }
        return best
    }

    /// Approximate xterm RGB of a palette index.
    public static func rgb(_ n: UInt8) -> (Int, Int, Int) {
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
