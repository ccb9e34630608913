import ArgumentParser
import LogviewCore
import LogviewSources

/// Options for remote sources: Grafana Loki and systemd-journal-gatewayd. Secrets are read from
/// the environment or files only (logcli's variable names), never from the command line.
struct RemoteOptions: ParsableArguments {
    @Option(name: .customLong("loki"), help: "Loki base URL, or the NAME of a [loki.NAME] endpoint in the config file, for loki:SELECTOR sources and --list-* (default: $LOKI_ADDR, else the config's only endpoint).")
    var lokiAddress: String?

    @Option(name: .customLong("org-id"), help: "Loki tenant, sent as X-Scope-OrgID (default: $LOKI_ORG_ID).")
    var orgID: String?

    @Option(name: .customLong("loki-username"), help: "Basic-auth user (default: $LOKI_USERNAME); the password comes from $LOKI_PASSWORD or --loki-password-file.")
    var username: String?

    @Option(name: .customLong("loki-password-file"), help: "File holding the basic-auth password.")
    var passwordFile: String?

    @Option(name: .customLong("bearer-token-file"), help: "File holding a bearer token (else $LOKI_BEARER_TOKEN, $LOKI_BEARER_TOKEN_FILE).")
    var bearerTokenFile: String?

    @Option(name: .customLong("ca-cert"), help: "PEM file of CA certificates to trust instead of the system's (default: $LOKI_CA_CERT_PATH).")
    var caCert: String?

    @Option(name: .customLong("client-cert"), help: "PEM client certificate for TLS (default: $LOKI_CLIENT_CERT_PATH).")
    var clientCert: String?

    @Option(name: .customLong("client-key"), help: "PEM key of --client-cert (default: $LOKI_CLIENT_KEY_PATH).")
    var clientKey: String?

    @Flag(name: .customLong("insecure-skip-verify"), help: "Do not verify the server's TLS certificate (testing only).")
    var insecureSkipVerify = false

    @Option(name: .customLong("remote-timeout"), help: "Give up on a remote server silent this long (e.g. 30s).")
    var timeout: String = "30s"

    @Option(name: .customLong("remote-retries"), help: "Retries, with back-off, of a remote request that failed in a way that may pass.")
    var retries: Int = 2

    @Option(name: .customLong("loki-source-label"), help: "Stream label that names a Loki source (repeatable, first present wins; default: job, unit, filename).")
    var sourceLabels: [String] = []

    @Option(name: .customLong("loki-page-size"), help: "Entries per Loki query_range request (at most 5000).")
    var pageSize: Int = 5000

    @Flag(name: .customLong("list-labels"), help: "List Loki's label names in the time range (--since/--until, default last hour), then exit.")
    var listLabels = false

    @Option(name: .customLong("list-label-values"), help: "List the values of this Loki label in the time range, then exit. Repeatable.")
    var listLabelValues: [String] = []

    @Flag(name: .customLong("list-streams"), help: "List Loki's streams (label sets) matching the selectors given as loki:SELECTOR (default: all jobs), then exit.")
    var listStreams = false

    /// Whether a listing (labels, label values, streams) was asked for instead of entries.
    var listsSomething: Bool { listLabels || listStreams || !listLabelValues.isEmpty }

    /// The Loki URL from the option or `LOKI_ADDR`.
    func lokiEndpoint(_ env: [String: String]) throws -> RemoteEndpoint {
        guard let text = lokiAddress ?? env["LOKI_ADDR"], !text.isEmpty else {
            throw ValidationError("loki: sources need the server: give --loki URL or set LOKI_ADDR (e.g. http://localhost:3100)")
        }
        guard let e = RemoteEndpoint(text) else {
            throw ValidationError("--loki \(text): not an http:// or https:// URL (credentials go in LOKI_USERNAME/LOKI_PASSWORD, not the URL)")
        }
        return e
    }

    /// Transport and credential settings from the options, the environment and files; a config
    /// `[loki.NAME]` endpoint's tenant and credential files apply to its own requests.
    ///
    /// Credentials are bound to a server: a configured endpoint that names its own (`username`,
    /// `password_file`, `bearer_token_file`) gets only those, and the options' and environment's
    /// go to it only when it names none and no other server is given (`--loki URL`/`LOKI_ADDR`
    /// elsewhere), so a token meant for one Loki is never sent to another.
    func settings(_ env: [String: String], for configured: ConfigFile.LokiEndpoint? = nil) throws -> RemoteSettings {
        var s = RemoteSettings()
        s.orgID = configured?.tenant ?? orgID ?? env["LOKI_ORG_ID"]
        var inherits = true
        if let configured {
            let own = configured.username != nil || configured.passwordFile != nil || configured.bearerTokenFile != nil
            let given = [lokiAddress, env["LOKI_ADDR"]].compactMap { $0.flatMap { RemoteEndpoint($0) } }.first  // a URL, not a name
            let here = RemoteEndpoint(configured.url)
            inherits = !own && (given == nil || (given?.scheme, given?.host, given?.port) == (here?.scheme, here?.host, here?.port))
        }
        s.username = configured?.username ?? (inherits ? username ?? env["LOKI_USERNAME"] : nil)
        s.password = try Self.secret(
            file: configured?.passwordFile ?? (inherits ? passwordFile : nil), else: inherits ? env["LOKI_PASSWORD"] : nil,
            what: "password")
        s.bearerToken = try Self.secret(
            file: configured?.bearerTokenFile ?? (inherits ? bearerTokenFile ?? env["LOKI_BEARER_TOKEN_FILE"] : nil),
            else: inherits ? env["LOKI_BEARER_TOKEN"] : nil, what: "bearer token")
        s.caCertPath = caCert ?? env["LOKI_CA_CERT_PATH"]
        s.clientCertPath = clientCert ?? env["LOKI_CLIENT_CERT_PATH"]
        s.clientKeyPath = clientKey ?? env["LOKI_CLIENT_KEY_PATH"]
        s.insecureSkipVerify = insecureSkipVerify || env["LOKI_TLS_SKIP_VERIFY"] == "true"
        do {
            s.readTimeout = try DurationExpression.parse(timeout)
        } catch {
            throw ValidationError("--remote-timeout: \(error)")
        }
        guard s.readTimeout.nanoseconds > 0 else { throw ValidationError("--remote-timeout must be positive") }
        s.connectTimeout = min(s.readTimeout, .seconds(10))
        s.retries = max(0, retries)
        s.proxyEnvironment = env.filter { ["http_proxy", "https_proxy", "no_proxy"].contains($0.key.lowercased()) }
        guard (1...LokiWire.maximumLimit).contains(pageSize) else {
            throw ValidationError("--loki-page-size must be between 1 and \(LokiWire.maximumLimit)")
        }
        return s
    }

    /// The transport settings for journal-gatewayd: TLS, timeouts and proxy, but none of Loki's
    /// credentials (they belong to the Loki server).
    func gatewaydSettings(_ env: [String: String]) throws -> RemoteSettings {
        var s = try settings(env)
        s.orgID = nil
        s.username = nil
        s.password = nil
        s.bearerToken = nil
        return s
    }

    /// A secret read from `file` when one is named, else `value` (from the environment).
    private static func secret(file: String?, else value: String?, what: String) throws -> String? {
        guard let file else { return value }
        do {
            return try RemoteSettings.secret(fromFile: file, what: what)
        } catch {
            throw ValidationError("\(error)")
        }
    }
}
