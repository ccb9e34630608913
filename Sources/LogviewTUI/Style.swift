import LogviewCore

/// How a role looks: colours and attributes.
public struct Style: Hashable, Sendable {
    public var foreground: Color = .standard
    public var background: Color = .standard
    public var bold = false
    public var underline = false
    public var reverse = false

    public init(foreground: Color = .standard, background: Color = .standard, bold: Bool = false,
        underline: Bool = false, reverse: Bool = false)
    {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.underline = underline
        self.reverse = reverse
    }

    /// Parses `"FG [on BG] [bold] [underline] [reverse]"`, e.g. `"black on 220 bold"`, `"on 237"`.
    /// Returns a message naming the bad word otherwise.
    public static func parse(_ text: String) -> Result<Style, StyleError> {
        var style = Style()
        var words = text.split(separator: " ").map(String.init)[...]
        var sawForeground = false
        while let word = words.popFirst() {
            switch word {
            case "bold": style.bold = true
            case "underline": style.underline = true
            case "reverse": style.reverse = true
            case "on":
                guard let name = words.popFirst() else { return .failure(StyleError(message: "'on' needs a colour after it")) }
                guard let c = Color(name: name) else { return .failure(StyleError.unknownColour(name)) }
                style.background = c
            default:
                guard !sawForeground else {
                    return .failure(StyleError(message: "unexpected '\(word)' (write \"FG on BG bold underline reverse\")"))
                }
                guard let c = Color(name: word) else { return .failure(StyleError.unknownColour(word)) }
                style.foreground = c
                sawForeground = true
            }
        }
        return .success(style)
    }

    /// The same look with colours a smaller palette can show.
    func reduced(to available: Int) -> Style {
        var s = self
        s.foreground = foreground.reduced(to: available)
        s.background = background.reduced(to: available)
        return s
    }

    /// The selection laid over this look: its background and attributes win, its foreground
    /// only when it names one.
    func overlaid(with top: Style) -> Style {
        var s = self
        if top.foreground != .standard { s.foreground = top.foreground }
        if top.background != .standard { s.background = top.background }
        s.bold = s.bold || top.bold
        s.underline = s.underline || top.underline
        s.reverse = s.reverse != top.reverse
        return s
    }
}

public struct StyleError: Error, Equatable, Sendable {
    public var message: String

    static func unknownColour(_ name: String) -> StyleError {
        StyleError(message: "unknown colour '\(name)' (use \(PaletteColor.help))")
    }
}
