/// Lists the units that have entries in a journal, for discovery (`sd_journal_query_unique`).
public struct JournalUnitList: JournalUnitLister {
    public init() {}

    /// `directories` empty: the system's journal. Kernel messages are reported as `kernel`.
    public func unitsThatLogged(inDirectories directories: [String]) throws -> [String] {
        var units = Set<String>()
        let readers = directories.isEmpty
            ? [try JournalReader.openLocal()] : try directories.map { try JournalReader.open(directory: $0) }
        for reader in readers {
            units.formUnion(reader.uniqueValues(of: "_SYSTEMD_UNIT"))
            if !reader.uniqueValues(of: "_TRANSPORT").filter({ $0 == "kernel" }).isEmpty { units.insert("kernel") }
        }
        return units.sorted()
    }
}
