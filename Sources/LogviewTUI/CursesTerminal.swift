import CNcursesw

#if canImport(Glibc)
import Glibc
#endif

/// The ncursesw backend: wide characters through the C library's UTF-8 locale, colour pairs made
/// on demand from the theme (256 colours reduced to 16 or 8 when the terminal has fewer; the
/// monochrome theme's attributes when it has none or colour is off), mouse wheel events.
/// The only file that imports CNcursesw; its pointers stay here.
public final class CursesTerminal: TerminalBackend {
    public enum Error: Swift.Error, CustomStringConvertible {
        case noTerminal(String)
        public var description: String {
            switch self {
            case .noTerminal(let why): return "cannot start the viewer: \(why)"
            }
        }
    }

    private let screenPointer: OpaquePointer
    private let input: UnsafeMutablePointer<FILE>?
    public let inputDescriptor: Int32
    private var theme: Theme
    private let colours: Int
    private var pairs: [PairKey: Int] = [:]
    private var previous: Screen?
    private var stopped = false
    private let window: UnsafeMutablePointer<WINDOW>

    private struct PairKey: Hashable {
        var foreground: Color
        var background: Color
    }

    /// Takes over the terminal (alternate screen, no echo, keys one by one).
    /// `colour` false: attributes only (NO_COLOR, --no-color).
    public init(theme: Theme, colour: Bool) throws {
        setlocale(LC_ALL, "")
        if logview_locale_is_utf8() == 0 {
            // Wide characters need a UTF-8 C library locale whatever the environment says.
            if setlocale(LC_CTYPE, "C.UTF-8") == nil { setlocale(LC_CTYPE, "en_US.UTF-8") }
        }
        var inputFile: UnsafeMutablePointer<FILE>? = nil
        if isatty(0) == 0 {
            inputFile = fopen("/dev/tty", "r")
            guard inputFile != nil else { throw Error.noTerminal("standard input is not a terminal and /dev/tty cannot be opened") }
        }
        let term = getenv("TERM")
        guard let sp = newterm(term, logview_stdout(), inputFile ?? logview_stdin()) else {
            throw Error.noTerminal("the terminal type '\(term.map { String(cString: $0) } ?? "")' is unknown (set TERM, e.g. xterm-256color)")
        }
        screenPointer = sp
        input = inputFile
        inputDescriptor = fileno(inputFile ?? logview_stdin())
        set_term(sp)
        window = logview_stdscr()!
        cbreak()
        noecho()
        nonl()
        keypad(window, true)
        nodelay(window, true)
        set_escdelay(25)
        curs_set(0)
        mousemask(logview_wheel_mask(), nil)
        mouseinterval(0)
        var available = 0
        if colour && has_colors() {
            start_color()
            use_default_colors()
            available = Int(logview_colors())
        }
        colours = available >= 256 ? 256 : (available >= 16 ? 16 : (available >= 8 ? 8 : 0))
        self.theme = colours == 0 ? Theme.monochrome : theme
    }

    deinit { suspend() }

    public var size: (rows: Int, columns: Int) { (Int(getmaxy(window)), Int(getmaxx(window))) }

    public func show(_ screen: Screen) {
        if screen.rows != Int(getmaxy(window)) || screen.columns != Int(getmaxx(window)) { previous = nil }
        for change in screen.changes(since: previous) {
            drawRun(screen, row: change.row, from: change.columns.lowerBound, through: change.columns.upperBound)
        }
        if let r = screen.cursorRow {
            curs_set(1)
            wmove(window, Int32(r), Int32(screen.cursorColumn))
        } else {
            curs_set(0)
        }
        wrefresh(window)
        previous = screen
    }

    private func drawRun(_ screen: Screen, row: Int, from: Int, through last: Int) {
        var c = from
        while c <= last {
            let cell = screen[row, c]
            let style = theme.style(cell.role, cell.mark)
            var text = ""
            let start = c
            while c <= last {
                let next = screen[row, c]
                guard next.role == cell.role && next.mark == cell.mark else { break }
                text += next.text
                c += 1
            }
            apply(style)
            wmove(window, Int32(row), Int32(start))
            waddnstr(window, text, -1)
        }
    }

    private func apply(_ style: Style) {
        var s = style
        var pair = 0
        if colours > 0 {
            if colours < 256 { s = s.reduced(to: colours) }
            let key = PairKey(foreground: s.foreground, background: s.background)
            if key.foreground != .standard || key.background != .standard {
                if let p = pairs[key] {
                    pair = p
                } else if pairs.count + 1 < min(Int(logview_color_pairs()), 32_000) {
                    pair = pairs.count + 1
                    init_pair(Int16(pair), code(key.foreground), code(key.background))
                    pairs[key] = pair
                }
            }
        }
        logview_set_style(Int32(pair), s.bold ? 1 : 0, s.underline ? 1 : 0, s.reverse ? 1 : 0)
    }

    private func code(_ c: Color) -> Int16 {
        switch c {
        case .standard: return -1
        case .index(let n): return Int16(n)
        }
    }

    public func readKeys() -> [Key] {
        var keys: [Key] = []
        while keys.count < 256 {
            var value: wint_t = 0
            let r = wget_wch(window, &value)
            if r == ERR { break }
            if r == KEY_CODE_YES {
                if let key = key(code: Int32(value)) { keys.append(key) }
            } else if let scalar = Unicode.Scalar(UInt32(value)) {
                keys.append(Key(scalar: scalar))
            }
        }
        return keys
    }

    private func key(code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_ENTER: return .enter
        case KEY_BTAB: return .backTab
        case KEY_RESIZE: return nil  // sizes come from SIGWINCH through the run loop
        case KEY_MOUSE:
            var event = MEVENT()
            guard getmouse(&event) == OK else { return nil }
            if logview_is_wheel_up(event.bstate) != 0 { return .wheelUp }
            if logview_is_wheel_down(event.bstate) != 0 { return .wheelDown }
            return nil
        default:
            for n in 1...12 where code == logview_key_f(Int32(n)) { return .function(n) }
            return nil
        }
    }

    public func suspend() {
        guard !stopped else { return }
        stopped = true
        endwin()
    }

    public func resume() {
        stopped = false
        previous = nil
        wclear(window)
        wrefresh(window)
    }

    public func updateSize() -> (rows: Int, columns: Int) {
        var ws = winsize()
        if ioctl(inputDescriptor, UInt(TIOCGWINSZ), &ws) == 0 || ioctl(1, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_row > 0 {
            resizeterm(Int32(ws.ws_row), Int32(ws.ws_col))
        }
        previous = nil
        wclear(window)
        return size
    }

    /// Ends curses for good and frees its screen.
    public func close() {
        suspend()
        delscreen(screenPointer)
        if let input { fclose(input) }
    }
}
