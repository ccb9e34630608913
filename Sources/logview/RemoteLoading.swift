import ArgumentParser
import LogviewCore
import LogviewSources

/// Loads Loki selectors and gatewayd URLs into the timeline, page by page; and answers
/// `--list-labels` / `--list-streams`.
struct RemoteLoading {
    let options: RemoteOptions
    let environment: [String: String]
    let settings: LoadSettings
    /// The Loki selectors with their servers (`PrintCommand.planSources`, config sources included);
    /// nil: the `loki:` arguments, to `--loki`/`LOKI_ADDR`.
    var lokiTargets: [LokiTarget]? = nil

    /// The time range for remote history: the query's, else the last hour.
    static func range(_ query: Query, now: Timestamp) -> (start: Int64, end: Int64) {
        let end = query.until.map { $0.nanoseconds + 1 } ?? now.nanoseconds
        let start = query.since?.nanoseconds ?? (end - 3_600_000_000_000)
        return (start, end)
    }

    /// Adds every remote source to `timeline`; returns one problem per failing source (what was
    /// fetched before a failure stays in the timeline).
    func load(_ arguments: [SourceArgument], query: Query, into timeline: Timeline) throws -> [SourceProblem] {
        try load(arguments, query: query, into: timeline, follow: false).problems
    }

    /// `load`, and with `follow` also a live feed per remote source that goes on from the end of
    /// its history (Loki: the tail websocket from the range's end; gatewayd: after the last
    /// cursor), for the follow mode's run loop.
    func load(
        _ arguments: [SourceArgument], query: Query, into timeline: Timeline, follow: Bool
    ) throws -> (problems: [SourceProblem], feeds: [any LiveFeed]) {
        var problems: [SourceProblem] = []
        var feeds: [any LiveFeed] = []
        let (start, end) = RemoteLoading.range(query, now: Clock.now())
        let selectors = arguments.compactMap { if case .loki(let s) = $0 { s } else { nil } }
        let targets: [LokiTarget]
        if let lokiTargets {
            targets = lokiTargets
        } else {
            targets = try LokiTarget.plan(selectors: selectors, configured: [], config: nil, options: options, environment: environment)
        }
        // One client per server, config endpoint and tenant, one assembler per server and config name (unnamed
        // selectors of one server share theirs, so a job is one source however many selectors find it).
        var clients: [String: LokiClient] = [:]
        var assemblers: [String: LokiSourceAssembler] = [:]
        for target in targets {
            let what = target.sourceName ?? "loki:\(target.selector)"
            do {
                let remote = try options.settings(environment, for: target.configured)
                let clientKey = "\(target.endpoint.display) \(target.configured?.name ?? "") \(remote.orgID ?? "")"
                let client = try clients[clientKey] ?? LokiClient(endpoint: target.endpoint, settings: remote)
                clients[clientKey] = client
                let assemblerKey = "\(target.endpoint.display) \(target.sourceName ?? "")"
                let assembler = assemblers[assemblerKey] ?? LokiSourceAssembler(
                    server: target.endpoint.display, nameLabels: options.sourceLabels, fixedName: target.sourceName,
                    settings: settings)
                assemblers[assemblerKey] = assembler
                let crowded = try client.history(query: target.selector, start: start, end: end, pageSize: options.pageSize) { page, fresh in
                    assembler.add(page, fresh: fresh, to: timeline)
                    return true
                }
                if follow { feeds.append(LokiFeed(client: client, query: target.selector, assembler: assembler, start: end)) }
                for t in crowded {
                    problems.append(SourceProblem(
                        source: what,
                        message: "more than \(options.pageSize) entries share the timestamp \(t) ns; some were skipped: raise --loki-page-size"))
                }
            } catch let error as ValidationError {
                throw error
            } catch {
                problems.append(SourceProblem(source: what, message: "\(error)"))
            }
        }
        for case .gatewayd(let url) in arguments {
            do {
                let client = try GatewaydClient(url: url, settings: try options.gatewaydSettings(environment))
                let records = try client.entries()
                let assembler = GatewaydSourceAssembler(server: client.server, settings: settings)
                assembler.add(records, to: timeline)
                if follow { feeds.append(try GatewaydFeed(client: client, assembler: assembler, after: records.last?.cursor)) }
            } catch let e as GatewaydClient.Error {
                problems.append(SourceProblem(source: "gatewayd+\(url)", message: e.description))
            }
        }
        return (problems, feeds)
    }

    /// `--list-labels` and `--list-streams` at `--loki`/`LOKI_ADDR` or the config's endpoint:
    /// prints and returns true when one was asked for.
    func list(selectors: [String], query: Query, config: ConfigFile?) throws -> Bool {
        guard options.listsSomething else { return false }
        let (endpoint, configured) = try LokiTarget.defaultEndpoint(config: config, options: options, environment: environment)
        let remote = try options.settings(environment, for: configured)
        let client: LokiClient
        do {
            client = try LokiClient(endpoint: endpoint, settings: remote)
        } catch {
            throw ListingFailure(message: error.description)
        }
        let (start, end) = RemoteLoading.range(query, now: Clock.now())
        var out: [String] = []
        do {
            if options.listLabels { out += try client.labels(start: start, end: end) }
            for name in options.listLabelValues {
                out += try client.labelValues(name: name, start: start, end: end).map { "\(name)=\($0)" }
            }
            if options.listStreams {
                let matches = selectors.isEmpty ? [#"{job=~".+"}"#] : selectors.map(LokiSelector.streamSelector)
                for m in matches {
                    for labels in try client.series(match: m, start: start, end: end) { out.append(labels.description) }
                }
            }
        } catch {
            throw ListingFailure(message: "\(error)")
        }
        var bytes: [UInt8] = []
        for line in out {
            Array(line.utf8).withUnsafeBytes { Sanitizer.appendVisible($0, to: &bytes) }
            bytes.append(0x0A)
        }
        var buffer = StdoutBuffer()
        buffer.bytes = bytes
        _ = buffer.flush()
        return true
    }

    struct ListingFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
