import LogviewCore

/// Follows a journal: new entries become new sources in the timeline.
///
/// The run loop sleeps in `poll` on `descriptors` (`sd_journal_get_fd`: an inotify descriptor on
/// the journal files and directories) and calls `pump` when it is readable; `pump` lets
/// `sd_journal_process` digest the notification and reads every entry after the last one read.
/// Entries of one pump are added as one new record-backed source per unit via
/// `Timeline.addSource` (record sources cannot grow in place, since their bytes live in one
/// arena); they keep the unit's name and its message format, so filters by source name and the
/// correlation index treat them as the same unit. Nothing is read while the journal is quiet.
public final class JournalFeed: LiveFeed {
    private let reader: JournalReader
    private let label: String
    private let memory: JournalCollector.FormatMemory
    private let keptKernelSources: Set<String>?
    private let descriptor: Int32?
    private var problems: [String] = []

    /// `reader` must be positioned at the last entry already shown (after reading to its end, or
    /// after `seekTail` and one `previous`).
    init(reader: JournalReader, label: String, memory: JournalCollector.FormatMemory, keptKernelSources: Set<String>? = nil) {
        self.reader = reader
        self.label = label
        self.memory = memory
        self.keptKernelSources = keptKernelSources
        descriptor = reader.changeDescriptor()
        if descriptor == nil { problems.append("\(label): this journal cannot be watched for new entries") }
    }

    /// A feed of the entries `reader` gets from now on (it is moved to the journal's tail).
    public convenience init(followingTailOf reader: JournalReader, label: String) {
        reader.seekTail()
        _ = reader.previous()
        self.init(reader: reader, label: label, memory: JournalCollector.FormatMemory())
    }

    public var descriptors: [Int32] { descriptor.map { [$0] } ?? [] }

    public var deadline: Int? { nil }

    public func pump(into timeline: Timeline) -> [EntryRef] {
        _ = reader.processChanges()
        let collector = JournalCollector(memory: memory, keptKernelSources: keptKernelSources)
        while reader.next() {
            guard let usec = reader.realtimeMicroseconds(), usec <= UInt64(Int64.max / 1000) else { continue }
            collector.collect(from: reader, timestamp: Timestamp(nanoseconds: Int64(usec) * 1000))
        }
        guard collector.count > 0 else { return [] }
        var refs: [EntryRef] = []
        for batch in collector.finish(label: label) {
            // A unit already on the timeline grows in place (one source per unit, however long
            // logview follows); its details grow alongside, entry for entry.
            if let newDetails = batch.details as? JournalEntryDetails,
                let s = timeline.sources.firstIndex(where: {
                    $0.name == batch.name && $0.formatName == batch.formatName
                        && ($0.details as? JournalEntryDetails)?.count == $0.entries.count
                }),
                let details = timeline.sources[s].details as? JournalEntryDetails
            {
                details.appendCopies(of: newDetails)
                refs += timeline.appendRecords(batch, to: s)
            } else {
                let s = timeline.addSource(batch)
                refs += (0..<batch.entries.count).map { EntryRef(source: s, entry: $0) }
            }
        }
        timeline.sortInTimeOrder(&refs)
        return refs
    }

    public func takeProblems() -> [String] {
        defer { problems = [] }
        return problems
    }
}
