import ArgumentParser
import LogviewSources

/// One Loki selector to fetch: the server it goes to, the tenant there, and the source name a
/// config `[[source]]` gives it (nil: named by stream labels, as for `loki:SELECTOR`).
struct LokiTarget {
    var selector: String
    var endpoint: RemoteEndpoint
    /// `tenant` of the config's `[loki.NAME]`; nil: `--org-id` / `LOKI_ORG_ID`.
    var tenant: String?
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
            let (endpoint, tenant) = try defaultEndpoint(config: config, options: options, environment: environment)
            targets += selectors.map { LokiTarget(selector: $0, endpoint: endpoint, tenant: tenant, sourceName: nil) }
        }
        for s in configured where s.kind == .loki {
            guard let defined = config?.lokiEndpoints.first(where: { $0.name == s.endpoint }) else {
                throw ValidationError("source '\(s.name)': no [loki.\(s.endpoint ?? "")] endpoint in the config file")
            }
            let endpoint = try parse(defined)
            targets.append(LokiTarget(selector: s.selector ?? "", endpoint: endpoint, tenant: defined.tenant, sourceName: s.name))
        }
        return targets
    }

    /// The server of `loki:` arguments: `--loki`/`LOKI_ADDR`, else the config's only endpoint.
    static func defaultEndpoint(
        config: ConfigFile?, options: RemoteOptions, environment: [String: String]
    ) throws -> (RemoteEndpoint, tenant: String?) {
        let given = options.lokiAddress ?? environment["LOKI_ADDR"]
        if (given ?? "").isEmpty, let endpoints = config?.lokiEndpoints, endpoints.count == 1 {
            return (try parse(endpoints[0]), endpoints[0].tenant)
        }
        return (try options.lokiEndpoint(environment), nil)
    }

    private static func parse(_ defined: ConfigFile.LokiEndpoint) throws -> RemoteEndpoint {
        guard let e = RemoteEndpoint(defined.url) else {
            throw ValidationError("[loki.\(defined.name)] url \(defined.url): not an http:// or https:// URL (credentials go in LOKI_USERNAME/LOKI_PASSWORD, not the URL)")
        }
        return e
    }
}
