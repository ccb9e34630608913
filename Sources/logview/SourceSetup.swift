import ArgumentParser
import LogviewCore
import LogviewSources

/// The config file and discovery, resolved once before anything opens.
struct SourceSetup {
    let options: SetupOptions
    let environment: [String: String]
    let config: ConfigFile?
    /// The `--layout` (or the config's default layout) for the viewer.
    let layout: PaneLayout?
    /// Lists journal units for discovery through the journal reader.
    var journalLister: (any JournalUnitLister)? = JournalUnitList()

    /// Reads and validates the config file; a bad one is reported as `file:line: what` and exits 78.
    init(options: SetupOptions, environment: [String: String]) throws {
        self.options = options
        self.environment = environment
        let root = DiscoveryRoot(options.root)
        let path = ConfigLocator.locate(
            explicit: options.config, environment: environment,
            systemDirectory: root.isSystemRoot ? "/etc/logview" : root.real("/etc/logview"))
        do {
            config = try path.map { try ConfigFile.read(path: $0, environment: environment) }
            if let name = options.layout ?? config?.defaults.layout {
                guard let config else {
                    throw ConfigFile.Error(
                        path: "--layout", line: 0,
                        message: "unknown layout '\(name)': no config file defines layouts (see --config)")
                }
                layout = try config.layout(named: name)
            } else {
                layout = nil
            }
        } catch let error as ConfigFile.Error {
            Stderr.line("logview: \(error)")
            throw ExitCode(78)
        }
        if !options.root.hasPrefix("/") {
            throw ValidationError("--root takes an absolute directory, not '\(options.root)'")
        }
    }

    var discoveryOptions: Discovery.Options {
        var o = Discovery.Options(root: DiscoveryRoot(options.root), journal: journalLister)
        o.preferNginxDump = options.nginxDump
        return o
    }

    /// `--show-sources`.
    func sourcesReport() -> String {
        if let config, !config.sources.isEmpty {
            var out = "Config: \(config.path)\nSources:\n"
            let width = config.sources.map(\.name.count).max()!
            let kindWidth = config.sources.map(\.kind.rawValue.count).max()!
            for s in config.sources {
                let what: String
                switch s.argument {
                case .files(let spec): what = spec.path
                case .journal(let rest): what = "journal\(rest)"
                case .loki(let sel): what = "loki \(s.endpoint ?? ""): \(sel)"
                case .gatewayd(let url): what = url
                }
                let kind = s.kind.rawValue
                out += "  " + s.name + String(repeating: " ", count: width - s.name.count) + "  " + kind
                    + String(repeating: " ", count: kindWidth - kind.count) + "  \(what)"
                out += "  (\(config.path):\(s.line)" + (s.format.map { ", format \($0)" } ?? "") + ")\n"
            }
            return out
        }
        return Discovery.run(discoveryOptions).text(root: DiscoveryRoot(options.root))
    }

    /// The sources to open when none are named: the config file's, else discovered ones.
    /// Zones named by the config or discovery come back per source name.
    func defaultSources() throws -> (arguments: [SourceArgument], zones: [String: String]) {
        if let config, !config.sources.isEmpty {
            var zones: [String: String] = [:]
            for s in config.sources { if let z = s.zone { zones[s.name] = z } }
            return (config.sources.map(\.argument), zones)
        }
        guard !options.noDiscovery else { return ([], [:]) }
        let report = Discovery.run(discoveryOptions)
        for s in report.skipped where s.reason.hasPrefix("permission denied") {
            Stderr.line("logview: skipped \(s.what): \(s.reason)")
        }
        var zones: [String: String] = [:]
        for s in report.sources { if let z = s.zone { zones[s.name] = z } }
        return (report.sources.map(\.argument), zones)
    }
}
