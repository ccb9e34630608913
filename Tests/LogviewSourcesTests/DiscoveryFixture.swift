import Foundation

/// A throwaway filesystem root built by a test (a Debian-like /etc and /var/log), removed on deinit.
final class DiscoveryFixture: Sendable {
    let path: String

    init() throws {
        var template = Array("/tmp/logview-discovery-XXXXXX".utf8CString)
        guard let p = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw CocoaError(.fileWriteUnknown)
        }
        path = String(cString: p)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes a file under the root (system path), creating directories.
    func write(_ systemPath: String, _ text: String) throws {
        let full = path + systemPath
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: full))
    }

    func write(_ systemPath: String, bytes: [UInt8]) throws {
        let full = path + systemPath
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: full))
    }

    func directory(_ systemPath: String) throws {
        try FileManager.default.createDirectory(atPath: path + systemPath, withIntermediateDirectories: true)
    }

    func symlink(_ systemPath: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: path + systemPath, withDestinationPath: target)
    }

    func fifo(_ systemPath: String) {
        _ = mkfifo(path + systemPath, 0o644)
    }
}
