#if canImport(Glibc)
import Glibc
#endif

/// The terminal settings to put back if the process dies of a fatal signal (a crash), and
/// whether that is armed. A signal handler can reach nothing else, so they are global; only
/// `CrashRestore` touches them.
nonisolated(unsafe) private var savedTerminal = termios()
nonisolated(unsafe) private var savedTerminalFD: Int32 = -1

/// Gives the terminal back even when logview crashes: on SIGSEGV, SIGBUS, SIGILL, SIGTRAP (a
/// Swift runtime trap), SIGFPE or SIGABRT the handler restores the saved tty modes with
/// `tcsetattr` and leaves the alternate screen with plain escape sequences (both safe inside a
/// signal handler; curses is not), then dies of the same signal.
public enum CrashRestore {
    static let fatal: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGABRT]

    /// Saves the terminal's current modes (call before curses changes them) and arms the handlers.
    public static func arm(terminal fd: Int32) {
        guard tcgetattr(fd, &savedTerminal) == 0 else { return }
        savedTerminalFD = fd
        for s in fatal {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signo in
                if savedTerminalFD >= 0 {
                    _ = tcsetattr(savedTerminalFD, TCSANOW, &savedTerminal)
                    // Mouse reporting off, cursor keys normal, cursor shown, attributes reset,
                    // main screen back.
                    let reset: StaticString = "\u{1B}[?1000l\u{1B}[?1002l\u{1B}[?1006l\u{1B}[?1l\u{1B}>\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l\r\n"
                    _ = write(1, reset.utf8Start, reset.utf8CodeUnitCount)
                }
                var dfl = sigaction()
                dfl.__sigaction_handler.sa_handler = SIG_DFL
                sigemptyset(&dfl.sa_mask)
                sigaction(signo, &dfl, nil)
                raise(signo)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0  // the handler puts the default back itself
            sigaction(s, &action, nil)
        }
    }

    /// Disarms after the terminal was restored the ordinary way.
    public static func disarm() {
        savedTerminalFD = -1
        for s in fatal { signal(s, SIG_DFL) }
    }
}
