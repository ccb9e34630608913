import LogviewCore

#if canImport(Glibc)
import Glibc
#endif

/// Follows a Loki query through the `/loki/api/v1/tail` websocket as a `LiveFeed`.
///
/// Each connection asks for history from the last timestamp already shown, so after a
/// disconnect the reconnect (with doubling back-off) fills the gap; entries at that timestamp
/// that were already shown are recognised by (stream, line) and dropped. A query Loki rejects
/// (400/401 at the handshake, close code 1011) is reported once and not retried: it will not
/// pass by itself. A connection silent for longer than the read timeout (Loki pings every second)
/// counts as stalled and is replaced.
public final class LokiFeed: LiveFeed {
    public let query: String
    let client: LokiClient
    let assembler: LokiSourceAssembler
    private let inbox = RemoteInbox<(connection: Int, event: WebSocketClient.Event)>()
    private var socket: WebSocketClient?
    /// The newest timestamp shown, and the entries shown at it.
    public private(set) var lastTimestamp: Int64
    private var boundary = LokiBoundary()
    private var problems: [String] = []
    private var reconnectAt: Int64?
    private var lastHeard: Int64 = 0
    private var backoff: Int64 = 500
    public private(set) var isStopped = false
    public private(set) var connections = 0
    static let maximumBackoff: Int64 = 30_000

    /// Follows `query` from `start` (ns): typically the end of the history already loaded, with
    /// `seen` the entries of that history at its last timestamp.
    public init(client: LokiClient, query: String, assembler: LokiSourceAssembler, start: Int64, seen: LokiBoundary = LokiBoundary()) {
        self.client = client
        self.query = query
        self.assembler = assembler
        lastTimestamp = start
        boundary = seen
        connect()
    }

    deinit { socket?.cancel() }

    public var descriptors: [Int32] { [inbox.descriptor] }

    public var deadline: Int? {
        guard !isStopped else { return nil }
        let now = Self.monotonicMilliseconds()
        if let at = reconnectAt { return Int(max(0, at - now)) }
        let stallAfter = client.http.settings.readTimeout.nanoseconds / 1_000_000
        return Int(max(0, lastHeard + stallAfter - now))
    }

    public func pump(into timeline: Timeline) -> [EntryRef] {
        var added: [EntryRef] = []
        let now = Self.monotonicMilliseconds()
        for (connection, event) in inbox.take() where connection == connections {
            lastHeard = now
            switch event {
            case .opened:
                backoff = 500
            case .text(let payload):
                added += take(payload, into: timeline)
            case .refused(let status, let body):
                let response = RemoteResponse(status: status, contentType: "", body: body)
                do {
                    try client.check(response, query: query)
                    fail("\(client.server): the tail websocket was refused with HTTP \(status)", retry: true)
                } catch {
                    fail(error.description, retry: status == 429 || status >= 500)
                }
            case .closed(let code, let reason):
                let text = reason.isEmpty ? "" : ": \(RemoteResponse(status: 0, contentType: "", body: Array(reason.utf8)).bodyText)"
                if code == 1011 {
                    fail("\(client.server): Loki ended the tail of \(query) (close code 1011\(text)): fix the query (a log selector, start within the last 30 days)", retry: false)
                } else {
                    fail("\(client.server): Loki closed the tail (close code \(code)\(text))", retry: true)
                }
            case .ended(let error):
                fail(error?.description ?? "\(client.server): the tail connection ended without a close", retry: true)
            }
        }
        if !isStopped, socket != nil, reconnectAt == nil,
            now - lastHeard > client.http.settings.readTimeout.nanoseconds / 1_000_000
        {
            fail(RemoteHTTP.Error.stalled(server: client.server, seconds: client.http.settings.readTimeout.nanoseconds / 1_000_000_000).description, retry: true)
        }
        if !isStopped, socket == nil, let at = reconnectAt, now >= at {
            reconnectAt = nil
            connect()
        }
        return added
    }

    public func takeProblems() -> [String] {
        defer { problems = [] }
        return problems
    }

    /// Stops following (closes the websocket, no reconnect).
    public func stop() {
        isStopped = true
        socket?.cancel()
        socket = nil
    }

    private func take(_ payload: [UInt8], into timeline: Timeline) -> [EntryRef] {
        let batch: LokiBatch
        do {
            batch = try payload.withUnsafeBytes { b throws(LokiWire.DecodeError) in try LokiWire.decodeTailFrame(b).0 }
        } catch {
            problems.append("\(client.server): unreadable tail frame (\(error)); skipped")
            return []
        }
        var fresh: [Int] = []
        for i in batch.timeOrder() {
            let e = batch.entries[i]
            if e.timestamp < lastTimestamp { continue }
            if e.timestamp == lastTimestamp, boundary.consume(batch, e) { continue }
            fresh.append(i)
        }
        guard !fresh.isEmpty else { return [] }
        // What is shown now at the newest timestamp: the leftovers of before, if it did not move.
        let newest = batch.entries[fresh[fresh.count - 1]].timestamp
        if newest > lastTimestamp {
            boundary = LokiBoundary()
            lastTimestamp = newest
        }
        for i in fresh where batch.entries[i].timestamp == lastTimestamp { boundary.remember(batch, batch.entries[i]) }
        return assembler.add(batch, fresh: fresh, to: timeline)
    }

    private func fail(_ message: String, retry: Bool) {
        socket?.cancel()
        socket = nil
        guard !isStopped else { return }
        if retry {
            problems.append(message + "; reconnecting in \(backoff >= 1000 ? "\(backoff / 1000)s" : "\(backoff)ms")")
            reconnectAt = Self.monotonicMilliseconds() + backoff
            backoff = min(backoff * 2, Self.maximumBackoff)
        } else {
            problems.append(message)
            isStopped = true
        }
    }

    private func connect() {
        connections += 1
        lastHeard = Self.monotonicMilliseconds()
        let inbox = self.inbox
        let number = connections
        // The boundary entries are asked for again (start is inclusive) and dropped on arrival.
        socket = WebSocketClient.connect(
            endpoint: client.http.endpoint, path: LokiWire.tailPath(query: query, start: lastTimestamp, limit: LokiWire.maximumLimit),
            headers: client.http.headers, settings: client.http.settings) { inbox.post((number, $0)) }
    }

    static func monotonicMilliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}
