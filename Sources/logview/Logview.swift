import ArgumentParser
import LogviewCore
import LogviewSources
import LogviewTUI

#if canImport(Glibc)
import Glibc
#endif

@main
struct Logview: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logview",
        abstract: "Explore and correlate server logs on one timeline.",
        discussion: """
            SOURCES are [NAME=]PATH: a file, a directory (each rotated set in it is one source) or a \
            quoted glob ('/var/log/nginx/access.log*'); journal, journal:UNIT, journal-dir:PATH, \
            journal-file:PATH or journal-kernel[:wireguard] for the systemd journal. Formats are detected per file. With no \
            SOURCES: the config file's, else the logs discovered on this server (--show-sources). \
            On a terminal the viewer opens; without one, or with --print, entries are printed in \
            time order.
            """,
        version: LogviewVersion.text)

    @Argument(help: "Log sources: [NAME=]PATH (file, directory or glob), journal[:UNIT], journal-dir:PATH, journal-file:PATH, journal-kernel[:wireguard].")
    var sources: [String] = []

    @Flag(name: .long, help: "Print entries instead of opening the viewer.")
    var print = false

    @Option(name: .long, help: "Print format: text or json.")
    var output: EntryWriter.Style = .text

    @Option(name: .long, help: "Show entries at or after this time (2026-01-30 14:02, 14:02:30, -15m, today).")
    var since: String?

    @Option(name: .long, help: "Show entries at or before this time.")
    var until: String?

    @Option(name: .long, help: "Show entries around this time (with --window).")
    var around: String?

    @Option(name: .long, help: "Half-width of the --around window (30s, 5m, 1h30m).")
    var window: String = "30s"

    @Option(name: [.customLong("request-id")], help: "Entries of this request (its linked ids and entries too). Repeatable.")
    var requestIDs: [String] = []

    @Option(name: .long, help: "Keep entries matching this regular expression. Repeatable (all must match).")
    var grep: [String] = []

    @Option(name: .long, help: "Drop entries matching this regular expression. Repeatable.")
    var exclude: [String] = []

    @Flag(name: [.short, .customLong("ignore-case")], help: "Match --grep/--exclude case-insensitively.")
    var ignoreCase = false

    @Option(name: .long, help: "Minimum level: trace, debug, info, notice, warn, error, crit, alert, emerg.")
    var level: String?

    @Option(name: [.customLong("source")], help: "Only entries of this source name. Repeatable.")
    var onlySources: [String] = []

    @Option(name: .long, help: "Display zone for text output: an IANA name, an offset like +09:00, or local.")
    var tz: String = "local"

    @Option(name: [.customLong("source-tz")], help: "Zone of naive timestamps: ZONE for all sources, or NAME=ZONE. Repeatable. Default: the machine's zone.")
    var sourceZones: [String] = []

    @Option(name: [.customLong("format")], help: "Force a source's format: NAME=FORMAT (see --list-formats). Repeatable.")
    var formats: [String] = []

    @Option(name: [.customLong("nginx-log-format")], help: "nginx log_format string of the access logs (default: combined).")
    var nginxLogFormat: String?

    @Option(name: [.customLong("pg-line-prefix")], help: "PostgreSQL log_line_prefix (default: Debian's '%m [%p] %q%u@%d ').")
    var pgLinePrefix: String?

    @OptionGroup var setup: SetupOptions

    @OptionGroup(title: "Viewer") var viewer: ViewerOptions

    @OptionGroup(title: "Journal") var journal: JournalOptions

    @OptionGroup(title: "Follow") var follow: FollowOptions

    @Flag(name: .long, help: "Show a built-in sample incident (nginx, backend, AI service, PostgreSQL, system log).")
    var demo = false

    @OptionGroup(title: "Remote sources (Loki, journal-gatewayd)") var remote: RemoteOptions

    @Flag(name: [.customLong("list-formats")], help: "List the log formats logview reads.")
    var listFormats = false

    /// Parses a bare journalctl-style `-b` as `-b 0`, then runs as usual.
    static func main() {
        main(BareBootFlag.normalized(Array(CommandLine.arguments.dropFirst())))
    }

    mutating func run() throws {
        if listFormats {
            for f in FormatRegistry.all { Swift.print("\(f.name)\t(source name: \(f.defaultSourceName))") }
            return
        }
        let env = Environment.current
        DescriptorLimit.raise()
        let status = ViewerCommand.wanted(self)
            ? try ViewerCommand(options: self, viewer: viewer, environment: env).run()
            : try PrintCommand(options: self, environment: env).run()
        if status != 0 { throw ExitCode(status) }
    }
}

extension EntryWriter.Style: ExpressibleByArgument {}
