/// Shows Screens and reads keys: the only part of the viewer that talks to a terminal
/// (`CursesTerminal`); tests render into a `Screen` instead.
public protocol TerminalBackend: AnyObject {
    /// Rows and columns of the terminal.
    var size: (rows: Int, columns: Int) { get }
    /// The descriptor keys arrive on, for the run loop's `poll`.
    var inputDescriptor: Int32 { get }
    /// Shows `screen`, sending only the cells that differ from the last one shown.
    func show(_ screen: Screen)
    /// Every key waiting (does not block).
    func readKeys() -> [Key]
    /// Gives the terminal back (before the process stops or exits).
    func suspend()
    /// Takes the terminal again after `suspend` (after SIGCONT) and redraws everything.
    func resume()
    /// Re-reads the terminal's size after SIGWINCH.
    func updateSize() -> (rows: Int, columns: Int)
}
