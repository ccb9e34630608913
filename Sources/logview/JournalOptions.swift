import ArgumentParser

/// Options of the journal sources (`journal`, `journal:UNIT`, `journal-dir:PATH`, `journal-file:PATH`,
/// `journal-kernel[:wireguard]`).
struct JournalOptions: ParsableArguments {
    @Option(
        name: [.customShort("u"), .customLong("unit")],
        help: "Journal entries of this unit (backend means backend.service); reads the local journal if no journal source is named. Repeatable.")
    var units: [String] = []

    @Option(
        name: [.customShort("t"), .customLong("identifier")],
        help: "Journal entries with this SYSLOG_IDENTIFIER (sshd, CRON). Repeatable.")
    var identifiers: [String] = []

    @Option(
        name: [.customShort("b"), .customLong("boot")], parsing: .unconditional,
        help: "Journal entries of one boot: a boot id, or an offset (0 the last boot, -1 the one before, 1 the first).")
    var boot: String?
}
