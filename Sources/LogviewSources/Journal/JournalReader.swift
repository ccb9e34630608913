import CSystemd

#if canImport(Glibc)
import Glibc
#endif

/// A thin wrapper over one `sd_journal` handle: open, match, seek, step, read fields.
///
/// The C handle and every pointer libsystemd returns stay inside this file. Field bytes handed to
/// a closure are valid only during that call (they point into libsystemd's mapping). Not
/// thread-safe: one reader per thread, like `sd_journal` itself.
public final class JournalReader {
    /// Why a journal could not be opened or read, for one operator-facing line.
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        /// The system journal exists but this user may not read it.
        case permissionDenied(path: String)
        /// A path named on the command line does not exist.
        case notFound(path: String)
        /// A directory holds no journal files.
        case noJournalFiles(directory: String)
        /// libsystemd refused to open the journal (`errno` from `sd_journal_open*`).
        case openFailed(what: String, errno: Int32)
        /// A journal file is damaged beyond what a repaired copy could read.
        case unreadable(path: String, reason: String)
        /// `-b` names no boot of this journal (the text says why).
        case noSuchBoot(String)

        public var description: String {
            switch self {
            case .permissionDenied(let path):
                "no permission to read \(path): add your user to the 'systemd-journal' (or 'adm') group, or run logview with sudo"
            case .notFound(let path):
                "\(path) does not exist"
            case .noJournalFiles(let directory):
                "no journal files (*.journal) in \(directory)"
            case .openFailed(let what, let errno):
                "cannot open \(what): \(String(cString: strerror(errno)))"
            case .unreadable(let path, let reason):
                "cannot read journal file \(path): \(reason)"
            case .noSuchBoot(let reason):
                reason
            }
        }
    }

    /// Largest field value read in full (`sd_journal_set_data_threshold`); longer compressed
    /// values are cut there, as journalctl does without `--all`.
    public static let dataThreshold = 1 << 16

    private let handle: OpaquePointer
    /// Descriptors handed to `sd_journal_open_files_fd`, closed after the handle.
    private var ownedDescriptors: [Int32] = []
    /// Temporary files (repaired copies) removed after the handle closes.
    private var temporaryFiles: [String] = []
    /// What this reader reads, for messages (`the local journal`, a directory, a file).
    public let label: String

    private init(handle: OpaquePointer, label: String) {
        self.handle = handle
        self.label = label
        _ = sd_journal_set_data_threshold(handle, JournalReader.dataThreshold)
    }

    deinit {
        sd_journal_close(handle)
        for fd in ownedDescriptors { close(fd) }
        for path in temporaryFiles { unlink(path) }
    }

    /// The local machine's journal (`sd_journal_open` with `SD_JOURNAL_LOCAL_ONLY`).
    public static func openLocal() throws(Error) -> JournalReader {
        var j: OpaquePointer? = nil
        let r = sd_journal_open(&j, Int32(SD_JOURNAL_LOCAL_ONLY))
        guard r >= 0, let j else {
            if -r == EACCES || -r == EPERM { throw .permissionDenied(path: "the system journal") }
            throw .openFailed(what: "the local journal", errno: -r)
        }
        return JournalReader(handle: j, label: "the local journal")
    }

    /// The journal files in `path` (`sd_journal_open_directory`); new files there are followed.
    public static func open(directory path: String) throws(Error) -> JournalReader {
        var j: OpaquePointer? = nil
        let r = sd_journal_open_directory(&j, path, 0)
        guard r >= 0, let j else { throw error(opening: path, errno: -r) }
        return JournalReader(handle: j, label: path)
    }

    /// Exactly these journal files (`sd_journal_open_files`).
    public static func open(files paths: [String]) throws(Error) -> JournalReader {
        var j: OpaquePointer? = nil
        var cStrings: [UnsafeMutablePointer<CChar>?] = paths.map { strdup($0) }
        cStrings.append(nil)
        defer { for p in cStrings { free(p) } }
        let r = cStrings.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buffer.count) {
                sd_journal_open_files(&j, $0, 0)
            }
        }
        guard r >= 0, let j else { throw error(opening: paths.joined(separator: ", "), errno: -r) }
        return JournalReader(handle: j, label: paths.joined(separator: ", "))
    }

    /// Journal files given as open descriptors (`sd_journal_open_files_fd`); used for repaired
    /// copies of damaged files. The reader owns the descriptors and removes `temporaryFiles` when
    /// it closes (also when opening fails).
    public static func open(descriptors fds: [Int32], label: String, temporaryFiles: [String] = []) throws(Error) -> JournalReader {
        var j: OpaquePointer? = nil
        var copy = fds
        let r = copy.withUnsafeMutableBufferPointer { sd_journal_open_files_fd(&j, $0.baseAddress, UInt32($0.count), 0) }
        guard r >= 0, let j else {
            for fd in fds { close(fd) }
            for path in temporaryFiles { unlink(path) }
            throw error(opening: label, errno: -r)
        }
        let reader = JournalReader(handle: j, label: label)
        reader.ownedDescriptors = fds
        reader.temporaryFiles = temporaryFiles
        return reader
    }

    private static func error(opening path: String, errno: Int32) -> Error {
        switch errno {
        case EACCES, EPERM: .permissionDenied(path: path)
        case ENOENT: .notFound(path: path)
        default: .openFailed(what: path, errno: errno)
        }
    }

    // MARK: Matches

    /// Adds a `FIELD=value` match (`sd_journal_add_match`). Matches on different fields are ANDed,
    /// on the same field ORed, until a disjunction.
    public func addMatch(_ fieldEqualsValue: String) {
        var s = fieldEqualsValue
        s.withUTF8 { _ = sd_journal_add_match(handle, $0.baseAddress, $0.count) }
    }

    /// Starts a new alternative: entries matching the terms before OR after (`sd_journal_add_disjunction`).
    public func addDisjunction() { _ = sd_journal_add_disjunction(handle) }

    /// ANDs the alternatives before with the terms after (`sd_journal_add_conjunction`).
    public func addConjunction() { _ = sd_journal_add_conjunction(handle) }

    public func flushMatches() { sd_journal_flush_matches(handle) }

    // MARK: Position

    public func seekHead() { _ = sd_journal_seek_head(handle) }
    public func seekTail() { _ = sd_journal_seek_tail(handle) }

    /// Positions before the first entry at or after `usec` (µs since the epoch, UTC).
    public func seek(realtimeMicroseconds usec: UInt64) { _ = sd_journal_seek_realtime_usec(handle, usec) }

    /// Steps to the next entry: true when there is one. Errors (a damaged file) end the walk.
    public func next() -> Bool { sd_journal_next(handle) > 0 }

    /// Steps to the previous entry: true when there is one.
    public func previous() -> Bool { sd_journal_previous(handle) > 0 }

    // MARK: The current entry

    /// `__REALTIME_TIMESTAMP` of the current entry in µs since the epoch, UTC.
    public func realtimeMicroseconds() -> UInt64? {
        var usec: UInt64 = 0
        return sd_journal_get_realtime_usec(handle, &usec) >= 0 ? usec : nil
    }

    /// Calls `body` with every available `NAME=value` field of the current entry
    /// (`sd_journal_enumerate_available_data`; fields that cannot be read are skipped). Does not
    /// allocate.
    @inline(__always)
    public func forEachField(_ body: (UnsafeRawBufferPointer) -> Void) {
        sd_journal_restart_data(handle)
        var data: UnsafeRawPointer? = nil
        var length = 0
        while sd_journal_enumerate_available_data(handle, &data, &length) > 0 {
            if let data { body(UnsafeRawBufferPointer(start: data, count: length)) }
        }
    }

    /// The value of one field of the current entry (`sd_journal_get_data`), without `NAME=`.
    public func withField<R>(_ name: String, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
        var data: UnsafeRawPointer? = nil
        var length = 0
        guard sd_journal_get_data(handle, name, &data, &length) >= 0, let data else { return body(nil) }
        let prefix = name.utf8.count + 1
        guard length >= prefix else { return body(nil) }
        return body(UnsafeRawBufferPointer(start: data + prefix, count: length - prefix))
    }

    /// Calls `body` with the current entry's cursor (`sd_journal_get_cursor`), empty when it has
    /// none; the bytes are valid only during the call.
    public func withCursor<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        var cursor: UnsafeMutablePointer<CChar>? = nil
        guard sd_journal_get_cursor(handle, &cursor) >= 0, let cursor else { return body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        defer { free(cursor) }
        return body(UnsafeRawBufferPointer(start: cursor, count: strlen(cursor)))
    }

    // MARK: Values across entries

    /// Bytes the journal files take on disk (`sd_journal_get_usage`).
    public func diskUsage() -> UInt64 {
        var bytes: UInt64 = 0
        return sd_journal_get_usage(handle, &bytes) >= 0 ? bytes : 0
    }

    /// Every distinct value of `field` (`sd_journal_query_unique`), without `NAME=`.
    public func uniqueValues(of field: String) -> [String] {
        guard sd_journal_query_unique(handle, field) >= 0 else { return [] }
        var out: [String] = []
        var data: UnsafeRawPointer? = nil
        var length = 0
        let prefix = field.utf8.count + 1
        sd_journal_restart_unique(handle)
        while sd_journal_enumerate_available_unique(handle, &data, &length) > 0 {
            guard let data, length >= prefix else { continue }
            out.append(String(decoding: UnsafeRawBufferPointer(start: data + prefix, count: length - prefix), as: UTF8.self))
        }
        return out
    }

    // MARK: Following

    /// A descriptor that becomes readable when the journal changes (`sd_journal_get_fd`); nil
    /// when this journal cannot be watched.
    public func changeDescriptor() -> Int32? {
        let fd = sd_journal_get_fd(handle)
        return fd >= 0 ? fd : nil
    }

    /// What happened since the last call (`sd_journal_process`).
    public enum Change { case none, appended, invalidated }

    /// Processes the journal's change notifications; call when `changeDescriptor` is readable.
    public func processChanges() -> Change {
        switch sd_journal_process(handle) {
        case Int32(SD_JOURNAL_APPEND): .appended
        case Int32(SD_JOURNAL_INVALIDATE): .invalidated
        default: .none
        }
    }

    /// Blocks until the journal changes or `timeoutMicroseconds` passes (`sd_journal_wait`).
    public func wait(timeoutMicroseconds: UInt64) -> Change {
        switch sd_journal_wait(handle, timeoutMicroseconds) {
        case Int32(SD_JOURNAL_APPEND): .appended
        case Int32(SD_JOURNAL_INVALIDATE): .invalidated
        default: .none
        }
    }
}
