import LogviewCore

/// Turns Loki entries into logview sources as pages arrive: one source per name (the first of
/// `nameLabels` a stream has: `job`, then `unit`, then `filename`), each read by the format its
/// lines are in, so an nginx access line from Loki is parsed like a local one. Labels stay with
/// each entry as fields. Used on the thread that owns the timeline.
public final class LokiSourceAssembler {
    public static let defaultNameLabels = ["job", "unit", "filename"]

    public let server: String
    public let nameLabels: [String]
    /// The one name of every stream (a config `[[source]]`'s `name`); nil: named by `nameLabels`.
    public let fixedName: String?
    let settings: LoadSettings
    private var readers: [String: (format: any LogFormat, parser: any LineParser)] = [:]
    private var details: [String: LokiEntryDetails] = [:]
    /// Source number in the timeline per name.
    private var positions: [String: Int] = [:]
    public private(set) var entriesAdded = 0

    public init(
        server: String, nameLabels: [String] = LokiSourceAssembler.defaultNameLabels, fixedName: String? = nil,
        settings: LoadSettings
    ) {
        self.server = server
        self.fixedName = fixedName
        self.nameLabels = nameLabels.isEmpty ? LokiSourceAssembler.defaultNameLabels : nameLabels
        self.settings = settings
    }

    /// Loki keeps what was pushed; a timestamp on a whole second most likely came from a log that
    /// writes seconds (nginx), which matters for how wide a request's time span is.
    static func precision(of ns: Int64) -> TimePrecision {
        if ns % 1_000_000_000 == 0 { return .seconds }
        if ns % 1_000_000 == 0 { return .milliseconds }
        if ns % 1_000 == 0 { return .microseconds }
        return .nanoseconds
    }

    public func sourceName(_ labels: LokiLabels) -> String { fixedName ?? labelName(labels) }

    /// The name a stream's labels give it (`job`, else `unit`, else `filename`): also what its
    /// format is chosen by, so a config source spanning several jobs reads each job's lines by
    /// that job's format.
    func labelName(_ labels: LokiLabels) -> String {
        for l in nameLabels { if let v = labels[l], !v.isEmpty { return v } }
        return "loki"
    }

    /// Adds the `fresh` entries of `batch` (indices in time order) to `timeline`, creating sources
    /// for names not seen before; returns the entries added.
    @discardableResult
    public func add(_ batch: LokiBatch, fresh: [Int], to timeline: Timeline) -> [EntryRef] {
        var added: [EntryRef] = []
        for (name, index) in build(batch, fresh: fresh) {
            if let s = positions[name] {
                added += timeline.appendRecords(index, to: s)
            } else {
                let s = timeline.addSource(index)
                positions[name] = s
                added += (0..<index.entries.count).map { EntryRef(source: s, entry: $0) }
            }
        }
        entriesAdded += added.count
        return added
    }

    /// One record-backed source per name for the given entries, in first-seen order.
    func build(_ batch: LokiBatch, fresh: [Int]) -> [(String, SourceIndex)] {
        // Per stream, not per entry: its group (source name), its reader and its label-set number.
        var names: [String] = []
        var groupOfName: [String: Int] = [:]
        let groupOfStream = batch.streams.map { labels -> Int in
            let name = sourceName(labels)
            if let g = groupOfName[name] { return g }
            names.append(name)
            groupOfName[name] = names.count - 1
            return names.count - 1
        }
        var groups = [[Int]](repeating: [], count: names.count)
        var firstSeen: [Int] = []  // groups in the time order of their first entry: stable across answers
        for i in fresh {
            let g = groupOfStream[batch.entries[i].stream]
            if groups[g].isEmpty { firstSeen.append(g) }
            groups[g].append(i)
        }
        let readerOfStream = streamReaders(batch, fresh: fresh)
        var out: [(String, SourceIndex)] = []
        for g in firstSeen {
            let name = names[g]
            let members = groups[g]
            let detail = details[name] ?? LokiEntryDetails(server: server)
            details[name] = detail
            // The formats of the group's streams, named once per stream, not per entry.
            var streamSeen = [Bool](repeating: false, count: batch.streams.count)
            var formats: [String] = []
            for i in members where !streamSeen[batch.entries[i].stream] {
                streamSeen[batch.entries[i].stream] = true
                let f = readerOfStream[batch.entries[i].stream]!.format.name
                if !formats.contains(f) { formats.append(f) }
            }
            var labelNumbers = [UInt32?](repeating: nil, count: batch.streams.count)
            var builder = RecordSourceBuilder(name: name, formatName: formats.joined(separator: "+"), parser: nil)
            batch.text.withUnsafeBytes { text in
                for i in members {
                    let e = batch.entries[i]
                    let line = UnsafeRawBufferPointer(rebasing: text[e.start..<(e.start + e.length)])
                    builder.append(
                        message: line, timestamp: Timestamp(nanoseconds: e.timestamp),
                        precision: LokiSourceAssembler.precision(of: e.timestamp), level: .unknown,
                        parser: readerOfStream[e.stream]!.parser)
                    let number = labelNumbers[e.stream] ?? detail.number(of: batch.streams[e.stream])
                    labelNumbers[e.stream] = number
                    detail.append(number)
                }
            }
            out.append((name, builder.finish(label: "\(server) \(name)", details: detail)))
        }
        return out
    }

    /// The reader of each stream of `batch` that has `fresh` entries, chosen once per label name
    /// (on the first entries seen of it) and kept for later answers.
    private func streamReaders(_ batch: LokiBatch, fresh: [Int]) -> [(format: any LogFormat, parser: any LineParser)?] {
        let keyOfStream = batch.streams.map(labelName)
        var samples: [String: [Int]] = [:]
        for i in fresh {
            let key = keyOfStream[batch.entries[i].stream]
            if readers[key] == nil, samples[key, default: []].count < FormatDetector.sampleLines { samples[key, default: []].append(i) }
        }
        for (key, sample) in samples {
            // A forced format or zone of the config source's name wins over the job's.
            let names = [fixedName, key].compactMap { $0 }
            readers[key] = batch.text.withUnsafeBytes { text in
                RemoteFormatChooser.reader(
                    for: names,
                    sample: sample.map { i in
                        let e = batch.entries[i]
                        return UnsafeRawBufferPointer(rebasing: text[e.start..<(e.start + e.length)])
                    },
                    referenceTime: Timestamp(nanoseconds: batch.entries[sample[0]].timestamp), settings: settings)
            }
        }
        return keyOfStream.map { readers[$0] }
    }
}

/// The stream labels of each Loki entry, for JSON output (`"server"`, `"fields"`) and the detail view.
final class LokiEntryDetails: EntryDetailProvider, @unchecked Sendable {
    let server: String
    private var labelSets: [LokiLabels] = []
    private var numbers: [LokiLabels: UInt32] = [:]
    private var perEntry: [UInt32] = []

    init(server: String) { self.server = server }

    /// The number of a label set, adding it when new.
    func number(of labels: LokiLabels) -> UInt32 {
        if let n = numbers[labels] { return n }
        let n = UInt32(labelSets.count)
        labelSets.append(labels)
        numbers[labels] = n
        return n
    }

    /// Records the label set of the next entry.
    func append(_ number: UInt32) { perEntry.append(number) }

    /// Label sets are few and shared: only the per-entry numbers go.
    func dropFirst(_ count: Int) -> Bool {
        perEntry.removeFirst(count)
        return true
    }

    func appendJSONMembers(entry: Int, to out: inout [UInt8]) {
        out += Array(#""server":"#.utf8)
        Array(server.utf8).withUnsafeBytes { JSONString.append($0, to: &out) }
        out += Array(#","fields":{"#.utf8)
        if entry < perEntry.count {
            for (k, p) in labelSets[Int(perEntry[entry])].pairs.enumerated() {
                if k > 0 { out.append(0x2C) }
                Array(p.name.utf8).withUnsafeBytes { JSONString.append($0, to: &out) }
                out.append(0x3A)
                Array(p.value.utf8).withUnsafeBytes { JSONString.append($0, to: &out) }
            }
        }
        out.append(0x7D)
    }

    func fields(of entry: Int) -> [Field] {
        guard entry < perEntry.count else { return [] }
        return [Field("server", server)] + labelSets[Int(perEntry[entry])].pairs.map { Field($0.name, $0.value) }
    }
}
