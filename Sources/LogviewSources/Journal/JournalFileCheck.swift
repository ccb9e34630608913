#if canImport(Glibc)
import Glibc
#endif

/// Looks at a journal file's header before libsystemd does, and makes a readable copy of a
/// truncated one.
///
/// libsystemd refuses a file whose header promises more bytes than the file has (a copy cut
/// short, a disk that filled up): `sd_journal_open_files` then fails with ENODATA and shows
/// nothing. For forensics the entries before the cut matter, so logview copies such a file into
/// a temporary file, shortens the header's arena to the last whole object, and lets
/// libsystemd read the copy. The original is never written to.
enum JournalFileCheck {
    /// What the header says about a file.
    enum Health: Equatable {
        case healthy
        /// The header promises `expected` bytes, the file has `actual`.
        case truncated(expected: UInt64, actual: UInt64)
        case unreadable(String)
    }

    static let signature: [UInt8] = Array("LPKSHHRH".utf8)
    // Offsets of little-endian 64-bit header fields (systemd's journal-def.h, stable since v38).
    static let headerSizeOffset = 88
    static let arenaSizeOffset = 96
    static let dataHashTableOffset = 104
    static let fieldHashTableOffset = 120
    static let tailObjectOffset = 136
    static let entryArrayOffset = 176
    static let entryCountOffset = 152
    static let minimumHeader = 208

    /// Opens `path` read-only; EACCES becomes `.permissionDenied`.
    static func openReadOnly(_ path: String) throws(JournalReader.Error) -> Int32 {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            switch errno {
            case EACCES, EPERM: throw .permissionDenied(path: path)
            case ENOENT: throw .notFound(path: path)
            default: throw .openFailed(what: path, errno: errno)
            }
        }
        return fd
    }

    static func health(of fd: Int32) -> Health {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .unreadable(String(cString: strerror(errno))) }
        var header = [UInt8](repeating: 0, count: minimumHeader)
        let n = header.withUnsafeMutableBytes { pread(fd, $0.baseAddress, minimumHeader, 0) }
        guard n == minimumHeader else { return .unreadable("too short to be a journal file (\(st.st_size) bytes)") }
        guard Array(header[0..<8]) == signature else { return .unreadable("not a journal file (no LPKSHHRH signature)") }
        let headerSize = le64(header, headerSizeOffset), arenaSize = le64(header, arenaSizeOffset)
        let size = UInt64(st.st_size)
        if headerSize > size || arenaSize > size || headerSize + arenaSize > size {
            return .truncated(expected: headerSize &+ arenaSize, actual: size)
        }
        return .healthy
    }

    /// The number of entries the header lists (`n_entries`).
    static func listedEntries(of fd: Int32) -> UInt64 {
        var header = [UInt8](repeating: 0, count: minimumHeader)
        let n = header.withUnsafeMutableBytes { pread(fd, $0.baseAddress, minimumHeader, 0) }
        return n == minimumHeader ? le64(header, entryCountOffset) : 0
    }

    /// A readable copy of the truncated file open at `fd`: a temporary file (mode 0600) whose header
    /// ends the arena after the last complete object. Returns the copy's descriptor and path; the
    /// caller removes the file when done (libsystemd refuses a file that is already unlinked).
    static func repairedCopy(of fd: Int32, path: String) throws(JournalReader.Error) -> (Int32, String) {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        let size = Int(st.st_size)
        let directory = temporaryDirectory()
        var template = Array((directory + "/logview-journal-XXXXXX").utf8CString)
        let copy = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        let temporaryPath = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard copy >= 0 else {
            throw .unreadable(path: path, reason: "truncated, and no temporary copy could be made in \(directory): \(String(cString: strerror(errno)))")
        }
        do throws(JournalReader.Error) {
            try copyBytes(from: fd, to: copy, count: size, path: path)
            guard let base = mmap(nil, size, PROT_READ, MAP_SHARED, copy, 0), base != MAP_FAILED else {
                throw .unreadable(path: path, reason: "cannot map the temporary copy")
            }
            defer { munmap(base, size) }
            let bytes = UnsafeRawBufferPointer(start: base, count: size)
            var header = Array(bytes[0..<minimumHeader])
            let headerSize = Int(le64(header, headerSizeOffset))
            guard headerSize >= minimumHeader, headerSize <= size else {
                throw .unreadable(path: path, reason: "truncated inside its header")
            }
            // Objects follow each other from the header, each 8-byte aligned, each starting with
            // {type u8, flags u8, reserved[6], size u64}; unused space is zero.
            var offset = headerSize
            var last = -1
            var end: Int = headerSize
            while offset + 16 <= size {
                let type = bytes[offset]
                let objectSize = Int(truncatingIfNeeded: bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self).littleEndian)
                guard type != 0, objectSize >= 16, objectSize <= size - offset else { break }
                last = offset
                end = offset + objectSize
                offset = (end + 7) & ~7
            }
            guard last >= 0, Int(le64(header, entryArrayOffset)) <= last,
                Int(le64(header, dataHashTableOffset)) < end, Int(le64(header, fieldHashTableOffset)) < end
            else {
                throw .unreadable(path: path, reason: "truncated before its first entries")
            }
            put64(&header, arenaSizeOffset, UInt64(truncatingIfNeeded: end - headerSize))
            put64(&header, tailObjectOffset, UInt64(truncatingIfNeeded: last))
            let written = header.withUnsafeBytes { pwrite(copy, $0.baseAddress, minimumHeader, 0) }
            guard written == minimumHeader else { throw .unreadable(path: path, reason: "cannot write the temporary copy") }
            return (copy, temporaryPath)
        } catch {
            close(copy)
            unlink(temporaryPath)
            throw error
        }
    }

    private static func copyBytes(from fd: Int32, to copy: Int32, count: Int, path: String) throws(JournalReader.Error) {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var done = 0
        while done < count {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, min($0.count, count - done), off_t(done)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw .unreadable(path: path, reason: "read failed: \(String(cString: strerror(errno)))") }
            let w = buffer.withUnsafeBytes { pwrite(copy, $0.baseAddress, n, off_t(done)) }
            guard w == n else { throw .unreadable(path: path, reason: "cannot write the temporary copy: \(String(cString: strerror(errno)))") }
            done += n
        }
    }

    private static func temporaryDirectory() -> String {
        if let t = getenv("TMPDIR"), t.pointee != 0 { return String(cString: t) }
        return "/tmp"
    }

    private static func le64(_ b: [UInt8], _ at: Int) -> UInt64 {
        var v: UInt64 = 0
        for i in (0..<8).reversed() { v = v << 8 | UInt64(b[at + i]) }
        return v
    }

    private static func put64(_ b: inout [UInt8], _ at: Int, _ v: UInt64) {
        for i in 0..<8 { b[at + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(i))) }
    }

    /// The journal files (`*.journal`, `*.journal~`) in `directory` and its subdirectories one
    /// level down (journald keeps them under the machine id), sorted; nil when it is no directory.
    static func journalFiles(in directory: String) -> [String]? {
        guard let top = entries(of: directory) else { return nil }
        var files: [String] = []
        for (path, isDirectory) in top {
            if isDirectory {
                for (inner, innerIsDirectory) in entries(of: path) ?? [] where !innerIsDirectory && isJournalName(inner) {
                    files.append(inner)
                }
            } else if isJournalName(path) {
                files.append(path)
            }
        }
        return files.sorted()
    }

    private static func isJournalName(_ path: String) -> Bool { path.hasSuffix(".journal") || path.hasSuffix(".journal~") }

    private static func entries(of directory: String) -> [(String, Bool)]? {
        guard let d = opendir(directory) else { return nil }
        defer { closedir(d) }
        var out: [(String, Bool)] = []
        while let ent = readdir(d) {
            let name = withUnsafePointer(to: ent.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            let full = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            var st = stat()
            guard stat(full, &st) == 0 else { continue }
            let kind = st.st_mode & S_IFMT
            if kind == S_IFDIR { out.append((full, true)) } else if kind == S_IFREG { out.append((full, false)) }
        }
        return out
    }
}
