import LogviewCore

#if canImport(Glibc)
import Glibc
#endif

/// How logview talks to a remote log server: tenant, credentials, TLS, proxy, timeouts, retries.
///
/// Credentials come only from the environment or from files, never from the command line (a
/// command line is visible to every user of the machine through /proc).
public struct RemoteSettings: Sendable {
    /// Loki tenant, sent as `X-Scope-OrgID`.
    public var orgID: String?
    public var username: String?
    public var password: String?
    public var bearerToken: String?
    /// A PEM file of CA certificates to trust instead of the system's.
    public var caCertPath: String?
    public var clientCertPath: String?
    public var clientKeyPath: String?
    public var insecureSkipVerify = false
    /// Time allowed to connect (TCP and TLS).
    public var connectTimeout: TimeSpan = .seconds(10)
    /// Time allowed without a byte from the server (a stalled answer).
    public var readTimeout: TimeSpan = .seconds(30)
    /// Attempts after the first for failures that may pass (connect errors, 429, 5xx, timeouts).
    public var retries = 2
    /// The first back-off before a retry; doubled each time.
    public var retryDelay: TimeSpan = .milliseconds(500)
    /// `HTTP_PROXY`, `HTTPS_PROXY`, `NO_PROXY` (either case), as curl and logcli read them.
    public var proxyEnvironment: [String: String] = [:]

    public init() {}

    /// Why a credential could not be read.
    public enum Error: Swift.Error, CustomStringConvertible {
        case unreadableFile(what: String, path: String, errno: Int32)

        public var description: String {
            switch self {
            case .unreadableFile(let what, let path, let e):
                "cannot read the \(what) file \(path): \(String(cString: strerror(e)))"
            }
        }
    }

    /// Reads a secret from a file, without its trailing newline.
    public static func secret(fromFile path: String, what: String) throws(Error) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadableFile(what: what, path: path, errno: errno) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .unreadableFile(what: what, path: path, errno: errno)
            }
            if n == 0 { break }
            bytes += buffer[0..<n]
            if bytes.count > 1 << 20 { break }
        }
        while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The proxy for a URL with `scheme` and `host`, honouring `NO_PROXY`; nil for a direct connection.
    public func proxy(scheme: String, host: String) -> (host: String, port: Int)? {
        func env(_ name: String) -> String? {
            let v = proxyEnvironment[name.lowercased()] ?? proxyEnvironment[name.uppercased()]
            return (v?.isEmpty ?? true) ? nil : v
        }
        if let noProxy = env("no_proxy") {
            for item in noProxy.split(separator: ",").map({ $0.trimmingSpaces }) where !item.isEmpty {
                if item == "*" { return nil }
                let suffix = item.hasPrefix(".") ? String(item.dropFirst()) : item
                if host == suffix || host.hasSuffix("." + suffix) { return nil }
            }
        }
        guard let text = scheme == "https" ? env("https_proxy") : env("http_proxy") else { return nil }
        var rest = Substring(text)
        if let colon = rest.firstIndex(of: ":"), rest[colon...].hasPrefix("://") { rest = rest[rest.index(colon, offsetBy: 3)...] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        if let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]) {
            return (String(rest[..<colon]), port)
        }
        return rest.isEmpty ? nil : (String(rest), 80)
    }
}

extension Substring {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
