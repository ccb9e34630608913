import Foundation
import Testing
import TestSupport

// Kernel `wireguard:` messages are a source of their own (`wireguard`), not part of `kernel`:
// in any journal read, by name (`journal-kernel:wireguard`), and in discovery. The journal files
// are made by systemd-journal-remote from export format.

/// 2026-01-30T05:00:00Z in µs.
private let base: UInt64 = 1_769_749_200_000_000

private func kernel(_ message: String) -> [(String, String)] {
    [("_TRANSPORT", "kernel"), ("SYSLOG_IDENTIFIER", "kernel"), ("SYSLOG_FACILITY", "0"), ("PRIORITY", "6"),
     ("_HOSTNAME", "vpn-01"), ("MESSAGE", message)]
}

@Suite(.enabled(if: JournalExport.isAvailable, "needs /lib/systemd/systemd-journal-remote"))
struct JournalWireGuardTests {
    static func writeJournal(to path: String) throws {
        try JournalExport.write([
            .init(realtime: base + 1_000_000, kernel("wireguard: WireGuard 1.0.0 loaded. See www.wireguard.com for information.")),
            .init(realtime: base + 2_000_000, [("_SYSTEMD_UNIT", "wg-quick@wg0.service"), ("SYSLOG_IDENTIFIER", "wg-quick"),
                ("PRIORITY", "6"), ("MESSAGE", "[#] ip link add wg0 type wireguard")]),
            .init(realtime: base + 3_000_000, kernel("usb 1-1: new high-speed USB device number 2 using xhci_hcd")),
            .init(realtime: base + 4_000_000, kernel("wireguard: wg0: Handshake for peer 3 (198.51.100.20:51820) did not complete after 5 seconds, retrying (try 2)")),
            .init(realtime: base + 5_000_000, [("_SYSTEMD_UNIT", "backend.service"), ("SYSLOG_IDENTIFIER", "backend"),
                ("PRIORITY", "6"), ("MESSAGE", "wireguard: not a kernel line")]),
        ], to: path)
    }

    static func text(_ arguments: [String], in dir: TemporaryDirectory) throws -> String {
        let run = try Logview.run(["--print", "--tz", "UTC"] + arguments, scratch: dir.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr == "")
        return run.stdoutText
    }

    @Test func wireGuardKernelMessagesAreTheirOwnSource() throws {
        let dir = try TemporaryDirectory("journal-wg")
        defer { dir.remove() }
        let journal = dir.file("vpn.journal")
        try Self.writeJournal(to: journal)
        let all = try Self.text(["journal-file:" + journal], in: dir)
        #expect(all == """
            2026-01-30T05:00:01.000000Z wireguard    INFO  wireguard: WireGuard 1.0.0 loaded. See www.wireguard.com for information.
            2026-01-30T05:00:02.000000Z wg-quick@wg0 INFO  [#] ip link add wg0 type wireguard
            2026-01-30T05:00:03.000000Z kernel       INFO  usb 1-1: new high-speed USB device number 2 using xhci_hcd
            2026-01-30T05:00:04.000000Z wireguard    INFO  wireguard: wg0: Handshake for peer 3 (198.51.100.20:51820) did not complete after 5 seconds, retrying (try 2)
            2026-01-30T05:00:05.000000Z backend      INFO  wireguard: not a kernel line

            """)
        // By name: only WireGuard's kernel messages; `journal-kernel` is every kernel message.
        #expect(try Self.text(["journal-file:" + journal, "journal-kernel:wireguard"], in: dir) == """
            2026-01-30T05:00:01.000000Z wireguard INFO  wireguard: WireGuard 1.0.0 loaded. See www.wireguard.com for information.
            2026-01-30T05:00:04.000000Z wireguard INFO  wireguard: wg0: Handshake for peer 3 (198.51.100.20:51820) did not complete after 5 seconds, retrying (try 2)

            """)
        let kernel = try Self.text(["journal-file:" + journal, "journal-kernel", "--source", "kernel"], in: dir)
        #expect(kernel == """
            2026-01-30T05:00:03.000000Z kernel INFO  usb 1-1: new high-speed USB device number 2 using xhci_hcd

            """)
        // The unit of the WireGuard interface next to the module's messages.
        let interface = try Logview.run(["--print", "--output", "json", "journal-file:" + journal, "-u", "wg-quick@wg0", "journal-kernel:wireguard"],
            scratch: dir.path).entries()
        #expect(interface.map { "\($0.ts) \($0.source)" } == [
            "2026-01-30T05:00:01.000000000Z wireguard", "2026-01-30T05:00:02.000000000Z wg-quick@wg0", "2026-01-30T05:00:04.000000000Z wireguard",
        ])
        let bad = try Logview.run(["--print", "journal-kernel:usb"], scratch: dir.path)
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("journal-kernel:usb: use journal-kernel (every kernel message) or journal-kernel:wireguard"))
    }

    @Test func discoveryNamesTheWireGuardSourceUnderARoot() throws {
        let dir = try TemporaryDirectory("journal-wg-root")
        defer { dir.remove() }
        let root = dir.file("img")
        let machine = try dir.directory("img/var/log/journal/0123456789abcdef0123456789abcdef")
        try Self.writeJournal(to: machine + "/system.journal")
        let show = try Logview.run(["--root", root, "--show-sources"], scratch: dir.path)
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdoutText == """
            Root: \(root)
            Read:
              journal: /var/log/journal (persistent)
            Sources:
              journal  journal  /var/log/journal  (the journal under the root (units: 2; WireGuard kernel messages as the wireguard source))
            Skipped:
              /etc/nginx/nginx.conf: not found (nginx is not configured here)
              /etc/postgresql: not found (PostgreSQL is not configured here)
              journal kernel messages: not opened by default (name journal-kernel to read them)

            """)
        // Opening the discovered journal gives the wireguard source beside the units.
        let opened = try Logview.run(["--root", root, "--print", "--output", "json"], scratch: dir.path)
        #expect(opened.status == 0, "\(opened.stderr)")
        #expect(try opened.entries().map(\.source) == ["wireguard", "wg-quick@wg0", "kernel", "wireguard", "backend"])
    }
}
