import LogviewSources
import Testing

@Suite struct JournalSpecTests {
    @Test func unitNamesLikeJournalctl() {
        #expect(JournalSpec.unitName("backend") == "backend.service")
        #expect(JournalSpec.unitName("backend.service") == "backend.service")
        #expect(JournalSpec.unitName("wg-quick@wg0") == "wg-quick@wg0.service")
        #expect(JournalSpec.unitName("logrotate.timer") == "logrotate.timer")
    }

    @Test func argumentsCombineIntoJournals() throws {
        #expect(try JournalSpec.combine([""], units: [], boot: nil) == [JournalSpec(location: .local)])
        #expect(try JournalSpec.combine([":backend", ":nginx.service"], units: [], boot: nil)
            == [JournalSpec(location: .local, units: ["backend.service", "nginx.service"])])
        // A bare `journal` next to `journal:UNIT` means every unit.
        #expect(try JournalSpec.combine([":backend", ""], units: [], boot: nil) == [JournalSpec(location: .local)])
        // -u alone reads the local journal; with other journals it narrows each of them.
        #expect(try JournalSpec.combine([], units: ["backend"], boot: "-1")
            == [JournalSpec(location: .local, units: ["backend.service"], boot: "-1")])
        #expect(try JournalSpec.combine(["-dir:/x", "-file:/a.journal", "-file:/b/*.journal", "-dir:/y"], units: ["cron"], boot: nil) == [
            JournalSpec(location: .directory("/x"), units: ["cron.service"]),
            JournalSpec(location: .directory("/y"), units: ["cron.service"]),
            JournalSpec(location: .files(["/a.journal", "/b/*.journal"]), units: ["cron.service"]),
        ])
        #expect(try JournalSpec.combine([], units: [], boot: nil) == [])
    }

    @Test func kernelSourcesJoinTheUnitsOfEveryJournal() throws {
        #expect(SourceArgument(parsing: "journal-kernel:wireguard") == .journal("-kernel:wireguard"))
        #expect(SourceArgument(parsing: "journal-kernel") == .journal("-kernel"))
        // Alone: the local journal's kernel messages; beside a unit: both.
        #expect(try JournalSpec.combine(["-kernel:wireguard"], units: [], boot: nil)
            == [JournalSpec(location: .local, kernelSources: ["wireguard"])])
        #expect(try JournalSpec.combine([":wg-quick@wg0", "-kernel:wireguard", "-kernel:wireguard"], units: [], boot: nil)
            == [JournalSpec(location: .local, units: ["wg-quick@wg0.service"], kernelSources: ["wireguard"])])
        // A bare `journal` already has every kernel message.
        #expect(try JournalSpec.combine(["", "-kernel"], units: [], boot: nil) == [JournalSpec(location: .local)])
        // Like -u, they narrow every journal named.
        #expect(try JournalSpec.combine(["-file:/a.journal", "-kernel:wireguard"], units: [], boot: nil)
            == [JournalSpec(location: .files(["/a.journal"]), kernelSources: ["wireguard"])])
        #expect(JournalSpec(location: .local, units: ["wg-quick@wg0.service"], kernelSources: ["wireguard"]).label
            == "journal:wg-quick@wg0.service,kernel:wireguard")
        #expect(throws: JournalSpec.ParseError(argument: "journal-kernel:usb",
            problem: "use journal-kernel (every kernel message) or journal-kernel:wireguard")) {
            try JournalSpec.combine(["-kernel:usb"], units: [], boot: nil)
        }
    }

    @Test func labelsNameWhatWasAskedFor() {
        #expect(JournalSpec(location: .local).label == "journal")
        #expect(JournalSpec(location: .local, units: ["a.service", "b.service"]).label == "journal:a.service,b.service")
        #expect(JournalSpec(location: .directory("/srv/j")).label == "journal-dir:/srv/j")
        #expect(JournalSpec(location: .files(["/a.journal", "/b.journal"])).label == "journal-file:/a.journal,/b.journal")
    }

    @Test func badArgumentsSayWhatToWrite() {
        #expect(throws: JournalSpec.ParseError(argument: "journal:", problem: "name a unit after 'journal:', e.g. journal:backend.service")) {
            try JournalSpec.combine([":"], units: [], boot: nil)
        }
        #expect(throws: JournalSpec.ParseError(argument: "journal-dir:", problem: "name a directory after 'journal-dir:'")) {
            try JournalSpec.combine(["-dir:"], units: [], boot: nil)
        }
    }
}
