import LogviewCore

extension ConfigFile {
    /// Reads and validates a config file.
    public static func read(path: String, environment: [String: String]) throws(Error) -> ConfigFile {
        let data: [UInt8]
        do {
            (data, _) = try FileReader.read(path)
        } catch {
            throw Error(path: path, line: 0, message: error.description)
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw Error(path: path, line: 0, message: "not UTF-8 text")
        }
        return try parse(text, path: path, environment: environment)
    }

    /// Validates a config text; `path` names it in messages.
    public static func parse(_ text: String, path: String, environment: [String: String]) throws(Error) -> ConfigFile {
        let root: TOMLTable
        do {
            root = try TOML.parse(text)
        } catch {
            throw Error(path: path, line: error.line, message: error.message)
        }
        var reader = ConfigReader(path: path, environment: environment)
        return try reader.read(root)
    }
}

/// Turns a parsed TOML document into a `ConfigFile`, checking every key and value.
struct ConfigReader {
    let path: String
    let environment: [String: String]

    func fail(_ line: Int, _ message: String) -> ConfigFile.Error {
        ConfigFile.Error(path: path, line: line, message: message)
    }

    mutating func read(_ root: TOMLTable) throws(ConfigFile.Error) -> ConfigFile {
        var config = ConfigFile(path: path)
        try checkKeys(root, allowed: ["source", "loki", "defaults", "layout"], in: "the top level")
        if let d = try table(root, "defaults") { config.defaults = try defaults(d) }
        if let l = try table(root, "loki") {
            for name in l.keys {
                guard case .table(let t) = l[name]! else {
                    throw fail(l.line(of: name), "loki.\(name) must be a table with url = \"http://HOST:3100\"")
                }
                try checkKeys(t, allowed: ["url", "tenant", "username", "password_file", "bearer_token_file"], in: "[loki.\(name)]")
                guard let url = try string(t, "url") else { throw fail(t.line, "[loki.\(name)] needs url = \"http://HOST:3100\"") }
                guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                    throw fail(t.line(of: "url"), "url must start with http:// or https://, not '\(url)'")
                }
                config.lokiEndpoints.append(.init(
                    name: name, url: url, tenant: try string(t, "tenant"), username: try string(t, "username"),
                    passwordFile: try string(t, "password_file"), bearerTokenFile: try string(t, "bearer_token_file")))
            }
        }
        if let value = root["source"] {
            guard case .array(let items) = value else {
                throw fail(root.line(of: "source"), "sources are [[source]] tables (double brackets)")
            }
            for item in items {
                guard case .table(let t) = item else {
                    throw fail(root.line(of: "source"), "sources are [[source]] tables (double brackets)")
                }
                let s = try source(t, endpoints: config.lokiEndpoints)
                if let other = config.sources.first(where: { $0.name == s.name }) {
                    throw fail(t.line(of: "name"), "source name '\(s.name)' is already used on line \(other.line)")
                }
                config.sources.append(s)
            }
        }
        if let l = try table(root, "layout") {
            let known = config.sources.map(\.name)
            for name in l.keys {
                guard case .table(let t) = l[name]! else {
                    throw fail(l.line(of: name), "layout.\(name) must be a table: [layout.\(name)]")
                }
                let node = try layoutNode(t, where: "[layout.\(name)]", knownSources: known, depth: 0)
                config.layouts.append(PaneLayout(name: name, root: node))
            }
        }
        if let wanted = config.defaults.layout, !config.layouts.contains(where: { $0.name == wanted }) {
            throw fail(
                try table(root, "defaults")!.line(of: "layout"),
                "default layout '\(wanted)' is not defined"
                    + (config.layouts.isEmpty ? " (add a [layout.\(wanted)] table)" : "; known layouts: \(config.layouts.map(\.name).joined(separator: ", "))"))
        }
        return config
    }

    // MARK: sections

    func defaults(_ t: TOMLTable) throws(ConfigFile.Error) -> ConfigFile.Defaults {
        try checkKeys(t, allowed: ["theme", "tz", "source_tz", "window", "layout"], in: "[defaults]")
        var d = ConfigFile.Defaults()
        d.theme = try string(t, "theme")
        d.themeLine = d.theme == nil ? 0 : t.line(of: "theme")
        d.displayZone = try zone(t, "tz", allowLocal: true)
        d.sourceZone = try zone(t, "source_tz", allowLocal: true)
        if let w = try string(t, "window") {
            do { _ = try DurationExpression.parse(w) } catch {
                throw fail(t.line(of: "window"), "window: cannot read '\(w)': \(Self.reason(error)) (a length of time such as 30s, 5m, 1h30m)")
            }
            d.window = w
        }
        d.layout = try string(t, "layout")
        return d
    }

    static let sourceKeys = [
        "name", "kind", "path", "glob", "unit", "directory", "selector", "endpoint", "url", "format", "log_format",
        "log_line_prefix", "zone", "clock_offset", "request_id", "color", "colour",
    ]

    func source(_ t: TOMLTable, endpoints: [ConfigFile.LokiEndpoint]) throws(ConfigFile.Error) -> ConfiguredSource {
        try checkKeys(t, allowed: Self.sourceKeys, in: "[[source]]")
        guard let name = try string(t, "name") else {
            throw fail(t.line, "[[source]] needs a name (name = \"nginx\")")
        }
        guard !name.isEmpty, !name.contains("="), !name.contains("/") else {
            throw fail(t.line(of: "name"), "source name '\(name)' may not be empty or contain '=' or '/'")
        }
        let kindText = try string(t, "kind") ?? inferredKind(t)
        guard let kind = ConfiguredSource.Kind(rawValue: kindText) else {
            throw fail(
                t.line(of: "kind"),
                "unknown kind '\(kindText)'; use \(ConfiguredSource.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var s = ConfiguredSource(name: name, kind: kind, line: t.line)
        func only(_ keys: [String]) throws(ConfigFile.Error) {
            let locations = ["path", "glob", "unit", "directory", "selector", "endpoint", "url"]
            for k in locations where !keys.contains(k) && t[k] != nil {
                throw fail(t.line(of: k), "'\(k)' does not apply to a \(kind.rawValue) source (it takes \(keys.joined(separator: ", ")))")
            }
        }
        switch kind {
        case .file:
            try only(["path", "glob"])
            let pathValue = try string(t, "path")
            let globValue = try string(t, "glob")
            guard let p = pathValue ?? globValue else {
                throw fail(t.line, "file source '\(name)' needs path = \"/var/log/...\" (a file, directory or glob)")
            }
            if t["path"] != nil, t["glob"] != nil { throw fail(t.line(of: "glob"), "give path or glob, not both") }
            s.path = p
        case .journal:
            try only(["unit", "directory"])
            s.unit = try string(t, "unit")
            s.path = try string(t, "directory")
            if s.unit != nil, s.path != nil {
                throw fail(t.line(of: "directory"), "a journal source takes unit or directory, not both")
            }
        case .loki:
            try only(["selector", "endpoint"])
            guard let sel = try string(t, "selector") else {
                throw fail(t.line, "loki source '\(name)' needs selector = '{job=\"app\"}'")
            }
            guard sel.hasPrefix("{") else { throw fail(t.line(of: "selector"), "a Loki selector starts with '{', as in {job=\"app\"}") }
            s.selector = sel
            guard let ep = try string(t, "endpoint") else {
                throw fail(t.line, "loki source '\(name)' needs endpoint = \"NAME\" of a [loki.NAME] table")
            }
            guard endpoints.contains(where: { $0.name == ep }) else {
                throw fail(
                    t.line(of: "endpoint"),
                    "no [loki.\(ep)] endpoint is defined"
                        + (endpoints.isEmpty ? " (define it before the source)" : "; known: \(endpoints.map(\.name).joined(separator: ", "))"))
            }
            s.endpoint = ep
        case .gatewayd:
            try only(["url"])
            guard let url = try string(t, "url") else {
                throw fail(t.line, "gatewayd source '\(name)' needs url = \"http://HOST:19531\"")
            }
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw fail(t.line(of: "url"), "url must start with http:// or https://, not '\(url)'")
            }
            s.endpoint = url
        }
        if let f = try string(t, "format") {
            guard FormatRegistry.format(named: f) != nil else {
                throw fail(t.line(of: "format"), "unknown format '\(f)'; known: \(FormatRegistry.names.joined(separator: ", "))")
            }
            s.format = f
        }
        if let lf = try string(t, "log_format") {
            do { _ = try NginxLogFormat(lf) } catch { throw fail(t.line(of: "log_format"), "log_format: \(error)") }
            s.nginxLogFormat = lf
        }
        s.postgresLinePrefix = try string(t, "log_line_prefix")
        s.zone = try zone(t, "zone", allowLocal: false)
        if let c = try string(t, "clock_offset") {
            s.clockOffset = try clockOffset(c, line: t.line(of: "clock_offset"))
        }
        if let v = t["request_id"] {
            let patterns: [String]
            switch v {
            case .string(let p): patterns = [p]
            case .array(let items):
                var out: [String] = []
                for item in items {
                    guard case .string(let p) = item else {
                        throw fail(t.line(of: "request_id"), "request_id must be a string or an array of strings")
                    }
                    out.append(p)
                }
                patterns = out
            default: throw fail(t.line(of: "request_id"), "request_id must be a string or an array of strings, not \(v.kindName)")
            }
            guard kind == .file else {
                throw fail(
                    t.line(of: "request_id"),
                    "request_id patterns apply to file sources only; a \(kind.rawValue) source cannot use them yet (remove the key)")
            }
            for p in patterns {
                do throws(RequestIDPattern.Error) { _ = try RequestIDPattern(p) } catch {
                    let what = if case .syntax = error { "bad regular expression" } else { "no request id in" }
                    throw fail(t.line(of: "request_id"), "request_id: \(what) '\(p)': \(error)")
                }
            }
            s.requestIDPatterns = patterns
        }
        if t["color"] != nil, t["colour"] != nil { throw fail(t.line(of: "colour"), "give color or colour, not both") }
        let colorKey = t["colour"] != nil ? "colour" : "color"
        if let c = try string(t, colorKey) {
            guard PaletteColor.index(c) != nil else {
                throw fail(t.line(of: colorKey), "unknown colour '\(c)'; use \(PaletteColor.help)")
            }
            s.color = c
        }
        return s
    }

    /// A source without `kind` is a file unless its keys say otherwise.
    func inferredKind(_ t: TOMLTable) -> String {
        if t["unit"] != nil || t["directory"] != nil { return "journal" }
        if t["selector"] != nil { return "loki" }
        if t["url"] != nil { return "gatewayd" }
        return "file"
    }

    /// `-90s`, `+2m`, `1h30m`: a signed length of time.
    func clockOffset(_ text: String, line: Int) throws(ConfigFile.Error) -> TimeSpan {
        var body = Substring(text)
        var sign: Int64 = 1
        if body.hasPrefix("-") {
            sign = -1
            body = body.dropFirst()
        } else if body.hasPrefix("+") {
            body = body.dropFirst()
        }
        do {
            let span = try DurationExpression.parse(String(body))
            return TimeSpan(nanoseconds: sign * span.nanoseconds)
        } catch {
            throw fail(line, "clock_offset: cannot read '\(text)': \(Self.reason(error)) (a signed length of time such as -90s or +2m)")
        }
    }

    static func reason(_ error: any Swift.Error) -> String {
        (error as? TimeExpression.Error)?.reason ?? "\(error)"
    }

    // MARK: layouts

    static let maximumLayoutDepth = 8

    func layoutNode(_ t: TOMLTable, where place: String, knownSources: [String], depth: Int) throws(ConfigFile.Error)
        -> PaneLayout.Node
    {
        guard depth < Self.maximumLayoutDepth else {
            throw fail(t.line, "\(place): layouts nest at most \(Self.maximumLayoutDepth) splits deep")
        }
        let paneKeys = ["title", "sources", "level", "grep", "exclude"]
        try checkKeys(t, allowed: ["split", "pane", "weight"] + paneKeys, in: place)
        var weight = 1
        if let v = t["weight"] {
            guard case .integer(let w) = v, w >= 1, w <= 100 else {
                throw fail(t.line(of: "weight"), "weight must be a whole number from 1 to 100")
            }
            weight = Int(w)
        }
        if let axisText = try string(t, "split") {
            guard let axis = PaneLayout.Axis(rawValue: axisText) else {
                throw fail(t.line(of: "split"), "split must be \"vertical\" (side by side) or \"horizontal\" (stacked), not '\(axisText)'")
            }
            for k in paneKeys where t[k] != nil {
                throw fail(t.line(of: k), "'\(k)' belongs on a pane, not on a split; put it in one of its [[...pane]] tables")
            }
            if let p = t["pane"], case .array = p {} else if t["pane"] != nil {
                throw fail(t.line(of: "pane"), "panes are [[\(Self.tablePath(place)).pane]] tables")
            }
            guard case .array(let items)? = t["pane"] else {
                throw fail(t.line, "\(place) splits \(axisText) but has no panes: add [[\(Self.tablePath(place)).pane]] tables")
            }
            var children: [PaneLayout.Node] = []
            for item in items {
                guard case .table(let child) = item else {
                    throw fail(t.line(of: "pane"), "panes are [[\(Self.tablePath(place)).pane]] tables")
                }
                children.append(
                    try layoutNode(child, where: "[[\(Self.tablePath(place)).pane]]", knownSources: knownSources, depth: depth + 1))
            }
            guard children.count >= 2 else {
                throw fail(t.line(of: "pane"), "a split needs at least two panes; \(place) has \(children.count)")
            }
            return .split(axis, children, weight: weight)
        }
        if t["pane"] != nil {
            throw fail(t.line(of: "pane"), "\(place) has panes but no split: add split = \"vertical\" or \"horizontal\"")
        }
        var filter = PaneFilter()
        filter.title = try string(t, "title")
        filter.sources = try strings(t, "sources")
        if !knownSources.isEmpty {
            for s in filter.sources where !knownSources.contains(s) {
                throw fail(t.line(of: "sources"), "pane names source '\(s)', which no [[source]] defines; known: \(knownSources.joined(separator: ", "))")
            }
        }
        if let l = try string(t, "level") {
            guard let level = Level(name: l) else {
                throw fail(t.line(of: "level"), "unknown level '\(l)': use trace, debug, info, notice, warn, error, crit, alert or emerg")
            }
            filter.minimumLevel = level
        }
        for key in ["grep", "exclude"] {
            guard let re = try string(t, key) else { continue }
            do { _ = try Pattern(re) } catch { throw fail(t.line(of: key), "\(key): bad regular expression '\(re)': \(error)") }
            if key == "grep" { filter.grep = re } else { filter.exclude = re }
        }
        return .pane(filter, weight: weight)
    }

    /// `[layout.incident]` -> `layout.incident`; `[[layout.incident.pane]]` -> `layout.incident.pane`.
    static func tablePath(_ place: String) -> String {
        String(place.drop { $0 == "[" }.reversed().drop { $0 == "]" }.reversed())
    }

    // MARK: values

    func checkKeys(_ t: TOMLTable, allowed: [String], in place: String) throws(ConfigFile.Error) {
        for k in t.keys where !allowed.contains(k) {
            throw fail(t.line(of: k), "unknown key '\(k)' in \(place); known keys: \(allowed.joined(separator: ", "))")
        }
    }

    func table(_ t: TOMLTable, _ key: String) throws(ConfigFile.Error) -> TOMLTable? {
        guard let v = t[key] else { return nil }
        guard case .table(let sub) = v else { throw fail(t.line(of: key), "\(key) must be a table ([\(key)]), not \(v.kindName)") }
        return sub
    }

    func string(_ t: TOMLTable, _ key: String) throws(ConfigFile.Error) -> String? {
        guard let v = t[key] else { return nil }
        guard case .string(let s) = v else { throw fail(t.line(of: key), "\(key) must be a string, not \(v.kindName)") }
        return s
    }

    func strings(_ t: TOMLTable, _ key: String) throws(ConfigFile.Error) -> [String] {
        guard let v = t[key] else { return [] }
        if case .string(let s) = v { return [s] }
        guard case .array(let items) = v else {
            throw fail(t.line(of: key), "\(key) must be an array of strings, not \(v.kindName)")
        }
        var out: [String] = []
        for item in items {
            guard case .string(let s) = item else { throw fail(t.line(of: key), "\(key) must be an array of strings") }
            out.append(s)
        }
        return out
    }

    func zone(_ t: TOMLTable, _ key: String, allowLocal: Bool) throws(ConfigFile.Error) -> String? {
        guard let z = try string(t, key) else { return nil }
        if allowLocal && z == "local" { return z }
        do {
            _ = try ZoneLoader.zone(named: z, environment: environment)
        } catch {
            throw fail(t.line(of: key), "\(key): \(error)")
        }
        return z
    }
}
