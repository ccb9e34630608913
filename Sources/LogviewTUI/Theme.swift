import LogviewCore

#if canImport(Glibc)
import Glibc
#endif

/// Colours and attributes for every role, read from a theme file (TOML, see Themes/README.md).
public struct Theme: Sendable, Equatable {
    public var name: String
    var roles: [Role: Style] = [:]
    var levels: [Level: Style] = [:]
    var palette: [Style] = [Style()]
    public var selection = Style(reverse: true)
    public var searchMatch = Style(underline: true, reverse: true)

    /// The look of a role.
    public func style(_ role: Role) -> Style {
        switch role {
        case .source(let n): return palette[n % palette.count]
        case .configuredSource(let c):
            // The config picks the colour; the theme still decides the background and attributes.
            var s = palette[0]
            s.foreground = c
            return s
        case .level(let l): return levels[l] ?? Style()
        default: return roles[role] ?? Style()
        }
    }

    /// The look of a cell: its role, with the selection or a search match laid over it.
    public func style(_ role: Role, _ mark: Mark) -> Style {
        switch mark {
        case .none: return style(role)
        case .selected: return style(role).overlaid(with: selection)
        case .match: return searchMatch
        }
    }

    /// A theme file that cannot be used: which file, which key and line, what is wrong.
    public struct Error: Swift.Error, CustomStringConvertible, Equatable {
        public var file: String
        public var key: String?
        public var line: Int
        public var message: String
        public var description: String {
            "theme \(file), line \(line)\(key.map { ", key '\($0)'" } ?? ""): \(message)"
        }
    }

    /// Keys of the `[roles]` table and the roles they set.
    static let roleKeys: [(String, Role?)] = [
        ("text", .text), ("dim", .dim), ("time", .time), ("status_bar", .statusBar), ("pivot_banner", .pivotBanner),
        ("border", .border), ("focused_border", .focusedBorder), ("help", .help), ("help_key", .helpKey),
        ("histogram", .histogram), ("histogram_error", .histogramError), ("bookmark", .bookmark),
        ("error_message", .errorMessage), ("field_name", .fieldName),
        ("selection", nil), ("search_match", nil),
    ]

    /// Parses a theme file's text; `file` names it in errors.
    public static func parse(_ text: String, name: String, file: String) throws(Error) -> Theme {
        let root: TOMLTable
        do {
            root = try TOML.parse(text)
        } catch {
            throw Error(file: file, key: nil, line: error.line, message: error.message)
        }
        var theme = Theme(name: name)
        func style(_ table: TOMLTable, _ key: String, _ path: String) throws(Error) -> Style {
            guard case .string(let s) = table[key] else {
                throw Error(file: file, key: path, line: table.line(of: key),
                    message: "expected a string such as \"black on 220 bold\", found \(table[key]?.kindName ?? "nothing")")
            }
            switch Style.parse(s) {
            case .success(let st): return st
            case .failure(let e): throw Error(file: file, key: path, line: table.line(of: key), message: e.message)
            }
        }
        func table(_ key: String) throws(Error) -> TOMLTable? {
            guard let v = root[key] else { return nil }
            guard case .table(let t) = v else {
                throw Error(file: file, key: key, line: root.line(of: key), message: "expected a table [\(key)], found \(v.kindName)")
            }
            return t
        }
        for key in root.keys where !["name", "description", "roles", "levels", "sources"].contains(key) {
            throw Error(file: file, key: key, line: root.line(of: key), message: "unknown key (expected [roles], [levels], [sources])")
        }
        if let roles = try table("roles") {
            for key in roles.keys {
                guard let entry = roleKeys.first(where: { $0.0 == key }) else {
                    throw Error(file: file, key: "roles.\(key)", line: roles.line(of: key),
                        message: "unknown role (known: \(roleKeys.map(\.0).joined(separator: ", ")))")
                }
                let st = try style(roles, key, "roles.\(key)")
                switch key {
                case "selection": theme.selection = st
                case "search_match": theme.searchMatch = st
                default: theme.roles[entry.1!] = st
                }
            }
        }
        if let levels = try table("levels") {
            for key in levels.keys {
                guard let level = key == "unknown" ? Level.unknown : Level(name: key) else {
                    throw Error(file: file, key: "levels.\(key)", line: levels.line(of: key),
                        message: "unknown level (use trace, debug, info, notice, warn, error, crit, alert, emerg, unknown)")
                }
                theme.levels[level] = try style(levels, key, "levels.\(key)")
            }
        }
        if let sources = try table("sources") {
            for key in sources.keys where key != "palette" {
                throw Error(file: file, key: "sources.\(key)", line: sources.line(of: key), message: "unknown key (expected palette)")
            }
            if let v = sources["palette"] {
                guard case .array(let items) = v, !items.isEmpty else {
                    throw Error(file: file, key: "sources.palette", line: sources.line(of: "palette"),
                        message: "expected a non-empty array of styles, e.g. [\"cyan\", \"green\"]")
                }
                var palette: [Style] = []
                for (i, item) in items.enumerated() {
                    guard case .string(let s) = item, case .success(let st) = Style.parse(s) else {
                        let why: String
                        if case .string(let s) = item, case .failure(let e) = Style.parse(s) { why = e.message } else { why = "expected a string" }
                        throw Error(file: file, key: "sources.palette[\(i)]", line: sources.line(of: "palette"), message: why)
                    }
                    palette.append(st)
                }
                theme.palette = palette
            }
        }
        return theme
    }

    /// The built-in default (dark) theme.
    public static let standard: Theme = {
        guard let text = EmbeddedThemes.files["default"], let t = try? Theme.parse(text, name: "default", file: "default.toml")
        else { return Theme(name: "default") }
        return t
    }()

    /// The monochrome theme: attributes only, for terminals without colour and `NO_COLOR`.
    public static let monochrome: Theme = {
        guard let text = EmbeddedThemes.files["monochrome"], let t = try? Theme.parse(text, name: "monochrome", file: "monochrome.toml")
        else { return Theme(name: "monochrome") }
        return t
    }()

    /// Finds a theme by name (shipped themes are embedded in the binary) or reads a file path
    /// (anything with a `/` or ending in `.toml`).
    public static func load(_ nameOrPath: String) throws(Error) -> Theme {
        if !nameOrPath.contains("/") && !nameOrPath.hasSuffix(".toml") {
            guard let text = EmbeddedThemes.files[nameOrPath] else {
                throw Error(file: nameOrPath, key: nil, line: 0,
                    message: "no such theme (shipped: \(EmbeddedThemes.files.keys.sorted().joined(separator: ", ")); or give a path to a .toml file)")
            }
            return try parse(text, name: nameOrPath, file: "\(nameOrPath).toml (built in)")
        }
        guard let text = readFile(nameOrPath) else {
            throw Error(file: nameOrPath, key: nil, line: 0, message: "cannot read the file: \(String(cString: strerror(errno)))")
        }
        var name = nameOrPath.split(separator: "/").last.map(String.init) ?? nameOrPath
        if name.hasSuffix(".toml") { name.removeLast(5) }
        return try parse(text, name: name, file: nameOrPath)
    }

    static func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { return nil }
            if n == 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
            if bytes.count > 1 << 20 { return nil }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
