import Foundation

/// Builds real journal files for tests: entries are written in the journal export format
/// (https://systemd.io/JOURNAL_EXPORT_FORMATS/) and converted by systemd-journal-remote, the same
/// program that stores journals received from other machines. No journald runs here.
public enum JournalExport {
    /// One journal entry: its realtime in µs since the epoch (UTC) and its fields in order.
    public struct Entry: Sendable {
        public var realtime: UInt64
        public var boot: String
        public var fields: [(String, [UInt8])]

        public init(realtime: UInt64, boot: String = JournalExport.bootA, _ fields: [(String, String)]) {
            self.realtime = realtime
            self.boot = boot
            self.fields = fields.map { ($0.0, Array($0.1.utf8)) }
        }

        public init(realtime: UInt64, boot: String = JournalExport.bootA, bytes fields: [(String, [UInt8])]) {
            self.realtime = realtime
            self.boot = boot
            self.fields = fields
        }
    }

    public static let bootA = "0123456789abcdef0123456789abcdef"
    public static let bootB = "fedcba9876543210fedcba9876543210"
    public static let remote = "/lib/systemd/systemd-journal-remote"

    /// Whether systemd-journal-remote is installed (tests that need it are skipped otherwise).
    public static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: remote) }

    /// The export-format bytes of `entries`. Values with a newline or any other control byte, or
    /// that are not valid UTF-8, use the binary form (name, LF, 64-bit LE length, data, LF).
    public static func bytes(_ entries: [Entry]) -> [UInt8] {
        var out: [UInt8] = []
        for (i, e) in entries.enumerated() {
            out += Array("__CURSOR=s=test;i=\(i + 1)\n__REALTIME_TIMESTAMP=\(e.realtime)\n".utf8)
            // Monotonic time follows the wall clock, as it does within one real boot; journals
            // order entries of different files of one boot by it.
            let monotonic = e.realtime > 1_000_000_000_000_000 ? e.realtime - 1_000_000_000_000_000 : 1_000_000 + UInt64(i)
            out += Array("__MONOTONIC_TIMESTAMP=\(monotonic)\n_BOOT_ID=\(e.boot)\n".utf8)
            for (name, value) in e.fields {
                let binary = value.contains { $0 < 0x20 || $0 == 0x7F } || String(validating: value, as: UTF8.self) == nil
                if binary {
                    out += Array(name.utf8) + [0x0A]
                    var n = UInt64(value.count).littleEndian
                    withUnsafeBytes(of: &n) { out += $0 }
                    out += value + [0x0A]
                } else {
                    out += Array(name.utf8) + [0x3D] + value + [0x0A]
                }
            }
            out.append(0x0A)
        }
        return out
    }

    /// Writes `entries` into the journal file `path` (must end in `.journal`); appends when it
    /// exists. Throws with journal-remote's own output when it fails.
    public static func write(_ entries: [Entry], to path: String) throws {
        let export = path + ".export"
        try Data(bytes(entries)).write(to: URL(fileURLWithPath: export))
        defer { try? FileManager.default.removeItem(atPath: export) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: remote)
        process.arguments = ["--output=" + path, export]
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw JournalExportError(message: "journal-remote failed: " + String(decoding: output, as: UTF8.self))
        }
    }

    public struct JournalExportError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// A fresh directory under /tmp for one test; remove it with `FileManager.removeItem`.
    public static func temporaryDirectory(_ label: String) throws -> String {
        let path = NSTemporaryDirectory() + "logview-\(label)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
