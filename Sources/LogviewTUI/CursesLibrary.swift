import CNcursesw

/// Facts about the linked ncursesw library.
public enum CursesLibrary {
    /// `ncurses 6.4.20221231`: shown by `logview --version`.
    public static var version: String { String(cString: logview_curses_version()) }
}
