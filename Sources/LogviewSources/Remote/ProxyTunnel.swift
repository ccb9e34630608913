import NIOCore

/// Opens an HTTP `CONNECT` tunnel through a proxy (RFC 9110 section 9.3.6), then hands the
/// connection to the handlers the caller adds in `established`, as if it went to the server
/// directly (TLS, when any, runs inside the tunnel). Used where AsyncHTTPClient's own proxy support
/// does not reach: the tail websocket.
final class ProxyTunnelHandler: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let target: String
    private let server: String
    private let proxy: String
    private let established: (ChannelHandlerContext) throws -> Void
    private let failed: @Sendable (RemoteHTTP.Error) -> Void
    private var buffer: [UInt8] = []
    private var done = false

    /// `target` is `host:port` of the server; `established` adds the handlers that speak to it.
    init(
        target: String, server: String, proxy: String, established: @escaping (ChannelHandlerContext) throws -> Void,
        failed: @escaping @Sendable (RemoteHTTP.Error) -> Void
    ) {
        self.target = target
        self.server = server
        self.proxy = proxy
        self.established = established
        self.failed = failed
    }

    func channelActive(context: ChannelHandlerContext) {
        let request = "CONNECT \(target) HTTP/1.1\r\nHost: \(target)\r\nUser-Agent: logview/0.1\r\n\r\n"
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: request)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else { return }
        buffer.append(contentsOf: unwrapInboundIn(data).readableBytesView)
        guard let end = WebSocketHandshake.headerEnd(buffer) else {
            if buffer.count > 16 << 10 { fail(context, "the proxy's answer to CONNECT is too long") }
            return
        }
        let statusLine = buffer[..<(buffer.firstIndex(of: 0x0D) ?? end)]
        let status = String(decoding: statusLine, as: UTF8.self).split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        guard (200..<300).contains(status) else {
            fail(context, "the proxy \(proxy) refused the tunnel (HTTP \(status)): check HTTP_PROXY, HTTPS_PROXY and NO_PROXY")
            return
        }
        done = true
        let rest = Array(buffer[(end + 4)...])
        buffer = []
        do {
            try established(context)
        } catch {
            fail(context, "\(error)")
            return
        }
        if !rest.isEmpty { context.fireChannelRead(wrapInboundOut(context.channel.allocator.buffer(bytes: rest))) }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !done { report(.other(server: server, detail: "the proxy \(proxy) closed the connection before the tunnel was open")) }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !done else { return context.fireErrorCaught(error) }
        fail(context, "through the proxy \(proxy): \(error)")
    }

    private func fail(_ context: ChannelHandlerContext, _ detail: String) {
        report(.other(server: server, detail: detail))
        context.close(promise: nil)
    }

    private func report(_ error: RemoteHTTP.Error) {
        guard !done else { return }
        done = true
        failed(error)
    }
}
