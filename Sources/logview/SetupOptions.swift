import ArgumentParser

/// Where sources come from when none are named: the config file, else discovery.
struct SetupOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Discover logs under this root instead of / (a mounted disk image, a copied /etc and /var/log).",
        valueName: "dir"))
    var root: String = "/"

    @Flag(name: [.customLong("show-sources")], help: "Print the sources that would be read (config or discovery), where, in which format and why, and what was skipped; then exit.")
    var showSources = false

    @Option(name: .long, help: ArgumentHelp(
        "Config file (default: $XDG_CONFIG_HOME/logview/config.toml or ~/.config/logview/config.toml, then /etc/logview/config.toml).",
        valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Open the viewer with this layout from the config file.", valueName: "name"))
    var layout: String?

    @Flag(name: [.customLong("nginx-dump")], help: "Discover nginx's logs from `nginx -T` instead of reading its configuration files.")
    var nginxDump = false

    @Flag(name: [.customLong("no-discovery")], help: "Do not look for logs when no source is named (use the config file's only).")
    var noDiscovery = false
}
