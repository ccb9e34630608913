import LogviewCore

/// Reads journal entries from systemd-journal-gatewayd (`gatewayd+http://HOST:19531`, field
/// matches in the URL's query: `gatewayd+http://HOST:19531?_SYSTEMD_UNIT=backend.service`).
public final class GatewaydClient: @unchecked Sendable {
    public enum Error: Swift.Error, CustomStringConvertible {
        case badURL(String)
        case transport(RemoteHTTP.Error)
        case status(server: String, status: Int, message: String)
        case unreadable(server: String, detail: String)

        public var description: String {
            switch self {
            case .badURL(let u):
                "\(u): not a journal-gatewayd URL: use gatewayd+http://HOST:19531 (or gatewayd+https://), optionally ?FIELD=VALUE matches"
            case .transport(let e): e.description
            case .status(let s, let code, let m):
                switch code {
                case 401, 403: "\(s): access denied (HTTP \(code): \(m)): check the client certificate (--client-cert/--client-key) or credentials"
                case 400...499: "\(s): the server refused the request (HTTP \(code): \(m)): check the field matches in the URL"
                default: "\(s): the server failed (HTTP \(code)\(m.isEmpty ? "" : ": " + m)): try again; check systemd-journal-gatewayd's status"
                }
            case .unreadable(let s, let d):
                "\(s): unreadable journal entries (\(d)): is this URL a systemd-journal-gatewayd?"
            }
        }
    }

    public let endpoint: RemoteEndpoint
    public let settings: RemoteSettings
    let http: RemoteHTTP
    public var server: String { endpoint.display }
    /// The URL's query: field matches.
    public var matches: String { endpoint.query }

    /// `url` without the `gatewayd+` prefix.
    public init(url: String, settings: RemoteSettings) throws(Error) {
        guard var e = RemoteEndpoint(url, defaultPort: 19531) else { throw .badURL("gatewayd+" + url) }
        if e.basePath.hasSuffix("/entries") { e.basePath.removeLast("/entries".count) }
        endpoint = e
        self.settings = settings
        do {
            http = try RemoteHTTP(endpoint: e, settings: settings)
        } catch {
            throw .transport(error)
        }
    }

    /// Every entry that matches, oldest first.
    public func entries() throws(Error) -> [GatewaydWire.Record] {
        let r: RemoteResponse
        do {
            r = try http.get(GatewaydWire.entriesPath(matches: matches, follow: false))
        } catch {
            throw .transport(error)
        }
        guard r.status == 200 else { throw .status(server: server, status: r.status, message: r.bodyText) }
        do {
            return try r.body.withUnsafeBytes { b throws(JSONCursor.Error) in try GatewaydWire.decodeEntries(b, final: true).0 }
        } catch {
            throw .unreadable(server: server, detail: "\(error)")
        }
    }
}

/// Builds record-backed sources from gatewayd entries, one per unit (or syslog identifier),
/// with each entry's cursor and fields for JSON output and the detail view.
public final class GatewaydSourceAssembler {
    public let server: String
    let settings: LoadSettings
    private var readers: [String: (format: any LogFormat, parser: any LineParser)] = [:]
    private var details: [String: GatewaydEntryDetails] = [:]
    private var positions: [String: Int] = [:]

    public init(server: String, settings: LoadSettings) {
        self.server = server
        self.settings = settings
    }

    /// Adds `records` to `timeline`; returns the entries added.
    @discardableResult
    public func add(_ records: [GatewaydWire.Record], to timeline: Timeline) -> [EntryRef] {
        var names: [String] = []
        var groups: [String: [Int]] = [:]
        for (i, r) in records.enumerated() {
            if groups[r.sourceName] == nil { names.append(r.sourceName) }
            groups[r.sourceName, default: []].append(i)
        }
        var added: [EntryRef] = []
        for name in names {
            let members = groups[name]!
            let reader = readers[name] ?? {
                let samples = members.prefix(FormatDetector.sampleLines).map { records[$0].message }
                let r = withBuffers(samples) { lines in
                    RemoteFormatChooser.reader(
                        for: [name], sample: lines, referenceTime: Timestamp(nanoseconds: records[members[0]].timestamp),
                        settings: settings)
                }
                readers[name] = r
                return r
            }()
            let detail = details[name] ?? GatewaydEntryDetails()
            details[name] = detail
            var builder = RecordSourceBuilder(name: name, formatName: reader.format.name, parser: reader.parser)
            for i in members {
                let r = records[i]
                r.message.withUnsafeBytes { m in
                    // Journal messages rarely carry a format's prefix: ids are looked for in the free text too.
                    var found = IDSlots()
                    IDScanner.scan(m, into: &found)
                    let ids = (0..<found.count).map { (UnsafeRawBufferPointer(rebasing: m[Int(found[$0].range.start)..<Int(found[$0].range.end)]), found[$0].kind) }
                    builder.append(
                        message: m, timestamp: Timestamp(nanoseconds: r.timestamp), precision: .microseconds, level: r.level,
                        extraIDs: ids)
                }
                detail.append(cursor: r.cursor, fields: r.fields)
            }
            let index = builder.finish(label: "\(server) \(name)", details: detail)
            if let s = positions[name] {
                added += timeline.appendRecords(index, to: s)
            } else {
                let s = timeline.addSource(index)
                positions[name] = s
                added += (0..<index.entries.count).map { EntryRef(source: s, entry: $0) }
            }
        }
        return added
    }

    private func withBuffers<R>(_ arrays: [[UInt8]], _ body: ([UnsafeRawBufferPointer]) -> R) -> R {
        var joined: [UInt8] = []
        var ranges: [Range<Int>] = []
        for a in arrays {
            ranges.append(joined.count..<(joined.count + a.count))
            joined += a
        }
        return joined.withUnsafeBytes { b in body(ranges.map { UnsafeRawBufferPointer(rebasing: b[$0]) }) }
    }
}

/// Cursor and fields of each gatewayd entry.
final class GatewaydEntryDetails: EntryDetailProvider, @unchecked Sendable {
    private var cursors: [String] = []
    private var fieldLists: [[Field]] = []

    func append(cursor: String, fields: [Field]) {
        cursors.append(cursor)
        fieldLists.append(fields)
    }

    func dropFirst(_ count: Int) -> Bool {
        cursors.removeFirst(count)
        fieldLists.removeFirst(count)
        return true
    }

    func appendJSONMembers(entry: Int, to out: inout [UInt8]) {
        guard entry < cursors.count else {
            out += Array(#""cursor":"","fields":{}"#.utf8)
            return
        }
        out += Array(#""cursor":"#.utf8)
        Array(cursors[entry].utf8).withUnsafeBytes { JSONString.append($0, to: &out) }
        out += Array(#","fields":{"#.utf8)
        for (k, f) in fieldLists[entry].enumerated() {
            if k > 0 { out.append(0x2C) }
            Array(f.name.utf8).withUnsafeBytes { JSONString.append($0, to: &out) }
            out.append(0x3A)
            Array(f.value.utf8).withUnsafeBytes { JSONString.append($0, to: &out) }
        }
        out.append(0x7D)
    }

    func fields(of entry: Int) -> [Field] {
        guard entry < cursors.count else { return [] }
        return [Field("cursor", cursors[entry])] + fieldLists[entry]
    }
}
