/// Which key does what (the help overlay is generated from `bindings`).
public enum KeyMap {
    /// Keys, what they do, and the command: every key listed works.
    public static let bindings: [(keys: String, meaning: String)] = [
        ("j  Down", "next entry"),
        ("k  Up", "previous entry"),
        ("PgDn  Space  C-f", "page down"),
        ("PgUp  b  C-b", "page up"),
        ("g  Home", "first entry"),
        ("G  End", "last entry (stays there as entries arrive; resumes paused following)"),
        ("F", "follow new entries on/off (paused: back to the newest)"),
        ("R", "read back entries dropped from memory (none are dropped while paused)"),
        ("Left  Right  <  >", "scroll long lines sideways"),
        ("0  $", "back to the start / to the end of the selected line"),
        ("W", "wrap long lines on/off"),
        ("e", "expand/fold the selected multi-line entry"),
        ("Enter  d", "detail pane: the selected entry in full"),
        ("J  K", "scroll the detail pane"),
        ("r", "pivot: every pane shows only the selected entry's request"),
        ("w", "pivot: every pane shows a time window around the selected entry"),
        ("+  -", "widen/narrow the window pivot"),
        ("Backspace  Esc", "pop the last pivot (cursor kept); without pivots: clear the search"),
        ("/  ?", "search forward / backward (regular expression)"),
        ("n  N", "next / previous match"),
        ("f", "filter this pane: RE keeps matching entries, !RE drops them"),
        ("l", "cycle this pane's minimum level"),
        ("1 .. 9", "show/hide source 1..9 in this pane"),
        ("s  v", "split the pane: stacked / side by side"),
        ("x", "close the pane"),
        ("Tab  S-Tab", "focus next / previous pane"),
        ("C-w h/j/k/l", "focus the pane left / below / above / right"),
        ("m", "bookmark the selected entry (again: remove)"),
        ("'", "jump to the next bookmark"),
        ("h", "histogram strip on/off"),
        ("F1  :help", "this help"),
        (":", "command line (Tab completes command names)"),
        ("q  C-c", "quit"),
        ("C-z", "suspend (fg to come back)"),
    ]

    /// The `:` commands (with Tab completion).
    public static let commands: [(name: String, meaning: String)] = [
        ("goto TIME", "go to the entry nearest TIME (14:02:30, 2026-01-30 14:02, -5m)"),
        ("since TIME", "hide entries before TIME (no TIME: clear)"),
        ("until TIME", "hide entries after TIME (no TIME: clear)"),
        ("window SPAN", "width of the window pivot either side (30s, 2m)"),
        ("filter RE", "keep entries matching RE in this pane"),
        ("exclude RE", "drop entries matching RE in this pane"),
        ("level LEVEL", "minimum level in this pane (all: none)"),
        ("source NAME,...", "show only these sources in this pane (all: every source)"),
        ("clear", "clear this pane's filters"),
        ("split", "split the pane, stacked"),
        ("vsplit", "split the pane, side by side"),
        ("close", "close the pane"),
        ("wrap", "wrap long lines on/off"),
        ("histogram", "histogram strip on/off"),
        ("help", "this help"),
        ("quit", "quit"),
    ]

    static let commandNames = commands.map { String($0.name.split(separator: " ")[0]) }

    /// The command for a key in the normal mode (no prompt open).
    public static func command(for key: Key, windowPrefix: Bool) -> Command {
        if windowPrefix {
            switch key {
            case .character("h"), .left: return .focus(.left)
            case .character("l"), .right: return .focus(.right)
            case .character("k"), .up: return .focus(.up)
            case .character("j"), .down: return .focus(.down)
            case .character("w"), .control("w"): return .focusNext
            case .character("s"): return .split(.stacked)
            case .character("v"): return .split(.sideBySide)
            case .character("c"), .character("q"): return .closePane
            default: return .none
            }
        }
        switch key {
        case .character("q"): return .quit
        case .character("j"), .down, .control("n"), .control("e"): return .move(1)
        case .character("k"), .up, .control("p"), .control("y"): return .move(-1)
        case .pageDown, .character(" "), .control("f"): return .page(1)
        case .pageUp, .character("b"), .control("b"): return .page(-1)
        case .control("d"): return .move(10)
        case .control("u"): return .move(-10)
        case .character("g"), .home: return .top
        case .character("G"), .end: return .bottom
        case .left, .character("<"): return .scrollSideways(-8)
        case .right, .character(">"): return .scrollSideways(8)
        case .character("0"): return .scrollHome
        case .character("$"): return .scrollEnd
        case .character("W"): return .toggleWrap
        case .character("e"): return .toggleExpand
        case .enter, .character("d"): return .toggleDetail
        case .character("J"): return .scrollDetail(1)
        case .character("K"): return .scrollDetail(-1)
        case .function(1): return .toggleHelp
        case .character("h"): return .toggleHistogram
        case .tab: return .focusNext
        case .backTab: return .focusPrevious
        case .control("w"): return .windowPrefix
        case .character("s"): return .split(.stacked)
        case .character("v"): return .split(.sideBySide)
        case .character("x"): return .closePane
        case .character("r"): return .pivotRequest
        case .character("w"): return .pivotWindow
        case .backspace, .escape: return .popPivot
        case .character("+"), .character("="): return .widenWindow
        case .character("-"): return .narrowWindow
        case .character("/"): return .openPrompt(.searchForward)
        case .character("?"): return .openPrompt(.searchBackward)
        case .character(":"): return .openPrompt(.command)
        case .character("f"): return .openPrompt(.filter)
        case .character("F"): return .toggleFollow
        case .character("R"): return .readBack
        case .character("n"): return .searchNext
        case .character("N"): return .searchPrevious
        case .character("l"): return .cycleLevel
        case .character("m"): return .toggleBookmark
        case .character("'"): return .nextBookmark
        case .character(let c) where c >= "1" && c <= "9": return .toggleSource(Int(String(c))! - 1)
        case .wheelDown: return .move(3)
        case .wheelUp: return .move(-3)
        case .resize(let r, let c): return .resize(rows: r, columns: c)
        default: return .none
        }
    }
}
