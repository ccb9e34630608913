import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// A small HTTP server on 127.0.0.1 (a real listening socket on a free port) that answers each
/// request from a table of recorded responses. Used where the real server cannot run here (no
/// Loki binary exists on this machine): it replays byte-exact bodies recorded from a real Loki,
/// and can also misbehave on purpose (stall, truncate, close early) for the fault tests.
public final class ReplayServer: @unchecked Sendable {
    public struct Request: Sendable {
        public var method: String
        /// Path without the query.
        public var path: String
        /// The raw query string (still percent-encoded).
        public var query: String
        public var headers: [String: String]

        /// A query parameter, percent-decoded.
        public func parameter(_ name: String) -> String? {
            for pair in query.split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                if ReplayServer.percentDecoded(String(kv[0])) == name {
                    return kv.count > 1 ? ReplayServer.percentDecoded(String(kv[1])) : ""
                }
            }
            return nil
        }
    }

    public enum Response: Sendable {
        case http(status: Int, contentType: String, body: [UInt8])
        /// Sends headers announcing `declaredLength` bytes, then `body` (shorter), then closes.
        case truncated(declaredLength: Int, body: [UInt8])
        /// Reads the request and never answers (until the client goes away or the server stops).
        case stall
        /// Closes the connection without a byte.
        case close
        /// Answers the upgrade with 101 and `accept` (computed by the test from the request's
        /// key), then plays `actions` as server frames (unmasked, as servers send them).
        case websocket(accept: String, actions: [WebSocketAction])
        /// Answers a proxy's `CONNECT` with 200 and reads the tunnelled requests that follow.
        case tunnel
    }

    public enum WebSocketAction: Sendable {
        case text([UInt8])
        case ping
        /// A close frame with this raw payload (2-byte code + reason), then wait for the client.
        case close([UInt8])
        /// Drop the TCP connection without a close frame.
        case drop
        /// Keep the connection open, reading the client's frames, until the client goes away.
        case hold
    }

    /// Opcodes of the frames clients sent (unmasked and checked to be masked); 0xA = pong.
    public var clientOpcodes: [UInt8] { lock.withLock { receivedOpcodes } }
    private var receivedOpcodes: [UInt8] = []

    public let port: Int
    private let listener: Int32
    private let handler: @Sendable (Request) -> Response
    private let lock = Mutex()
    private var stopped = false
    private var connections: [Int32] = []
    public private(set) var requests: [Request] = []

    /// Starts listening on 127.0.0.1 on a free port; `handler` answers each request.
    public init(_ handler: @escaping @Sendable (Request) -> Response) throws {
        self.handler = handler
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ServerError(message: "socket failed") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw ServerError(message: "bind/listen failed")
        }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        port = Int(UInt16(bigEndian: addr.sin_port))
        listener = fd
        Thread.start { [self] in acceptLoop() }
    }

    deinit { stop() }

    public var url: String { "http://127.0.0.1:\(port)" }

    /// Stops accepting and closes every open connection.
    ///
    /// The connections are shut down under the lock that `serve` closes them under: a descriptor
    /// closed in between could be reused by another server of the same test process (tests run
    /// in parallel), whose fresh connection this one would then cut before its first byte.
    public func stop() {
        let already = lock.withLock { () -> Bool in
            let was = stopped
            stopped = true
            if !was { for c in connections { shutdown(c, Int32(SHUT_RDWR)) } }
            return was
        }
        guard !already else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    public var requestCount: Int { lock.withLock { requests.count } }

    private func acceptLoop() {
        while true {
            // Close-on-exec: a server another test spawns meanwhile (tinyproxy) must not inherit it.
            let c = accept(listener, nil, nil)
            if c >= 0 { _ = fcntl(c, F_SETFD, FD_CLOEXEC) }
            if c < 0 {
                if errno == EINTR { continue }
                return
            }
            let keep = lock.withLock { () -> Bool in
                if stopped { return false }
                connections.append(c)
                return true
            }
            guard keep else {
                close(c)
                return
            }
            Thread.start { [self] in serve(c) }
        }
    }

    private func serve(_ c: Int32) {
        defer {
            lock.withLock {
                connections.removeAll { $0 == c }
                close(c)
            }
        }
        var buffer: [UInt8] = []
        while true {
            guard let (request, consumed) = readRequest(c, &buffer) else { return }
            buffer.removeFirst(consumed)
            lock.withLock { requests.append(request) }
            switch handler(request) {
            case .http(let status, let type, let body):
                var head = "HTTP/1.1 \(status) \(ReplayServer.reason(status))\r\n"
                if !type.isEmpty { head += "Content-Type: \(type)\r\n" }
                head += "Content-Length: \(body.count)\r\n\r\n"
                guard send(c, Array(head.utf8) + body) else { return }
            case .truncated(let declared, let body):
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=UTF-8\r\nContent-Length: \(declared)\r\n\r\n"
                _ = send(c, Array(head.utf8) + body)
                return
            case .stall:
                var sink = [UInt8](repeating: 0, count: 1024)
                while ReplayServer.receive(c, &sink) > 0 {}
                return
            case .close:
                return
            case .tunnel:
                guard send(c, Array("HTTP/1.1 200 Connection Established\r\n\r\n".utf8)) else { return }
            case .websocket(let accept, let actions):
                let head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: \(accept)\r\n\r\n"
                guard send(c, Array(head.utf8)) else { return }
                for action in actions {
                    switch action {
                    case .text(let payload): guard send(c, ReplayServer.frame(opcode: 0x1, payload)) else { return }
                    case .ping:
                        guard send(c, ReplayServer.frame(opcode: 0x9, [])) else { return }
                        readClientFrames(c, &buffer, until: 0xA)
                    case .close(let payload):
                        guard send(c, ReplayServer.frame(opcode: 0x8, payload)) else { return }
                        readClientFrames(c, &buffer)
                        return
                    case .drop: return
                    case .hold:
                        readClientFrames(c, &buffer)
                        return
                    }
                }
                readClientFrames(c, &buffer)
                return
            }
        }
    }

    static func frame(opcode: UInt8, _ payload: [UInt8]) -> [UInt8] {
        var f: [UInt8] = [0x80 | opcode]
        if payload.count < 126 {
            f.append(UInt8(payload.count))
        } else if payload.count < 65536 {
            f += [126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            f.append(127)
            for k in (0..<8).reversed() { f.append(UInt8(UInt64(payload.count) >> (UInt64(k) * 8) & 0xFF)) }
        }
        return f + payload
    }

    /// Reads client frames until EOF or a close frame, recording their opcodes.
    private func readClientFrames(_ c: Int32, _ buffer: inout [UInt8], until wanted: UInt8 = 0x8) {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            while buffer.count >= 6 {
                let masked = buffer[1] & 0x80 != 0
                let length = Int(buffer[1] & 0x7F)  // clients here send only short control frames
                guard masked, length < 126 else { return }
                guard buffer.count >= 6 + length else { break }
                let opcode = buffer[0] & 0x0F
                lock.withLock { receivedOpcodes.append(opcode) }
                buffer.removeFirst(6 + length)
                if opcode == 0x8 || opcode == wanted { return }
            }
            let n = ReplayServer.receive(c, &chunk)
            if n <= 0 { return }
            buffer += chunk[0..<n]
        }
    }

    private func readRequest(_ c: Int32, _ buffer: inout [UInt8]) -> (Request, Int)? {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            if let end = ReplayServer.headerEnd(buffer) {
                let text = String(decoding: buffer[0..<end], as: UTF8.self)
                var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
                let first = lines.removeFirst().split(separator: " ")
                guard first.count >= 2 else { return nil }
                var headers: [String: String] = [:]
                for l in lines where !l.isEmpty {
                    if let colon = l.firstIndex(of: ":") {
                        headers[l[..<colon].lowercased()] = String(l[l.index(after: colon)...]).trimmingCharacters(in: " ")
                    }
                }
                let target = String(first[1])
                let path: String, query: String
                if let q = target.firstIndex(of: "?") {
                    path = String(target[..<q])
                    query = String(target[target.index(after: q)...])
                } else {
                    path = target
                    query = ""
                }
                return (Request(method: String(first[0]), path: path, query: query, headers: headers), end + 4)
            }
            let n = ReplayServer.receive(c, &chunk)
            if n <= 0 { return nil }
            buffer += chunk[0..<n]
            if buffer.first == 0x16 {
                // A TLS ClientHello to this plain server: answer as an HTTP server does, then close.
                _ = send(c, Array("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8))
                return nil
            }
        }
    }

    /// recv that retries when a signal (a child exiting elsewhere in the test process) interrupts it.
    static func receive(_ c: Int32, _ chunk: inout [UInt8]) -> Int {
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(c, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            return n
        }
    }

    static func headerEnd(_ b: [UInt8]) -> Int? {
        guard b.count >= 4 else { return nil }
        for i in 0...(b.count - 4) where b[i] == 13 && b[i + 1] == 10 && b[i + 2] == 13 && b[i + 3] == 10 { return i }
        return nil
    }

    /// Writes all of `bytes`; false when the peer is gone.
    public func send(_ c: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { b in
            var done = 0
            while done < b.count {
                let n = Glibc.send(c, b.baseAddress! + done, b.count - done, Int32(MSG_NOSIGNAL))
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                done += n
            }
            return true
        }
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 204: "No Content"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }

    public static func percentDecoded(_ s: String) -> String {
        var out: [UInt8] = []
        let b = Array(s.utf8)
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "%"), i + 2 < b.count, let v = UInt8(String(decoding: b[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                out.append(v)
                i += 3
            } else {
                out.append(b[i] == UInt8(ascii: "+") ? 0x20 : b[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    public struct ServerError: Error {
        public var message: String
        public init(message: String) { self.message = message }
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
    }
}

/// A detached pthread (the server's threads block in accept/recv).
enum Thread {
    static func start(_ body: @escaping @Sendable () -> Void) {
        final class Box: @unchecked Sendable {
            let body: @Sendable () -> Void
            init(_ b: @escaping @Sendable () -> Void) { body = b }
        }
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var t = pthread_t()
        pthread_create(&t, nil, { arg in
            let b = Unmanaged<AnyObject>.fromOpaque(arg!).takeRetainedValue() as! Box
            b.body()
            return nil
        }, box)
        pthread_detach(t)
    }
}

final class Mutex: @unchecked Sendable {
    private var m = pthread_mutex_t()
    init() { pthread_mutex_init(&m, nil) }
    deinit { pthread_mutex_destroy(&m) }
    func withLock<R>(_ body: () throws -> R) rethrows -> R {
        pthread_mutex_lock(&m)
        defer { pthread_mutex_unlock(&m) }
        return try body()
    }
}
