import AsyncHTTPClient
import Dispatch
import LogviewCore
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

#if canImport(Glibc)
import Glibc
#endif

/// A remote server's base URL (`https://loki.example:3100`, `http://host:19531`), parsed.
public struct RemoteEndpoint: Sendable, Equatable {
    public var scheme: String
    public var host: String
    public var port: Int
    /// Path prefix before the API paths (a Loki behind a reverse proxy at `/loki-a`), no trailing slash.
    public var basePath: String
    /// The query string of the URL as given (journal-gatewayd field matches), without `?`.
    public var query: String

    /// Parses `http(s)://HOST[:PORT][/PATH][?QUERY]`; user info in the URL is refused (credentials
    /// belong in the environment or a file).
    public init?(_ text: String, defaultPort: Int? = nil) {
        var rest = Substring(text)
        if rest.hasPrefix("http://") {
            scheme = "http"
            rest = rest.dropFirst(7)
        } else if rest.hasPrefix("https://") {
            scheme = "https"
            rest = rest.dropFirst(8)
        } else {
            return nil
        }
        var authority = rest
        var pathAndQuery: Substring = ""
        if let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) {
            authority = rest[..<slash]
            pathAndQuery = rest[slash...]
        }
        guard !authority.contains("@"), !authority.isEmpty else { return nil }
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") {
                guard let p = Int(after.dropFirst()) else { return nil }
                port = p
            } else {
                port = defaultPort ?? (scheme == "https" ? 443 : 80)
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            guard let p = Int(authority[authority.index(after: colon)...]), (1...65535).contains(p) else { return nil }
            port = p
        } else {
            host = String(authority)
            port = defaultPort ?? (scheme == "https" ? 443 : 80)
        }
        guard !host.isEmpty else { return nil }
        if let q = pathAndQuery.firstIndex(of: "?") {
            query = String(pathAndQuery[pathAndQuery.index(after: q)...])
            pathAndQuery = pathAndQuery[..<q]
        } else {
            query = ""
        }
        while pathAndQuery.hasSuffix("/") { pathAndQuery = pathAndQuery.dropLast() }
        basePath = String(pathAndQuery)
    }

    /// `scheme://host:port` (IPv6 hosts bracketed).
    public var origin: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(h):\(port)"
    }

    /// How messages name the server.
    public var display: String { origin + basePath }

    public func url(_ pathAndQuery: String) -> String { origin + basePath + pathAndQuery }
}

/// An answer with its status, content type and whole body.
public struct RemoteResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]

    /// The body as text for a message: sanitised, trimmed, at most 300 characters.
    public var bodyText: String {
        var b = body
        while let last = b.last, last == 0x0A || last == 0x0D || last == 0x20 { b.removeLast() }
        if b.count > 300 { b = Array(b[0..<300]) + Array("...".utf8) }
        return b.withUnsafeBytes { Sanitizer.visibleString($0) }
    }
}

/// HTTP to one remote server (AsyncHTTPClient underneath): TLS with the system's CAs unless told
/// otherwise, proxies from the environment, timeouts, and retries with back-off for failures that
/// may pass. Blocking calls; one instance per server.
public final class RemoteHTTP: @unchecked Sendable {
    /// Why a request failed before an HTTP answer could be read.
    public enum Error: Swift.Error, CustomStringConvertible, Equatable {
        case refused(server: String)
        case unknownHost(server: String, host: String)
        case tls(server: String, detail: String)
        case connectTimeout(server: String, seconds: Int64)
        case stalled(server: String, seconds: Int64)
        case closedEarly(server: String)
        case setup(server: String, detail: String)
        case other(server: String, detail: String)

        public var description: String {
            switch self {
            case .refused(let s):
                "\(s): connection refused: check that the server runs and the URL's host and port are right"
            case .unknownHost(let s, let h):
                "\(s): cannot resolve host name '\(h)': check the URL and DNS"
            case .tls(let s, let d):
                "\(s): TLS failed (\(d)): check the URL's scheme, --ca-cert, or the client certificate"
            case .connectTimeout(let s, let n):
                "\(s): no connection within \(n)s: check the address, firewall and proxy settings"
            case .stalled(let s, let n):
                "\(s): the server sent nothing for \(n)s and was given up on: it may be overloaded; try a narrower --since/--until or a larger --remote-timeout"
            case .closedEarly(let s):
                "\(s): the server closed the connection before the answer was complete: try again; check a proxy in between"
            case .setup(let s, let d): "\(s): \(d)"
            case .other(let s, let d): "\(s): request failed: \(d)"
            }
        }

        /// Worth another attempt after a pause.
        var isTransient: Bool {
            switch self {
            case .refused, .connectTimeout, .stalled, .closedEarly, .other: true
            case .unknownHost, .tls, .setup: false
            }
        }
    }

    public let endpoint: RemoteEndpoint
    public let settings: RemoteSettings
    let client: HTTPClient
    private let baseHeaders: HTTPHeaders

    /// `streaming` turns the read timeout off (a followed answer may be quiet for hours).
    public init(endpoint: RemoteEndpoint, settings: RemoteSettings, streaming: Bool = false) throws(Error) {
        self.endpoint = endpoint
        self.settings = settings
        let tls: TLSConfiguration
        do {
            tls = try RemoteHTTP.tlsConfiguration(settings)
        } catch {
            throw .setup(server: endpoint.display, detail: "\(error)")
        }
        var config = HTTPClient.Configuration(
            tlsConfiguration: tls, redirectConfiguration: .follow(max: 3, allowCycles: false),
            timeout: .init(
                connect: .nanoseconds(settings.connectTimeout.nanoseconds),
                read: streaming ? nil : .nanoseconds(settings.readTimeout.nanoseconds)),
            proxy: nil, decompression: .disabled)
        if let p = settings.proxy(scheme: endpoint.scheme, host: endpoint.host) {
            config.proxy = .server(host: p.host, port: p.port)
        }
        config.httpVersion = .http1Only
        // A refused or failed connection is reported at once; our own retries (with back-off)
        // decide whether to try again, instead of the pool retrying until the connect timeout.
        config.connectionPool.retryConnectionEstablishment = false
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
        var h = HTTPHeaders()
        h.add(name: "User-Agent", value: "logview/0.1")
        if let org = settings.orgID, !org.isEmpty { h.add(name: "X-Scope-OrgID", value: org) }
        if let token = settings.bearerToken, !token.isEmpty {
            h.add(name: "Authorization", value: "Bearer \(token)")
        } else if let user = settings.username, !user.isEmpty {
            let pair = Array("\(user):\(settings.password ?? "")".utf8)
            h.add(name: "Authorization", value: "Basic \(Base64.encode(pair))")
        }
        baseHeaders = h
    }

    // Non-blocking: the last reference may go away on an event loop, where a blocking shutdown traps.
    deinit { client.shutdown(queue: .global()) { _ in } }

    /// The headers every request carries (tenant, authorization, user agent).
    public var headers: [(String, String)] { baseHeaders.map { ($0.name, $0.value) } }

    static func tlsConfiguration(_ s: RemoteSettings) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let ca = s.caCertPath { tls.trustRoots = .file(ca) }
        if let cert = s.clientCertPath {
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: s.clientKeyPath ?? cert, format: .pem))
        }
        if s.insecureSkipVerify { tls.certificateVerification = .none }
        return tls
    }

    /// GETs `pathAndQuery` and returns any HTTP answer (the caller judges the status); retries
    /// transport failures, 429 and 502/503/504 with doubling back-off.
    public func get(_ pathAndQuery: String, accept: String = "application/json") throws(Error) -> RemoteResponse {
        var attempt = 0
        var delay = settings.retryDelay
        while true {
            do {
                let r = try once(pathAndQuery, accept: accept)
                if [429, 502, 503, 504].contains(r.status), attempt < settings.retries {
                    attempt += 1
                    sleep(delay)
                    delay = TimeSpan(nanoseconds: delay.nanoseconds * 2)
                    continue
                }
                return r
            } catch {
                guard error.isTransient, attempt < settings.retries else { throw error }
                attempt += 1
                sleep(delay)
                delay = TimeSpan(nanoseconds: delay.nanoseconds * 2)
            }
        }
    }

    private func once(_ pathAndQuery: String, accept: String) throws(Error) -> RemoteResponse {
        var headers = baseHeaders
        headers.add(name: "Accept", value: accept)
        let request: HTTPClient.Request
        do {
            request = try HTTPClient.Request(url: endpoint.url(pathAndQuery), method: .GET, headers: headers)
        } catch {
            throw .setup(server: endpoint.display, detail: "invalid URL \(endpoint.url(pathAndQuery))")
        }
        // A ceiling over the whole answer, so a server trickling bytes cannot hold logview forever.
        let ceiling = settings.connectTimeout.nanoseconds + settings.readTimeout.nanoseconds * 4
        do {
            let response = try client.execute(request: request, deadline: .now() + .nanoseconds(ceiling)).wait()
            var body: [UInt8] = []
            if var b = response.body { body = b.readBytes(length: b.readableBytes) ?? [] }
            return RemoteResponse(
                status: Int(response.status.code), contentType: response.headers.first(name: "Content-Type") ?? "",
                body: body)
        } catch {
            throw classify(error)
        }
    }

    /// Streams the answer of `pathAndQuery` chunk by chunk to `onBody`, from a NIO thread;
    /// `onEnd` gets nil after a complete answer or the error. For followed answers.
    public func stream(
        _ pathAndQuery: String, extraHeaders: [(String, String)], accept: String,
        onHead: @escaping @Sendable (Int) -> Void,
        onBody: @escaping @Sendable ([UInt8]) -> Void,
        onEnd: @escaping @Sendable (Error?) -> Void
    ) -> (@Sendable () -> Void) {
        var headers = baseHeaders
        headers.add(name: "Accept", value: accept)
        for (n, v) in extraHeaders { headers.add(name: n, value: v) }
        guard let request = try? HTTPClient.Request(url: endpoint.url(pathAndQuery), method: .GET, headers: headers) else {
            onEnd(.setup(server: endpoint.display, detail: "invalid URL \(endpoint.url(pathAndQuery))"))
            return {}
        }
        let delegate = StreamDelegate(onHead: onHead, onBody: onBody)
        let task = client.execute(request: request, delegate: delegate)
        let endpoint = self.endpoint, settings = self.settings
        task.futureResult.whenComplete { result in
            switch result {
            case .success: onEnd(nil)
            case .failure(let e): onEnd(RemoteHTTP.classify(e, endpoint: endpoint, settings: settings))
            }
        }
        return { task.cancel() }
    }

    func classify(_ error: any Swift.Error) -> Error { RemoteHTTP.classify(error, endpoint: endpoint, settings: settings) }

    static func classify(_ error: any Swift.Error, endpoint: RemoteEndpoint, settings: RemoteSettings) -> Error {
        let server = endpoint.display
        if let e = error as? HTTPClientError {
            switch e {
            case .connectTimeout: return .connectTimeout(server: server, seconds: settings.connectTimeout.nanoseconds / 1_000_000_000)
            case .readTimeout, .deadlineExceeded:
                return .stalled(server: server, seconds: settings.readTimeout.nanoseconds / 1_000_000_000)
            case .remoteConnectionClosed: return .closedEarly(server: server)
            case .tlsHandshakeTimeout: return .tls(server: server, detail: "handshake timed out")
            default: break
            }
        }
        if error is NIOSSLError || error is BoringSSLError || String(describing: type(of: error)).contains("SSL") {
            return .tls(server: server, detail: tlsDetail("\(error)"))
        }
        let text = "\(error)"
        if let e = error as? IOError, e.errnoCode == ECONNREFUSED { return .refused(server: server) }
        if let e = error as? ChannelError, case .connectTimeout = e {
            return .connectTimeout(server: server, seconds: settings.connectTimeout.nanoseconds / 1_000_000_000)
        }
        if text.contains("connection refused") || text.contains("Connection refused") || text.contains("ECONNREFUSED") {
            return .refused(server: server)
        }
        if error is NIOConnectionError || text.contains("NIOConnectionError") || text.contains("dnsAError") || text.contains("SocketAddressError") {
            if text.contains("refused") || text.contains("errno: 111") { return .refused(server: server) }
            return .unknownHost(server: server, host: endpoint.host)
        }
        if text.contains("handshake") || text.contains("certificate") { return .tls(server: server, detail: tlsDetail(text)) }
        return .other(server: server, detail: Array(text.utf8).withUnsafeBytes { Sanitizer.visibleString($0) })
    }

    /// A TLS library error in words an operator knows, without library source paths.
    static func tlsDetail(_ text: String) -> String {
        if text.contains("CERTIFICATE_VERIFY_FAILED") { return "the server's certificate is not trusted" }
        if text.contains("WRONG_VERSION_NUMBER") || text.contains("PACKET_LENGTH_TOO_LONG") || text.contains("HTTP_REQUEST") {
            return "the server does not speak TLS on this port"
        }
        if text.contains("uncleanShutdown") { return "the server closed the connection during the handshake" }
        var kept = Substring(text)
        if let at = kept.firstRange(of: " at /") { kept = kept[..<at.lowerBound] }
        return Array(kept.utf8).withUnsafeBytes { Sanitizer.visibleString($0) }
    }

    private func sleep(_ span: TimeSpan) {
        var ts = timespec(tv_sec: Int(span.nanoseconds / 1_000_000_000), tv_nsec: Int(span.nanoseconds % 1_000_000_000))
        var left = timespec()
        while nanosleep(&ts, &left) != 0 && errno == EINTR { ts = left }
    }
}

/// Hands each body chunk of a followed answer to a closure.
final class StreamDelegate: HTTPClientResponseDelegate, @unchecked Sendable {
    typealias Response = Void
    let onHead: @Sendable (Int) -> Void
    let onBody: @Sendable ([UInt8]) -> Void

    init(onHead: @escaping @Sendable (Int) -> Void, onBody: @escaping @Sendable ([UInt8]) -> Void) {
        self.onHead = onHead
        self.onBody = onBody
    }

    func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        onHead(Int(head.status.code))
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        onBody(Array(buffer.readableBytesView))
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<Void>) throws {}
}

/// RFC 4648 base64, for the basic-auth header and the websocket key.
enum Base64 {
    static func encode(_ bytes: [UInt8]) -> String {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [table[Int(n >> 18 & 63)], table[Int(n >> 12 & 63)], table[Int(n >> 6 & 63)], table[Int(n & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let n = UInt32(bytes[i]) << 16
            out += [table[Int(n >> 18 & 63)], table[Int(n >> 12 & 63)], 0x3D, 0x3D]
        } else if rest == 2 {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [table[Int(n >> 18 & 63)], table[Int(n >> 12 & 63)], table[Int(n >> 6 & 63)], 0x3D]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
