#if canImport(Glibc)
import Glibc
#endif

/// The write end of the self-pipe. A signal handler can reach nothing else, so it is global;
/// only the handler below and `SignalWatcher` touch it.
nonisolated(unsafe) private var signalPipeWriteEnd: Int32 = -1

/// Signals as readable events for the run loop's `poll` (the self-pipe trick): INT, TERM, HUP
/// (quit and restore the terminal), TSTP and CONT (Ctrl-Z, `fg`), WINCH (resize). The handler
/// only writes the signal number to a pipe; everything else, restoring the terminal included,
/// happens in ordinary code. Create it before the terminal backend, so ncurses keeps its hands
/// off these signals.
public final class SignalWatcher {
    public let descriptor: Int32
    private let writeEnd: Int32
    private var previous: [Int32: sigaction] = [:]

    public static let watched: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGTSTP, SIGCONT, SIGWINCH]

    public init?() {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return nil }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        descriptor = fds[0]
        writeEnd = fds[1]
        signalPipeWriteEnd = writeEnd
        for s in SignalWatcher.watched { install(s) }
    }

    deinit {
        for (s, old) in previous {
            var o = old
            sigaction(s, &o, nil)
        }
        signalPipeWriteEnd = -1
        close(descriptor)
        close(writeEnd)
    }

    private func install(_ s: Int32) {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { signo in
            var byte = UInt8(truncatingIfNeeded: signo)
            let saved = errno
            _ = write(signalPipeWriteEnd, &byte, 1)
            errno = saved
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        var old = sigaction()
        sigaction(s, &action, &old)
        if previous[s] == nil { previous[s] = old }
    }

    /// The signals that arrived since the last call.
    public func take() -> [Int32] {
        var out: [Int32] = []
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard n > 0 else { break }
            out += buffer[0..<n].map { Int32($0) }
        }
        return out
    }

    /// Stops the process the way Ctrl-Z would (the caller has given the terminal back first);
    /// returns once the shell continues it (`fg`).
    public func stopProcess() {
        var dfl = sigaction()
        dfl.__sigaction_handler.sa_handler = SIG_DFL
        sigemptyset(&dfl.sa_mask)
        sigaction(SIGTSTP, &dfl, nil)
        raise(SIGTSTP)
        install(SIGTSTP)
    }
}
