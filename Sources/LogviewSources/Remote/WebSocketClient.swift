import NIOCore
import NIOPosix
import NIOSSL

#if canImport(Glibc)
import Glibc
#endif

/// The client side of a websocket (RFC 6455) over a NIO connection, TLS included: the upgrade
/// handshake, text frames (fragmented or not), answering pings, and the close handshake. Only
/// what Loki's tail needs: it receives text, and sends only pongs and closes.
final class WebSocketClient: @unchecked Sendable {
    enum Event: Sendable {
        /// The server answered the upgrade with an ordinary HTTP response.
        case refused(status: Int, body: [UInt8])
        case opened
        case text([UInt8])
        /// A close frame: its code (1005 when none) and reason.
        case closed(code: Int, reason: String)
        /// The connection ended without a close frame, or failed; nil error for a plain EOF.
        case ended(RemoteHTTP.Error?)
    }

    private let lock = NSLockLike()
    private var channel: Channel?
    private var cancelled = false

    private init() {}

    /// Connects to `endpoint` and asks for `path`; events go to `onEvent` on a NIO thread.
    static func connect(
        endpoint: RemoteEndpoint, path: String, headers: [(String, String)], settings: RemoteSettings,
        onEvent: @escaping @Sendable (Event) -> Void
    ) -> WebSocketClient? {
        var sslContext: NIOSSLContext?
        if endpoint.scheme == "https" {
            do {
                sslContext = try NIOSSLContext(configuration: RemoteHTTP.tlsConfiguration(settings))
            } catch {
                onEvent(.ended(.setup(server: endpoint.display, detail: "\(error)")))
                return nil
            }
        }
        let key = WebSocketHandshake.makeKey()
        var request = "GET \(endpoint.basePath)\(path) HTTP/1.1\r\nHost: \(endpoint.host):\(endpoint.port)\r\n"
        request += "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n"
        for (n, v) in headers { request += "\(n): \(v)\r\n" }
        request += "\r\n"
        let handler = WebSocketFrameHandler(
            request: Array(request.utf8), expectedAccept: WebSocketHandshake.accept(forKey: key), server: endpoint.display,
            onEvent: onEvent)
        let host = endpoint.host
        let tlsContext = sslContext
        // The handlers that speak to the server, on the connection or inside the proxy's tunnel.
        let speak = { @Sendable (pipeline: ChannelPipeline.SynchronousOperations) throws in
            if let tlsContext {
                try pipeline.addHandler(NIOSSLClientHandler(context: tlsContext, serverHostname: host.first?.isNumber == true ? nil : host))
            }
            try pipeline.addHandler(handler)
        }
        // HTTP(S)_PROXY and NO_PROXY as for every other request: ws:// goes by http_proxy, wss:// by https_proxy.
        let proxy = settings.proxy(scheme: endpoint.scheme, host: endpoint.host)
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.nanoseconds(settings.connectTimeout.nanoseconds))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let proxy else { return try speak(channel.pipeline.syncOperations) }
                    let authority = host.contains(":") ? "[\(host)]:\(endpoint.port)" : "\(host):\(endpoint.port)"
                    try channel.pipeline.syncOperations.addHandler(ProxyTunnelHandler(
                        target: authority, server: endpoint.display, proxy: "\(proxy.host):\(proxy.port)",
                        established: { context in try speak(context.pipeline.syncOperations) },
                        failed: { onEvent(.ended($0)) }))
                }
            }
        let client = WebSocketClient()
        // Connecting does not block the caller (the run loop); failures arrive as events.
        bootstrap.connect(host: proxy?.host ?? endpoint.host, port: proxy?.port ?? endpoint.port).whenComplete { result in
            switch result {
            case .success(let channel):
                let close = client.lock.withLock { () -> Bool in
                    client.channel = channel
                    return client.cancelled
                }
                if close { channel.close(promise: nil) }
            case .failure(let error):
                let classified = RemoteHTTP.classify(error, endpoint: endpoint, settings: settings)
                if let proxy, case .refused = classified {
                    // The refusal came from the proxy, not from the server the message names.
                    onEvent(.ended(.other(
                        server: endpoint.display,
                        detail: "the proxy \(proxy.host):\(proxy.port) refused the connection: check HTTP_PROXY, HTTPS_PROXY and NO_PROXY")))
                } else {
                    onEvent(.ended(classified))
                }
            }
        }
        return client
    }

    /// Closes the connection (no close handshake: the feed is going away).
    func cancel() {
        let channel = lock.withLock { () -> Channel? in
            cancelled = true
            return self.channel
        }
        channel?.close(promise: nil)
    }
}

/// Parses the handshake answer and then frames; pushes events out.
final class WebSocketFrameHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let request: [UInt8]
    private let expectedAccept: String
    private let server: String
    private let onEvent: @Sendable (WebSocketClient.Event) -> Void
    private var buffer: [UInt8] = []
    private var requested = false
    private var upgraded = false
    private var finished = false
    private var refusal: (status: Int, length: Int?)?
    private var message: [UInt8] = []
    /// Frames bigger than this end the connection (a broken or hostile peer).
    static let maximumMessage = 64 << 20

    init(request: [UInt8], expectedAccept: String, server: String, onEvent: @escaping @Sendable (WebSocketClient.Event) -> Void) {
        self.request = request
        self.expectedAccept = expectedAccept
        self.server = server
        self.onEvent = onEvent
    }

    /// Added to a connection already open (at the end of a proxy's tunnel): ask at once.
    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { sendRequest(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        sendRequest(context)
        context.fireChannelActive()
    }

    private func sendRequest(_ context: ChannelHandlerContext) {
        guard !requested else { return }
        requested = true
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: request)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        buffer.append(contentsOf: bytes.readableBytesView)
        if !upgraded {
            guard readHandshake(context: context) else { return }
        }
        readFrames(context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let r = refusal, !finished {
            finished = true
            onEvent(.refused(status: r.status, body: buffer))
        }
        finish(.ended(nil))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let text = "\(error)"
        if error is NIOSSLError || error is BoringSSLError {
            finish(.ended(.tls(server: server, detail: RemoteHTTP.tlsDetail(text))))
        } else {
            finish(.ended(.other(server: server, detail: text)))
        }
        context.close(promise: nil)
    }

    private func finish(_ event: WebSocketClient.Event) {
        guard !finished else { return }
        finished = true
        onEvent(event)
    }

    /// True once upgraded (frames may follow in `buffer`).
    private func readHandshake(context: ChannelHandlerContext) -> Bool {
        if let r = refusal {
            if let n = r.length, buffer.count >= n {
                finish(.refused(status: r.status, body: Array(buffer[0..<n])))
                context.close(promise: nil)
            }
            return false
        }
        guard let end = WebSocketHandshake.headerEnd(buffer) else {
            if buffer.count > 64 << 10 {
                finish(.ended(.other(server: server, detail: "the websocket handshake answer is too long")))
                context.close(promise: nil)
            }
            return false
        }
        let head = String(decoding: buffer[0..<end], as: UTF8.self)
        buffer.removeFirst(end + 4)
        let lines = head.split(separator: "\r\n")
        let status = lines.first.flatMap { l in l.split(separator: " ").dropFirst().first.flatMap { Int($0) } } ?? 0
        var headers: [String: String] = [:]
        for l in lines.dropFirst() {
            guard let colon = l.firstIndex(of: ":") else { continue }
            headers[l[..<colon].lowercased()] = String(l[l.index(after: colon)...].drop { $0 == " " })
        }
        guard status == 101 else {
            refusal = (status, headers["content-length"].flatMap { Int($0) })
            return readHandshake(context: context)
        }
        guard headers["sec-websocket-accept"] == expectedAccept else {
            finish(.ended(.other(server: server, detail: "the server's websocket handshake answer is invalid (Sec-WebSocket-Accept)")))
            context.close(promise: nil)
            return false
        }
        upgraded = true
        onEvent(.opened)
        return true
    }

    private func readFrames(context: ChannelHandlerContext) {
        var start = 0
        defer { if start > 0 { buffer.removeFirst(start) } }
        while !finished {
            let available = buffer.count - start
            guard available >= 2 else { return }
            let b0 = buffer[start], b1 = buffer[start + 1]
            let fin = b0 & 0x80 != 0
            let opcode = b0 & 0x0F
            let masked = b1 & 0x80 != 0
            var length = Int(b1 & 0x7F)
            var offset = 2
            if length == 126 {
                guard available >= 4 else { return }
                length = Int(buffer[start + 2]) << 8 | Int(buffer[start + 3])
                offset = 4
            } else if length == 127 {
                guard available >= 10 else { return }
                var n: UInt64 = 0
                for k in 0..<8 { n = n << 8 | UInt64(buffer[start + 2 + k]) }
                guard n <= UInt64(Self.maximumMessage) else {
                    finish(.ended(.other(server: server, detail: "a websocket frame of \(n) bytes is too large")))
                    context.close(promise: nil)
                    return
                }
                length = Int(n)
                offset = 10
            }
            let maskOffset = offset
            if masked { offset += 4 }
            guard available >= offset + length else { return }
            var payload = Array(buffer[(start + offset)..<(start + offset + length)])
            if masked {
                for k in payload.indices { payload[k] ^= buffer[start + maskOffset + k % 4] }
            }
            start += offset + length
            switch opcode {
            case 0x0, 0x1, 0x2:
                message += payload
                if message.count > Self.maximumMessage {
                    finish(.ended(.other(server: server, detail: "a websocket message is too large")))
                    context.close(promise: nil)
                    return
                }
                if fin {
                    onEvent(.text(message))
                    message = []
                }
            case 0x8:
                let code = payload.count >= 2 ? Int(payload[0]) << 8 | Int(payload[1]) : 1005
                let reason = payload.count > 2 ? String(decoding: payload[2...], as: UTF8.self) : ""
                send(opcode: 0x8, payload: payload.count >= 2 ? Array(payload[0..<2]) : [], context: context)
                finish(.closed(code: code, reason: reason))
                context.close(promise: nil)
                return
            case 0x9:
                send(opcode: 0xA, payload: payload, context: context)
            default:
                break  // pong or reserved: nothing to do
            }
        }
    }

    /// Sends a masked frame (clients must mask).
    private func send(opcode: UInt8, payload: [UInt8], context: ChannelHandlerContext) {
        var frame: [UInt8] = [0x80 | opcode]
        if payload.count < 126 {
            frame.append(0x80 | UInt8(payload.count))
        } else {
            frame.append(0x80 | 126)
            frame += [UInt8(payload.count >> 8 & 0xFF), UInt8(payload.count & 0xFF)]
        }
        let mask = (0..<4).map { _ in UInt8.random(in: 0...255) }
        frame += mask
        for (k, b) in payload.enumerated() { frame.append(b ^ mask[k % 4]) }
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: frame)), promise: nil)
    }
}

/// The opening handshake's key and its expected answer (RFC 6455 section 4).
enum WebSocketHandshake {
    static let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    static func makeKey() -> String { Base64.encode((0..<16).map { _ in UInt8.random(in: 0...255) }) }

    static func accept(forKey key: String) -> String { Base64.encode(SHA1.digest(Array((key + guid).utf8))) }

    static func headerEnd(_ b: [UInt8]) -> Int? {
        guard b.count >= 4 else { return nil }
        for i in 0...(b.count - 4) where b[i] == 13 && b[i + 1] == 10 && b[i + 2] == 13 && b[i + 3] == 10 { return i }
        return nil
    }
}

/// SHA-1 (FIPS 180-4), only for the websocket handshake, where RFC 6455 requires it.
enum SHA1 {
    static func digest(_ message: [UInt8]) -> [UInt8] {
        var h: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]
        var data = message
        let bitLength = UInt64(message.count) * 8
        data.append(0x80)
        while data.count % 64 != 56 { data.append(0) }
        for k in (0..<8).reversed() { data.append(UInt8(bitLength >> (UInt64(k) * 8) & 0xFF)) }
        var w = [UInt32](repeating: 0, count: 80)
        for chunk in stride(from: 0, to: data.count, by: 64) {
            for i in 0..<16 {
                w[i] = UInt32(data[chunk + 4 * i]) << 24 | UInt32(data[chunk + 4 * i + 1]) << 16
                    | UInt32(data[chunk + 4 * i + 2]) << 8 | UInt32(data[chunk + 4 * i + 3])
            }
            for i in 16..<80 {
                let x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]
                w[i] = x << 1 | x >> 31
            }
            var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4]
            for i in 0..<80 {
                let f: UInt32, k: UInt32
                switch i {
                case 0..<20: (f, k) = ((b & c) | (~b & d), 0x5A82_7999)
                case 20..<40: (f, k) = (b ^ c ^ d, 0x6ED9_EBA1)
                case 40..<60: (f, k) = ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC)
                default: (f, k) = (b ^ c ^ d, 0xCA62_C1D6)
                }
                let t = (a << 5 | a >> 27) &+ f &+ e &+ k &+ w[i]
                e = d
                d = c
                c = b << 30 | b >> 2
                b = a
                a = t
            }
            h[0] &+= a
            h[1] &+= b
            h[2] &+= c
            h[3] &+= d
            h[4] &+= e
        }
        return h.flatMap { v in [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
    }
}
