import Foundation
import LogviewCore
import LogviewSources
import Testing

@Suite struct ConfigFileTests {
    static let full = """
        # logview config
        [defaults]
        theme = "dark"
        tz = "Asia/Seoul"
        source_tz = "UTC"
        window = "2m"
        layout = "incident"

        [loki.prod]
        url = "http://127.0.0.1:3100"
        tenant = "ops"

        [[source]]
        name = "nginx"
        path = "/var/log/nginx/access.log*"
        log_format = '$remote_addr [$time_local] "$request" $status rid=$request_id'
        color = "cyan"

        [[source]]
        name = "backend"
        kind = "file"
        glob = "/srv/backend/logs/*.log"
        format = "spring-boot"
        zone = "Asia/Seoul"
        clock_offset = "-90s"
        request_id = ["req=([0-9a-f]+)"]
        colour = "#ff8800"

        [[source]]
        name = "ai"
        unit = "ai.service"

        [[source]]
        name = "db"
        path = "/var/log/postgresql/postgresql-15-main.log"
        log_line_prefix = "%m [%p] %q%u@%d "

        [[source]]
        name = "app-loki"
        selector = '{job="app"}'
        endpoint = "prod"

        [[source]]
        name = "edge"
        url = "http://10.0.0.5:19531"

        [layout.incident]
        split = "vertical"

        [[layout.incident.pane]]
        title = "edge"
        sources = ["nginx"]
        level = "warn"
        weight = 2

        [[layout.incident.pane]]
        split = "horizontal"

        [[layout.incident.pane.pane]]
        sources = ["backend", "ai"]
        grep = "ERROR"

        [[layout.incident.pane.pane]]
        sources = ["db"]
        exclude = "checkpoint"

        [layout.quiet]
        sources = "db"
        """

    @Test func readsEverySection() throws {
        let c = try ConfigFile.parse(Self.full, path: "/etc/logview/config.toml", environment: [:])
        #expect(c.defaults.theme == "dark")
        #expect(c.defaults.displayZone == "Asia/Seoul")
        #expect(c.defaults.sourceZone == "UTC")
        #expect(c.defaults.window == "2m")
        #expect(c.defaults.layout == "incident")
        #expect(c.lokiEndpoints == [.init(name: "prod", url: "http://127.0.0.1:3100", tenant: "ops")])
        #expect(c.sources.map(\.name) == ["nginx", "backend", "ai", "db", "app-loki", "edge"])
        #expect(c.sources.map(\.line) == [13, 19, 29, 33, 38, 43])
        #expect(c.sources.map(\.kind) == [.file, .file, .journal, .file, .loki, .gatewayd])

        var nginx = SourceSpec(name: "nginx", path: "/var/log/nginx/access.log*")
        nginx.nginxLogFormat = #"$remote_addr [$time_local] "$request" $status rid=$request_id"#
        var backend = SourceSpec(name: "backend", path: "/srv/backend/logs/*.log")
        backend.format = "spring-boot"
        backend.clockOffset = TimeSpan(nanoseconds: -90_000_000_000)
        backend.requestIDPatterns = ["req=([0-9a-f]+)"]
        var db = SourceSpec(name: "db", path: "/var/log/postgresql/postgresql-15-main.log")
        db.postgresLinePrefix = "%m [%p] %q%u@%d "
        #expect(c.sources.map(\.argument) == [
            .files(nginx), .files(backend), .journal(":ai.service"), .files(db), .loki(#"{job="app"}"#),
            .gatewayd("http://10.0.0.5:19531"),
        ])
        #expect(c.sources[0].color == "cyan")
        #expect(c.sources[1].color == "#ff8800")
        #expect(c.sources[1].zone == "Asia/Seoul")
        #expect(c.sources[1].requestIDPatterns == ["req=([0-9a-f]+)"])
        #expect(c.sources[4].endpoint == "prod")

        #expect(c.layouts.map(\.name) == ["incident", "quiet"])
        #expect(try c.layout(named: "incident").root == .split(.vertical, [
            .pane(PaneFilter(title: "edge", sources: ["nginx"], minimumLevel: .warning), weight: 2),
            .split(.horizontal, [
                .pane(PaneFilter(sources: ["backend", "ai"], grep: "ERROR"), weight: 1),
                .pane(PaneFilter(sources: ["db"], exclude: "checkpoint"), weight: 1),
            ], weight: 1),
        ], weight: 1))
        #expect(try c.layout(named: "quiet").root.panes == [PaneFilter(sources: ["db"])])
    }

    @Test func unknownLayoutListsTheKnownOnes() throws {
        let c = try ConfigFile.parse(Self.full, path: "/etc/logview/config.toml", environment: [:])
        #expect(throws: ConfigFile.Error(
            path: "/etc/logview/config.toml", line: 0, message: "unknown layout 'triage'; known layouts: incident, quiet")
        ) { try c.layout(named: "triage") }
        #expect(throws: ConfigFile.Error(
            path: "c.toml", line: 0,
            message: "unknown layout 'triage': this file defines no layouts (add a [layout.triage] table)")
        ) { try ConfigFile.parse("", path: "c.toml", environment: [:]).layout(named: "triage") }
    }

    /// Every message a config file can get, with the line it points at.
    static let errors: [(String, String)] = [
        ("[defaults]\ntheme = \"dark\"\ntheme = \"x\"", "c.toml:3: key 'defaults.theme' is defined twice"),
        ("colour = 1", "c.toml:1: unknown key 'colour' in the top level; known keys: source, loki, defaults, layout"),
        ("defaults = 1", "c.toml:1: defaults must be a table ([defaults]), not an integer"),
        ("[defaults]\nthem = \"dark\"", "c.toml:2: unknown key 'them' in [defaults]; known keys: theme, tz, source_tz, window, layout"),
        ("[defaults]\ntheme = 3", "c.toml:2: theme must be a string, not an integer"),
        ("[defaults]\ntz = \"Mars/Olympus\"", "c.toml:2: tz: unknown time zone 'Mars/Olympus': use an IANA name such as Asia/Seoul, UTC, or an offset such as +09:00"),
        ("[defaults]\nwindow = \"5 fortnights\"", "c.toml:2: window: cannot read '5 fortnights': unknown unit 'fortnights' (a length of time such as 30s, 5m, 1h30m)"),
        ("[defaults]\nlayout = \"x\"", "c.toml:2: default layout 'x' is not defined (add a [layout.x] table)"),
        ("[defaults]\nlayout = \"x\"\n[layout.y]\nsources = []", "c.toml:2: default layout 'x' is not defined; known layouts: y"),
        ("[loki]\nprod = 1", "c.toml:2: loki.prod must be a table with url = \"http://HOST:3100\""),
        ("[loki.prod]\nurl = \"http://a\"\nuser = \"x\"", "c.toml:3: unknown key 'user' in [loki.prod]; known keys: url, tenant, username, password_file, bearer_token_file"),
        ("[loki.prod]\ntenant = \"x\"", "c.toml:1: [loki.prod] needs url = \"http://HOST:3100\""),
        ("[loki.prod]\nurl = \"ftp://a\"", "c.toml:2: url must start with http:// or https://, not 'ftp://a'"),
        ("source = \"x\"", "c.toml:1: sources are [[source]] tables (double brackets)"),
        ("source = [\"x\"]", "c.toml:1: sources are [[source]] tables (double brackets)"),
        ("[[source]]\nname = \"a\"\npath = \"/a\"\n[[source]]\nname = \"a\"\npath = \"/b\"", "c.toml:5: source name 'a' is already used on line 1"),
        ("[[source]]\nname = \"a\"\npth = \"/a\"", "c.toml:3: unknown key 'pth' in [[source]]; known keys: name, kind, path, glob, unit, directory, selector, endpoint, url, format, log_format, log_line_prefix, zone, clock_offset, request_id, color, colour"),
        ("[[source]]\npath = \"/a\"", "c.toml:1: [[source]] needs a name (name = \"nginx\")"),
        ("[[source]]\nname = \"a=b\"\npath = \"/a\"", "c.toml:2: source name 'a=b' may not be empty or contain '=' or '/'"),
        ("[[source]]\nname = \"a\"\nkind = \"kafka\"", "c.toml:3: unknown kind 'kafka'; use file, journal, loki, gatewayd"),
        ("[[source]]\nname = \"a\"\nkind = \"file\"\nunit = \"x.service\"", "c.toml:4: 'unit' does not apply to a file source (it takes path, glob)"),
        ("[[source]]\nname = \"a\"\nkind = \"file\"", "c.toml:1: file source 'a' needs path = \"/var/log/...\" (a file, directory or glob)"),
        ("[[source]]\nname = \"a\"\npath = \"/a\"\nglob = \"/b*\"", "c.toml:4: give path or glob, not both"),
        ("[[source]]\nname = \"a\"\nunit = \"a.service\"\ndirectory = \"/j\"", "c.toml:4: a journal source takes unit or directory, not both"),
        ("[[source]]\nname = \"a\"\nkind = \"loki\"", "c.toml:1: loki source 'a' needs selector = '{job=\"app\"}'"),
        ("[[source]]\nname = \"a\"\nselector = \"job=app\"", "c.toml:3: a Loki selector starts with '{', as in {job=\"app\"}"),
        ("[[source]]\nname = \"a\"\nselector = \"{job=\\\"app\\\"}\"", "c.toml:1: loki source 'a' needs endpoint = \"NAME\" of a [loki.NAME] table"),
        ("[[source]]\nname = \"a\"\nselector = \"{a=\\\"b\\\"}\"\nendpoint = \"prod\"", "c.toml:4: no [loki.prod] endpoint is defined (define it before the source)"),
        ("[loki.dev]\nurl = \"http://d\"\n[[source]]\nname = \"a\"\nselector = \"{a=\\\"b\\\"}\"\nendpoint = \"prod\"", "c.toml:6: no [loki.prod] endpoint is defined; known: dev"),
        ("[[source]]\nname = \"a\"\nkind = \"gatewayd\"", "c.toml:1: gatewayd source 'a' needs url = \"http://HOST:19531\""),
        ("[[source]]\nname = \"a\"\nurl = \"host:19531\"", "c.toml:3: url must start with http:// or https://, not 'host:19531'"),
        ("[[source]]\nname = \"a\"\npath = \"/a\"\nformat = \"apache\"", "c.toml:4: unknown format 'apache'; known: \(FormatRegistry.names.joined(separator: ", "))"),
        ("[[source]]\nname = \"a\"\npath = \"/a\"\nlog_format = \"log_format x '$remote_addr\"", "c.toml:4: log_format: \(Self.logFormatError("log_format x '$remote_addr"))"),
        ("[[source]]\nname = \"a\"\npath = \"/a\"\nzone = \"Mars/Olympus\"", "c.toml:4: zone: unknown time zone 'Mars/Olympus': use an IANA name such as Asia/Seoul, UTC, or an offset such as +09:00"),
        ("[[source]]\nname = \"a\"\npath = \"/a\"\nclock_offset = \"soon\"", "c.toml:4: clock_offset: cannot read 'soon': expected a length of time such as 30s, 5m, 1h30m (a signed length of time such as -90s or +2m)"),
        ("[[source]]\nname = \"a\"\npath = \"/a\"\nrequest_id = 5", "c.toml:4: request_id must be a string or an array of strings, not an integer"),
        ("[[source]]\nname = \"a\"\npath = \"/a\"\nrequest_id = [5]", "c.toml:4: request_id must be a string or an array of strings"),
        ("[[source]]\nname = \"a\"\npath = \"/a\"\nrequest_id = \"rid=([0-9a-f]+\"", "c.toml:4: request_id: bad regular expression 'rid=([0-9a-f]+': unterminated group at column 5"),
        ("[[source]]\nname = \"a\"\npath = \"/a\"\nrequest_id = \"rid=[0-9a-f]+\"", "c.toml:4: request_id: no request id in 'rid=[0-9a-f]+': it has no group; put the id in parentheses, as in rid=([0-9a-f]+)"),
        ("[[source]]\nname = \"a\"\npath = \"/a\"\nrequest_id = \"(?:x(\\\\w+))\"", "c.toml:4: request_id: no request id in '(?:x(\\w+))': its first group is inside another group; the id's group must come first, outside any other"),
        ("[[source]]\nname = \"a\"\npath = \"/a\"\nrequest_id = \"a=(\\\\w+)|b\"", "c.toml:4: request_id: no request id in 'a=(\\w+)|b': '|' outside a group makes the id's place ambiguous; put the alternatives in (?:...)"),
        ("[[source]]\nname = \"a\"\npath = \"/a\"\nrequest_id = \"id=(\\\\w)+\"", "c.toml:4: request_id: no request id in 'id=(\\w)+': the id's group may not be followed by a quantifier (*, +, ?, {n})"),
        ("[[source]]\nname = \"a\"\npath = \"/a\"\nrequest_id = \"id=()\"", "c.toml:4: request_id: no request id in 'id=()': the id's group is empty"),
        ("[[source]]\nname = \"a\"\nunit = \"a.service\"\nrequest_id = \"rid=(\\\\w+)\"", "c.toml:4: request_id patterns apply to file sources only; a journal source cannot use them yet (remove the key)"),
        ("[loki.p]\nurl = \"http://l\"\n[[source]]\nname = \"a\"\nselector = \"{a=\\\"b\\\"}\"\nendpoint = \"p\"\nrequest_id = \"rid=(\\\\w+)\"", "c.toml:7: request_id patterns apply to file sources only; a loki source cannot use them yet (remove the key)"),
        ("[[source]]\nname = \"a\"\nurl = \"http://g:19531\"\nrequest_id = [\"rid=(\\\\w+)\"]", "c.toml:4: request_id patterns apply to file sources only; a gatewayd source cannot use them yet (remove the key)"),
        ("[layout.x]\nsplit = \"vertical\"\n[[layout.x.pane]]\ngrep = \"*oops\"\n[[layout.x.pane]]\nlevel = \"warn\"", "c.toml:4: grep: bad regular expression '*oops': nothing to repeat at column 1"),
        ("[[source]]\nname = \"a\"\npath = \"/a\"\ncolor = \"red\"\ncolour = \"red\"", "c.toml:5: give color or colour, not both"),
        ("[[source]]\nname = \"a\"\npath = \"/a\"\ncolor = \"mauve\"", "c.toml:4: unknown colour 'mauve'; use a name (red, bright_blue...), default, a number 0-255 or #RRGGBB"),
        ("[layout]\nx = 1", "c.toml:2: layout.x must be a table: [layout.x]"),
        ("[layout.x]\nsplit = \"vertical\"\nsize = 3", "c.toml:3: unknown key 'size' in [layout.x]; known keys: split, pane, weight, title, sources, level, grep, exclude"),
        ("[layout.x]\nweight = 0", "c.toml:2: weight must be a whole number from 1 to 100"),
        ("[layout.x]\nsplit = \"diagonal\"", "c.toml:2: split must be \"vertical\" (side by side) or \"horizontal\" (stacked), not 'diagonal'"),
        ("[layout.x]\nsplit = \"vertical\"\nlevel = \"warn\"", "c.toml:3: 'level' belongs on a pane, not on a split; put it in one of its [[...pane]] tables"),
        ("[layout.x]\nsplit = \"vertical\"", "c.toml:1: [layout.x] splits vertical but has no panes: add [[layout.x.pane]] tables"),
        ("[layout.x]\nsplit = \"vertical\"\npane = \"a\"", "c.toml:3: panes are [[layout.x.pane]] tables"),
        ("[layout.x]\nsplit = \"vertical\"\n[[layout.x.pane]]\nsources = []", "c.toml:3: a split needs at least two panes; [layout.x] has 1"),
        ("[layout.x]\n[[layout.x.pane]]\nsources = []", "c.toml:2: [layout.x] has panes but no split: add split = \"vertical\" or \"horizontal\""),
        ("[[source]]\nname = \"a\"\npath = \"/a\"\n[layout.x]\nsources = [\"a\", \"b\"]", "c.toml:5: pane names source 'b', which no [[source]] defines; known: a"),
        ("[layout.x]\nsources = [1]", "c.toml:2: sources must be an array of strings"),
        ("[layout.x]\nsources = 1", "c.toml:2: sources must be an array of strings, not an integer"),
        ("[layout.x]\nlevel = \"loud\"", "c.toml:2: unknown level 'loud': use trace, debug, info, notice, warn, error, crit, alert or emerg"),
        (Self.deepLayout, "c.toml:31: [[layout.x.pane.pane.pane.pane.pane.pane.pane.pane]]: layouts nest at most 8 splits deep"),
    ]

    static func logFormatError(_ text: String) -> String {
        do {
            _ = try NginxLogFormat(text)
            return "compiled"
        } catch {
            return "\(error)"
        }
    }

    /// Nine nested splits; each level's split is its last pane, where the next level attaches.
    static var deepLayout: String {
        var out = "[layout.x]\nsplit = \"vertical\"\n"
        var path = "layout.x"
        for _ in 0..<8 {
            path += ".pane"
            out += "[[\(path)]]\nsources = []\n[[\(path)]]\nsplit = \"vertical\"\n"
        }
        return out
    }

    @Test(arguments: errors) func everyMistakeNamesItsLine(_ text: String, _ message: String) {
        do {
            _ = try ConfigFile.parse(text, path: "c.toml", environment: [:])
            Issue.record("no error for: \(text)")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func aMissingOrBinaryFileIsOneLine() throws {
        #expect(throws: ConfigFile.Error(
            path: "/nonexistent/logview.toml", line: 0,
            message: "cannot open /nonexistent/logview.toml: no such file (check the path, or that the service logs there)")
        ) { try ConfigFile.read(path: "/nonexistent/logview.toml", environment: [:]) }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("logview-config-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("bad.toml")
        try Data([0x61, 0xFF, 0xFE]).write(to: bad)
        #expect(throws: ConfigFile.Error(path: bad.path, line: 0, message: "not UTF-8 text")) {
            try ConfigFile.read(path: bad.path, environment: [:])
        }
    }

    @Test func locatorPrefersExplicitThenXDGThenHomeThenSystem() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("logview-locate-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for sub in ["xdg/logview", "home/.config/logview", "etc"] {
            try FileManager.default.createDirectory(atPath: "\(dir)/\(sub)", withIntermediateDirectories: true)
        }
        try Data().write(to: URL(fileURLWithPath: "\(dir)/etc/config.toml"))
        let env = ["XDG_CONFIG_HOME": "\(dir)/xdg", "HOME": "\(dir)/home"]
        #expect(ConfigLocator.locate(explicit: nil, environment: env, systemDirectory: "\(dir)/etc") == "\(dir)/etc/config.toml")
        try Data().write(to: URL(fileURLWithPath: "\(dir)/home/.config/logview/config.toml"))
        #expect(ConfigLocator.locate(explicit: nil, environment: ["HOME": "\(dir)/home"], systemDirectory: "\(dir)/etc")
            == "\(dir)/home/.config/logview/config.toml")
        try Data().write(to: URL(fileURLWithPath: "\(dir)/xdg/logview/config.toml"))
        #expect(ConfigLocator.locate(explicit: nil, environment: env, systemDirectory: "\(dir)/etc") == "\(dir)/xdg/logview/config.toml")
        #expect(ConfigLocator.locate(explicit: "/my.toml", environment: env, systemDirectory: "\(dir)/etc") == "/my.toml")
        #expect(ConfigLocator.locate(explicit: nil, environment: [:], systemDirectory: "\(dir)/none") == nil)
    }

    @Test func clockOffsetShiftsTheSourcesTimestamps() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("logview-offset-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("app.log")
        try Data("2026-01-30T05:02:03.5Z level=info msg=a\n2026-01-30T05:02:04Z level=info msg=b\n".utf8).write(to: log)
        let c = try ConfigFile.parse(
            "[[source]]\nname = \"app\"\npath = \"\(log.path)\"\nclock_offset = \"+1m30s\"", path: "c.toml", environment: [:])
        guard case .files(let spec) = c.sources[0].argument else { Issue.record("not a file source"); return }
        let loaded = SourceLoader.load([spec], settings: LoadSettings(defaultZone: .utc))
        #expect(loaded.problems == [])
        #expect(loaded.sources.first?.entries.timestamps == [1_769_749_413_500_000_000, 1_769_749_414_000_000_000])
    }
}
