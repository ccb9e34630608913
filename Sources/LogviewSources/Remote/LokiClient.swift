import LogviewCore

/// Reads log lines, labels and series from a Grafana Loki server over its HTTP API.
public final class LokiClient: @unchecked Sendable {
    /// What went wrong, as one line an operator can act on.
    public enum Error: Swift.Error, CustomStringConvertible {
        case transport(RemoteHTTP.Error)
        /// 400: Loki could not run the query (a LogQL parse error, a limit); `message` is Loki's.
        case rejected(server: String, query: String, message: String)
        case unauthorized(server: String, status: Int, message: String, sentOrgID: Bool, sentCredentials: Bool)
        case tooManyRequests(server: String, message: String)
        case serverError(server: String, status: Int, message: String)
        case unexpectedStatus(server: String, status: Int, message: String)
        case unreadable(server: String, detail: String)

        public var description: String {
            switch self {
            case .transport(let e): return e.description
            case .rejected(let s, let q, let m):
                let advice: String
                if m.contains("parse error") || m.contains("syntax error") {
                    advice = "fix the LogQL selector (e.g. loki:'{job=\"nginx\"} |= \"ERROR\"')"
                } else if m.contains("query length") || m.contains("time range exceeds") {
                    advice = "narrow the time range with --since/--until"
                } else if m.contains("max entries limit") {
                    advice = "lower --loki-page-size"
                } else if m.contains("end timestamp must not be before") {
                    advice = "check --since/--until"
                } else {
                    advice = "check the query and the time range"
                }
                return "\(s): Loki rejected the query \(q): \(m): \(advice)"
            case .unauthorized(let s, let status, let m, let org, let creds):
                var advice = "set the credentials (LOKI_USERNAME and LOKI_PASSWORD or --loki-password-file, or LOKI_BEARER_TOKEN)"
                if m.contains("org id") && !org { advice = "give the tenant with --org-id or LOKI_ORG_ID" }
                else if creds { advice = "check the credentials and the tenant's permissions" }
                return "\(s): access denied (HTTP \(status): \(m)): \(advice)"
            case .tooManyRequests(let s, let m):
                return "\(s): Loki is limiting requests (HTTP 429: \(m)): wait, or narrow the time range"
            case .serverError(let s, let status, let m):
                return "\(s): the server failed (HTTP \(status)\(m.isEmpty ? "" : ": " + m)): try again later; check the server's logs"
            case .unexpectedStatus(let s, let status, let m):
                return "\(s): unexpected answer HTTP \(status)\(m.isEmpty ? "" : ": " + m): is this URL a Loki server?"
            case .unreadable(let s, let d):
                return "\(s): \(d): is this URL a Loki server (or a proxy in front of it answering instead)?"
            }
        }
    }

    public let http: RemoteHTTP
    public var server: String { http.endpoint.display }

    public init(endpoint: RemoteEndpoint, settings: RemoteSettings) throws(Error) {
        do {
            http = try RemoteHTTP(endpoint: endpoint, settings: settings)
        } catch {
            throw .transport(error)
        }
    }

    /// Fetches [start, end) of `query` page by page; `onPage` gets each page and the indices of its
    /// new entries (time order) as it arrives and returns false to stop. Entries delivered before
    /// an error stay delivered. Returns the timestamps where entries had to be skipped.
    @discardableResult
    public func history(
        query: String, start: Int64, end: Int64, pageSize: Int = LokiWire.maximumLimit,
        onPage: (LokiBatch, [Int]) -> Bool
    ) throws(Error) -> [Int64] {
        var pager = LokiPager(query: query, start: start, end: end, limit: min(pageSize, LokiWire.maximumLimit))
        while !pager.isFinished {
            let response = try get(pager.nextPath, query: query)
            let page: LokiBatch
            do {
                page = try response.body.withUnsafeBytes { b throws(LokiWire.DecodeError) in try LokiWire.decodeQueryRange(b) }
            } catch {
                throw .unreadable(server: server, detail: "\(error)")
            }
            let fresh = pager.accept(page)
            if !onPage(page, fresh) { break }
        }
        return pager.crowdedTimestamps
    }

    /// Label names seen in [start, end).
    public func labels(start: Int64, end: Int64) throws(Error) -> [String] {
        let r = try get(LokiWire.labelsPath(start: start, end: end), query: nil)
        do {
            return try r.body.withUnsafeBytes { b throws(LokiWire.DecodeError) in try LokiWire.decodeStringList(b) }
        } catch {
            throw .unreadable(server: server, detail: "\(error)")
        }
    }

    /// Values of label `name` seen in [start, end).
    public func labelValues(name: String, start: Int64, end: Int64) throws(Error) -> [String] {
        let r = try get(LokiWire.labelValuesPath(name: name, start: start, end: end), query: nil)
        do {
            return try r.body.withUnsafeBytes { b throws(LokiWire.DecodeError) in try LokiWire.decodeStringList(b) }
        } catch {
            throw .unreadable(server: server, detail: "\(error)")
        }
    }

    /// Streams matching `selector` in [start, end).
    public func series(match selector: String, start: Int64, end: Int64) throws(Error) -> [LokiLabels] {
        let r = try get(LokiWire.seriesPath(match: selector, start: start, end: end), query: selector)
        do {
            return try r.body.withUnsafeBytes { b throws(LokiWire.DecodeError) in try LokiWire.decodeSeries(b) }
        } catch {
            throw .unreadable(server: server, detail: "\(error)")
        }
    }

    func get(_ path: String, query: String?) throws(Error) -> RemoteResponse {
        let r: RemoteResponse
        do {
            r = try http.get(path)
        } catch {
            throw .transport(error)
        }
        try check(r, query: query)
        return r
    }

    /// Turns a non-200 answer into an error (also used for the tail's handshake answer).
    func check(_ r: RemoteResponse, query: String?) throws(Error) {
        switch r.status {
        case 200: return
        case 400: throw .rejected(server: server, query: query ?? "", message: r.bodyText)
        case 401, 403:
            let sent = http.headers.map { $0.0.lowercased() }
            throw .unauthorized(
                server: server, status: r.status, message: r.bodyText, sentOrgID: sent.contains("x-scope-orgid"),
                sentCredentials: sent.contains("authorization"))
        case 429: throw .tooManyRequests(server: server, message: r.bodyText)
        case 500...599: throw .serverError(server: server, status: r.status, message: r.bodyText)
        default: throw .unexpectedStatus(server: server, status: r.status, message: r.bodyText)
        }
    }
}
