import LogviewSources
import Testing
import TestSupport

/// Discovery's unit list comes from the journal itself (`sd_journal_query_unique`).
@Suite(.enabled(if: JournalExport.isAvailable, "needs /lib/systemd/systemd-journal-remote"))
struct JournalUnitListTests {
    @Test func listsEveryUnitOnceAndKernelMessagesAsKernel() throws {
        let dir = try JournalDir("unit-list")
        try dir.write([
            .init(realtime: journalBase, [("MESSAGE", "started"), ("_SYSTEMD_UNIT", "backend.service"), ("PRIORITY", "6")]),
            .init(realtime: journalBase + 1, [("MESSAGE", "again"), ("_SYSTEMD_UNIT", "backend.service"), ("PRIORITY", "6")]),
            .init(realtime: journalBase + 2, [("MESSAGE", "up"), ("_SYSTEMD_UNIT", "wg-quick@wg0.service")]),
            .init(realtime: journalBase + 3, [("MESSAGE", "wireguard: wg0: handshake"), ("_TRANSPORT", "kernel")]),
        ])
        #expect(try JournalUnitList().unitsThatLogged(inDirectories: [dir.path]) == ["backend.service", "kernel", "wg-quick@wg0.service"])
    }

    @Test func aDirectoryWithoutJournalFilesListsNothing() throws {
        let dir = try JournalDir("unit-list-empty")
        #expect(try JournalUnitList().unitsThatLogged(inDirectories: [dir.path]) == [])
    }
}
