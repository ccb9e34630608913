import ArgumentParser
import LogviewSources

/// One Loki selector to fetch: the server it goes to, the config endpoint that names it (its
/// tenant and credential files), and the source name a config `[[source]]` gives it (nil: named by
/// stream labels, as for `loki:SELECTOR`).
struct LokiTarget {
    var selector: String
    var endpoint: RemoteEndpoint
    /// The config's `[loki.NAME]`; nil: `--loki URL`/`LOKI_ADDR` with the options' credentials.
    var configured: ConfigFile.LokiEndpoint?
    var sourceName: String?

    /// Targets for `loki:SELECTOR` arguments (`selectors`) and the config's Loki sources
    /// (`configured`). A config source goes to its own `[loki.NAME]`; a `loki:` argument to
    /// `--loki`/`LOKI_ADDR`, else to the config's endpoint when it defines exactly one.
    static func plan(
        selectors: [String], configured: [ConfiguredSource], config: ConfigFile?,
        options: RemoteOptions, environment: [String: String]
    ) throws -> [LokiTarget] {
        var targets: [LokiTarget] = []
        if !selectors.isEmpty {
            let (endpoint, defined) = try defaultEndpoint(config: config, options: options, environment: environment)
            targets += selectors.map { LokiTarget(selector: $0, endpoint: endpoint, configured: defined, sourceName: nil) }
        }
        for s in configured where s.kind == .loki {
            guard let defined = config?.lokiEndpoints.first(where: { $0.name == s.endpoint }) else {
                throw ValidationError("source '\(s.name)': no [loki.\(s.endpoint ?? "")] endpoint in the config file")
            }
            targets.append(LokiTarget(selector: s.selector ?? "", endpoint: try parse(defined), configured: defined, sourceName: s.name))
        }
        return targets
    }

    /// The server of `loki:` arguments and listings: `--loki URL`, `--loki NAME` of a config
    /// endpoint, `LOKI_ADDR`, else the config's only endpoint.
    static func defaultEndpoint(
        config: ConfigFile?, options: RemoteOptions, environment: [String: String]
    ) throws -> (RemoteEndpoint, configured: ConfigFile.LokiEndpoint?) {
        let endpoints = config?.lokiEndpoints ?? []
        if let name = options.lokiAddress, !name.isEmpty, RemoteEndpoint(name) == nil, !name.contains("://") {
            guard let defined = endpoints.first(where: { $0.name == name }) else {
                let known = endpoints.isEmpty ? "the config file defines no [loki.NAME] endpoints" : "the config file defines " + endpoints.map(\.name).joined(separator: ", ")
                throw ValidationError("--loki \(name): neither an http:// or https:// URL nor a [loki.NAME] endpoint (\(known))")
            }
            return (try parse(defined), defined)
        }
        let given = options.lokiAddress ?? environment["LOKI_ADDR"]
        if (given ?? "").isEmpty, endpoints.count > 1 {
            throw ValidationError(
                "loki: sources need the server: give --loki NAME (\(endpoints.map(\.name).joined(separator: ", ")) in the config file), --loki URL or LOKI_ADDR")
        }
        if (given ?? "").isEmpty, endpoints.count == 1 { return (try parse(endpoints[0]), endpoints[0]) }
        return (try options.lokiEndpoint(environment), nil)
    }

    private static func parse(_ defined: ConfigFile.LokiEndpoint) throws -> RemoteEndpoint {
        guard let e = RemoteEndpoint(defined.url) else {
            throw ValidationError("[loki.\(defined.name)] url \(defined.url): not an http:// or https:// URL (credentials go in LOKI_USERNAME/LOKI_PASSWORD, not the URL)")
        }
        return e
    }
}
