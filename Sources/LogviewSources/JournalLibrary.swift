import CSystemd

/// Facts about the linked libsystemd (the journal source itself arrives with its own issue).
public enum JournalLibrary {
    /// Whether this process can open the local journal at all (false where no journal exists).
    public static func canOpenLocalJournal() -> Bool {
        var j: OpaquePointer? = nil
        guard sd_journal_open(&j, Int32(SD_JOURNAL_LOCAL_ONLY)) >= 0, let j else { return false }
        sd_journal_close(j)
        return true
    }
}
