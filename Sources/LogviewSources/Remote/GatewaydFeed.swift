import LogviewCore

#if canImport(Glibc)
import Glibc
#endif

/// Follows journal-gatewayd (`/entries?follow`) as a `LiveFeed`: entries arrive on a network
/// thread, wake the run loop through a pipe and are added on the timeline's thread. When the
/// server closes the stream or cannot be reached, it reconnects with doubling back-off from the
/// cursor of the last entry it added, so nothing is repeated or skipped.
public final class GatewaydFeed: LiveFeed {
    enum Event: Sendable {
        case head(Int)
        case bytes([UInt8])
        case end(RemoteHTTP.Error?)
    }

    let client: GatewaydClient
    let assembler: GatewaydSourceAssembler
    private let streaming: RemoteHTTP
    private let inbox = RemoteInbox<Event>()
    public private(set) var lastCursor: String?
    private var pending: [UInt8] = []
    private var status = 0
    private var problems: [String] = []
    private var cancel: (@Sendable () -> Void)?
    private var connected = false
    /// The cursor the current connection resumed after.
    private var resumeCursor: String?
    private var reconnectAt: Int64?
    private var backoff: Int64 = 500
    static let maximumBackoff: Int64 = 30_000

    /// Follows entries after `cursor` (nil: from the journal's start, as gatewayd sends it).
    public init(client: GatewaydClient, assembler: GatewaydSourceAssembler, after cursor: String?) throws(GatewaydClient.Error) {
        self.client = client
        self.assembler = assembler
        lastCursor = cursor
        do {
            streaming = try RemoteHTTP(endpoint: client.endpoint, settings: client.settings, streaming: true)
        } catch {
            throw .transport(error)
        }
        connect()
    }

    deinit { cancel?() }

    public var descriptors: [Int32] { [inbox.descriptor] }

    public var deadline: Int? {
        guard let at = reconnectAt else { return nil }
        return Int(max(0, at - Self.monotonicMilliseconds()))
    }

    public func pump(into timeline: Timeline) -> [EntryRef] {
        var added: [EntryRef] = []
        for event in inbox.take() {
            switch event {
            case .head(let code):
                status = code
                if code == 200 { backoff = 500 }
            case .bytes(let chunk):
                guard status == 200 else {
                    pending += chunk
                    continue
                }
                pending += chunk
                added += decode(final: false, into: timeline)
            case .end(let error):
                connected = false
                if status == 200 {
                    added += decode(final: true, into: timeline)
                }
                let message: String
                if let error {
                    message = error.description
                } else if status != 200 && status != 0 {
                    let body = RemoteResponse(status: status, contentType: "", body: pending).bodyText
                    message = GatewaydClient.Error.status(server: client.server, status: status, message: body).description
                } else {
                    message = "\(client.server): the server ended the followed stream"
                }
                pending = []
                problems.append(message + "; reconnecting in \(backoff / 1000 > 0 ? "\(backoff / 1000)s" : "\(backoff)ms")")
                reconnectAt = Self.monotonicMilliseconds() + backoff
                backoff = min(backoff * 2, Self.maximumBackoff)
            }
        }
        if !connected, let at = reconnectAt, Self.monotonicMilliseconds() >= at {
            reconnectAt = nil
            connect()
        }
        return added
    }

    public func takeProblems() -> [String] {
        defer { problems = [] }
        return problems
    }

    private func decode(final: Bool, into timeline: Timeline) -> [EntryRef] {
        var result: Result<([GatewaydWire.Record], Int), JSONCursor.Error> = .success(([], 0))
        pending.withUnsafeBytes { b in
            do throws(JSONCursor.Error) { result = .success(try GatewaydWire.decodeEntries(b, final: final)) } catch { result = .failure(error) }
        }
        do {
            var (records, used) = try result.get()
            pending.removeFirst(used)
            // gatewayd resends the entry at the cursor when that was the journal's last entry at
            // connect time (observed with systemd 252); the cursor names it, so it is dropped.
            if let resume = resumeCursor { records.removeAll { $0.cursor == resume } }
            guard !records.isEmpty else { return [] }
            lastCursor = records.last?.cursor
            return assembler.add(records, to: timeline)
        } catch {
            problems.append(GatewaydClient.Error.unreadable(server: client.server, detail: "\(error)").description)
            pending = []
            return []
        }
    }

    private func connect() {
        connected = true
        status = 0
        resumeCursor = lastCursor
        let inbox = self.inbox
        var headers: [(String, String)] = []
        if let h = GatewaydWire.rangeHeader(after: lastCursor) { headers.append(h) }
        cancel = streaming.stream(
            GatewaydWire.entriesPath(matches: client.matches, follow: true), extraHeaders: headers,
            accept: "application/json",
            onHead: { inbox.post(.head($0)) }, onBody: { inbox.post(.bytes($0)) }, onEnd: { inbox.post(.end($0)) })
    }

    static func monotonicMilliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}
