import LogviewCore

/// The operator's config file (`config.toml`): sources, Loki endpoints, defaults and layouts.
///
/// Read once at start. Every mistake is reported as `file:line: what is wrong` before anything
/// opens, so a typo never turns into a silently different view.
public struct ConfigFile: Sendable {
    public var path: String
    public var sources: [ConfiguredSource] = []
    /// Named Loki endpoints (`[loki.NAME]`) sources refer to with `endpoint = "NAME"`.
    public var lokiEndpoints: [LokiEndpoint] = []
    public var defaults = Defaults()
    /// Layouts in the order the file defines them.
    public var layouts: [PaneLayout] = []

    public init(path: String) { self.path = path }

    /// A config error: the file, the line and what to change.
    public struct Error: Swift.Error, Equatable, CustomStringConvertible {
        public var path: String
        /// 0 when the error is about the file as a whole (unreadable).
        public var line: Int
        public var message: String
        public var description: String { line > 0 ? "\(path):\(line): \(message)" : "\(path): \(message)" }

        public init(path: String, line: Int, message: String) {
            self.path = path
            self.line = line
            self.message = message
        }
    }

    /// `[defaults]`: what the command line would otherwise say.
    public struct Defaults: Equatable, Sendable {
        /// A theme name or a `.toml` path (relative to the config file's folder); checked by the viewer.
        public var theme: String?
        /// Where `theme` is set, for the viewer's message when it names no theme.
        public var themeLine = 0
        /// Display zone (`--tz`).
        public var displayZone: String?
        /// Zone of naive timestamps for every source without its own (`--source-tz ZONE`).
        public var sourceZone: String?
        /// `--window` of `--around`.
        public var window: String?
        /// The layout opened when `--layout` is not given.
        public var layout: String?
        public init() {}
    }

    public struct LokiEndpoint: Equatable, Sendable {
        public var name: String
        public var url: String
        /// Sent as `X-Scope-OrgID` to a multi-tenant Loki.
        public var tenant: String?
        /// Basic-auth user; its password is read from `passwordFile`, else `LOKI_PASSWORD`.
        public var username: String?
        /// Files holding the secrets (a config file names files, never holds secrets).
        public var passwordFile: String?
        public var bearerTokenFile: String?

        public init(
            name: String, url: String, tenant: String? = nil, username: String? = nil, passwordFile: String? = nil,
            bearerTokenFile: String? = nil
        ) {
            self.name = name
            self.url = url
            self.tenant = tenant
            self.username = username
            self.passwordFile = passwordFile
            self.bearerTokenFile = bearerTokenFile
        }
    }

    /// `[defaults] theme` as a name or a path: a relative path is taken from the config file's folder.
    public var themePath: String? {
        guard let theme = defaults.theme else { return nil }
        guard theme.contains("/") || theme.hasSuffix(".toml"), !theme.hasPrefix("/"), let slash = path.lastIndex(of: "/") else { return theme }
        return String(path[...slash]) + theme
    }

    /// The layout named `name`, or an error naming the layouts there are.
    public func layout(named name: String) throws(Error) -> PaneLayout {
        if let found = layouts.first(where: { $0.name == name }) { return found }
        if layouts.isEmpty {
            throw Error(path: path, line: 0, message: "unknown layout '\(name)': this file defines no layouts (add a [layout.\(name)] table)")
        }
        throw Error(
            path: path, line: 0,
            message: "unknown layout '\(name)'; known layouts: \(layouts.map(\.name).joined(separator: ", "))")
    }
}

/// One `[[source]]` of the config file.
public struct ConfiguredSource: Equatable, Sendable {
    public enum Kind: String, Equatable, Sendable, CaseIterable {
        case file, journal, loki, gatewayd
    }

    public var name: String
    public var kind: Kind
    /// Line of the `[[source]]` header, for messages about the source later.
    public var line: Int
    /// file: a path, directory or glob. journal: a journal directory (optional).
    public var path: String?
    /// journal: the systemd unit (`backend.service`); nil: the whole journal.
    public var unit: String?
    /// loki: the LogQL stream selector.
    public var selector: String?
    /// loki: the endpoint's name; gatewayd: the URL.
    public var endpoint: String?
    public var format: String?
    public var nginxLogFormat: String?
    public var postgresLinePrefix: String?
    /// Zone of the source's naive timestamps (an IANA name or an offset).
    public var zone: String?
    public var clockOffset: TimeSpan = .zero
    /// Regular expressions whose first group is a request id in this source's lines.
    public var requestIDPatterns: [String] = []
    public var color: String?

    /// The source as a command-line argument would name it, with its per-source settings.
    public var argument: SourceArgument {
        switch kind {
        case .file:
            var spec = SourceSpec(name: name, path: path ?? "")
            spec.format = format
            spec.nginxLogFormat = nginxLogFormat
            spec.postgresLinePrefix = postgresLinePrefix
            spec.clockOffset = clockOffset
            spec.requestIDPatterns = requestIDPatterns
            return .files(spec)
        case .journal:
            if let unit { return .journal(":\(unit)") }
            if let path { return .journal("-dir:\(path)") }
            return .journal("")
        case .loki: return .loki(selector ?? "")
        case .gatewayd: return .gatewayd(endpoint ?? "")
        }
    }
}
