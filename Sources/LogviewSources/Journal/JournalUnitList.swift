/// Lists the units that have entries in a journal, for discovery (`sd_journal_query_unique`).
public struct JournalUnitList: JournalUnitLister {
    public init() {}

    /// `directories` empty: the system's journal. Kernel messages are reported as `kernel`, and
    /// as `kernel:wireguard` when the WireGuard module wrote some (read until the first one).
    public func unitsThatLogged(inDirectories directories: [String]) throws -> [String] {
        var units = Set<String>()
        let readers = directories.isEmpty
            ? [try JournalReader.openLocal()] : try directories.map { try JournalReader.open(directory: $0) }
        for reader in readers {
            units.formUnion(reader.uniqueValues(of: "_SYSTEMD_UNIT"))
            guard reader.uniqueValues(of: "_TRANSPORT").contains("kernel") else { continue }
            units.insert("kernel")
            reader.addMatch("_TRANSPORT=kernel")
            reader.seekHead()
            var modules = Set<Int>()
            while modules.count < JournalCollector.kernelModuleSources.count, reader.next() {
                let module = reader.withField("MESSAGE") { $0.map(JournalCollector.kernelModule(of:)) ?? 0 }
                if module > 0 { modules.insert(module) }
            }
            for m in modules { units.insert("kernel:" + JournalCollector.kernelModuleSources[m - 1]) }
        }
        return units.sorted()
    }
}
