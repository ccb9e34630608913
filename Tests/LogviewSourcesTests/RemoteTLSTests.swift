import LogviewCore
import Testing
import TestSupport

@testable import LogviewSources

#if canImport(Glibc)
import Glibc
#endif

/// TLS against a real TLS server: `openssl s_server` with a certificate made for the test. It
/// answers any GET with an HTML status page, which is exactly what a client that got through
/// TLS to something that is not Loki should report.
@Suite(.serialized, .enabled(if: access("/usr/bin/openssl", X_OK) == 0, "openssl is needed"))
struct RemoteTLSTests {
    final class TLSServer {
        let dir: TemporaryJournalDirectory
        let port: Int
        let pid: pid_t

        init() throws {
            dir = try TemporaryJournalDirectory()
            let made = try Spawn.run("/usr/bin/openssl", [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir.path + "/key.pem", "-out", dir.path + "/cert.pem",
                "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            ], environment: [], fd3: nil, quiet: true)
            var status: Int32 = 0
            waitpid(made, &status, 0)
            guard status == 0 else { throw ReplayServer.ServerError(message: "openssl req failed") }
            let probe = try ReplayServer { _ in .close }
            port = probe.port
            probe.stop()
            pid = try Spawn.run("/usr/bin/openssl", [
                "openssl", "s_server", "-accept", "127.0.0.1:\(port)", "-cert", dir.path + "/cert.pem", "-key", dir.path + "/key.pem",
                "-www", "-quiet",
            ], environment: [], fd3: nil, quiet: true)
            // Ready when it accepts a connection (bounded).
            for _ in 0..<100 {
                let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                var addr = sockaddr_in()
                addr.sin_family = sa_family_t(AF_INET)
                addr.sin_addr.s_addr = inet_addr("127.0.0.1")
                addr.sin_port = UInt16(port).bigEndian
                let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
                close(fd)
                if ok == 0 { return }
                usleep(50_000)
            }
        }

        func stop() {
            kill(pid, SIGKILL)  // s_server keeps no state worth a graceful end
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            dir.remove()
        }
    }

    func labels(_ server: TLSServer, _ configure: (inout RemoteSettings) -> Void) throws -> String {
        var settings = quickSettings()
        settings.retries = 0
        configure(&settings)
        let client = try LokiClient(endpoint: RemoteEndpoint("https://127.0.0.1:\(server.port)")!, settings: settings)
        do {
            _ = try client.labels(start: 0, end: 1)
            return "no error"
        } catch {
            return error.description
        }
    }

    @Test func anUntrustedCertificateFailsAndTrustingItsCAPassesTLS() throws {
        let server = try TLSServer()
        defer { server.stop() }
        let origin = "https://127.0.0.1:\(server.port)"
        let untrusted = try labels(server) { _ in }
        #expect(untrusted == "\(origin): TLS failed (the server's certificate is not trusted): check the URL's scheme, --ca-cert, or the client certificate")
        let trusted = try labels(server) { $0.caCertPath = server.dir.path + "/cert.pem" }
        #expect(trusted.hasPrefix("\(origin): unreadable answer: malformed JSON at byte 0: expected an object: is this URL a Loki server"))
        let skipped = try labels(server) { $0.insecureSkipVerify = true }
        #expect(skipped == trusted)
        let missingCA = try labels(server) { $0.caCertPath = server.dir.path + "/missing.pem" }
        #expect(missingCA.hasPrefix("\(origin): "))
        #expect(missingCA != "no error")
    }

    /// wss:// through a real HTTP proxy (tinyproxy): the TLS handshake runs inside the CONNECT
    /// tunnel, with the server's name and CA checked as on a direct connection. s_server answers
    /// the upgrade with its status page, so the tail is refused with HTTP 200, after TLS succeeded.
    @Test(.enabled(if: TinyProxy.isAvailable, "tinyproxy is needed"))
    func theTailWebsocketTunnelsTLSThroughHTTPSProxy() throws {
        let server = try TLSServer()
        defer { server.stop() }
        let proxy = try TinyProxy()
        defer { proxy.stop() }
        var settings = quickSettings()
        settings.caCertPath = server.dir.path + "/cert.pem"
        settings.proxyEnvironment = ["HTTPS_PROXY": proxy.url, "http_proxy": "http://127.0.0.1:9"]
        let client = try LokiClient(endpoint: RemoteEndpoint("https://127.0.0.1:\(server.port)")!, settings: settings)
        let feed = LokiFeed(
            client: client, query: LokiFeedTests.query,
            assembler: LokiSourceAssembler(server: client.server, settings: LoadSettings(defaultZone: .utc)), start: LokiFeedTests.start)
        defer { feed.stop() }
        let problems = LokiFeedTests.run(feed, Timeline(sources: [])) { _, p in !p.isEmpty }
        #expect(problems == ["https://127.0.0.1:\(server.port): the tail websocket was refused with HTTP 200; reconnecting in 500ms"])
        #expect(proxy.connectTargets == ["127.0.0.1:\(server.port)"])
    }
}
