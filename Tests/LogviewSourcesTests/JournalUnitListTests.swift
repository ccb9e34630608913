import LogviewSources
import Testing
import TestSupport

/// Discovery's unit list comes from the journal itself (`sd_journal_query_unique`).
@Suite(.enabled(if: JournalExport.isAvailable, "needs /lib/systemd/systemd-journal-remote"))
struct JournalUnitListTests {
    @Test func listsEveryUnitOnceAndKernelMessagesAsKernelAndWireGuard() throws {
        let dir = try JournalDir("unit-list")
        try dir.write([
            .init(realtime: journalBase, [("MESSAGE", "started"), ("_SYSTEMD_UNIT", "backend.service"), ("PRIORITY", "6")]),
            .init(realtime: journalBase + 1, [("MESSAGE", "again"), ("_SYSTEMD_UNIT", "backend.service"), ("PRIORITY", "6")]),
            .init(realtime: journalBase + 2, [("MESSAGE", "up"), ("_SYSTEMD_UNIT", "wg-quick@wg0.service")]),
            .init(realtime: journalBase + 3, [("MESSAGE", "usb 1-1: new device"), ("_TRANSPORT", "kernel")]),
            .init(realtime: journalBase + 4, [("MESSAGE", "wireguard: wg0: handshake"), ("_TRANSPORT", "kernel")]),
        ])
        #expect(try JournalUnitList().unitsThatLogged(inDirectories: [dir.path])
            == ["backend.service", "kernel", "kernel:wireguard", "wg-quick@wg0.service"])
        // Kernel messages without WireGuard's are only `kernel`; a unit's "wireguard:" line is no kernel message.
        let plain = try JournalDir("unit-list-plain")
        try plain.write([
            .init(realtime: journalBase, [("MESSAGE", "usb 1-1: new device"), ("_TRANSPORT", "kernel")]),
            .init(realtime: journalBase + 1, [("MESSAGE", "wireguard: not the kernel"), ("_SYSTEMD_UNIT", "wg-quick@wg0.service")]),
        ])
        #expect(try JournalUnitList().unitsThatLogged(inDirectories: [plain.path]) == ["kernel", "wg-quick@wg0.service"])
    }

    @Test func aDirectoryWithoutJournalFilesListsNothing() throws {
        let dir = try JournalDir("unit-list-empty")
        #expect(try JournalUnitList().unitsThatLogged(inDirectories: [dir.path]) == [])
    }
}
