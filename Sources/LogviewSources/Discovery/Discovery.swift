#if canImport(Glibc)
import Glibc
#endif
import LogviewCore

/// Finds a server's logs when no source is named: nginx and PostgreSQL from their
/// configurations, journal units, and other known-format logs under `/var/log`.
///
/// Read-only: discovery reads configuration files and samples logs; the only program it may run
/// is `nginx -T`, and only when asked or when nginx.conf cannot be read directly.
public enum Discovery {
    public struct Options: Sendable {
        public var root: DiscoveryRoot
        /// Supplies journal units; nil while no journal reader is connected (the journal is then
        /// only reported, not opened).
        public var journal: (any JournalUnitLister)?
        /// `nginx -T` instead of reading the files (also the fallback when nginx.conf is unreadable).
        public var preferNginxDump = false
        /// The command printing nginx's configuration; only run for the system root.
        public var nginxDumpCommand = ["/usr/sbin/nginx", "-T"]

        public init(root: DiscoveryRoot = DiscoveryRoot(), journal: (any JournalUnitLister)? = nil) {
            self.root = root
            self.journal = journal
        }
    }

    public struct Report: Equatable, Sendable {
        /// What was read, one line each (`nginx: /etc/nginx/nginx.conf and 3 included files`).
        public var read: [String] = []
        public var sources: [DiscoveredSource] = []
        public var skipped: [SkippedItem] = []
    }

    public static func run(_ options: Options) -> Report {
        var report = Report()
        var claimed = Set<String>()
        let root = options.root
        discoverNginx(options, into: &report, claimed: &claimed)
        discoverPostgres(root, into: &report, claimed: &claimed)
        discoverJournal(options, into: &report)
        let scanned = VarLogScanner.scan("/var/log", root: root, claimed: claimed)
        report.sources += scanned.sources
        report.skipped += scanned.skipped
        // Names must tell sources apart: later duplicates get -2, -3.
        var used: [String: Int] = [:]
        for i in report.sources.indices {
            let name = report.sources[i].name
            let n = used[name, default: 0] + 1
            used[name] = n
            report.sources[i].rename(n > 1 ? "\(name)-\(n)" : name)
        }
        return report
    }

    // MARK: nginx

    static func discoverNginx(_ options: Options, into report: inout Report, claimed: inout Set<String>) {
        let root = options.root
        let main = "/etc/nginx/nginx.conf"
        var conf: NginxConfReader.Result
        var how: String
        let canRunNginx = root.isSystemRoot && access(options.nginxDumpCommand[0], X_OK) == 0
        if options.preferNginxDump, canRunNginx, let dump = NginxDump.run(options.nginxDumpCommand) {
            conf = NginxConfReader.read(dump.mainFile ?? main, files: dump)
            how = "from `\(options.nginxDumpCommand.joined(separator: " "))`"
        } else {
            switch root.kind(main) {
            case .missing:
                report.skipped.append(SkippedItem(what: main, reason: "not found (nginx is not configured here)"))
                return
            default: break
            }
            conf = NginxConfReader.read(main, files: RootFiles(root: root))
            how = "read directly"
            if conf.filesRead.isEmpty, canRunNginx, let dump = NginxDump.run(options.nginxDumpCommand) {
                conf = NginxConfReader.read(dump.mainFile ?? main, files: dump)
                how = "from `\(options.nginxDumpCommand.joined(separator: " "))` (\(main) is unreadable)"
            }
        }
        report.skipped += conf.problems
        guard let first = conf.filesRead.first else { return }
        let others = conf.filesRead.count - 1
        report.read.append("nginx: \(first)" + (others > 0 ? " and \(others) included file\(others == 1 ? "" : "s")" : "") + ", \(how)")

        var seen = Set<String>()
        // Named files first: a `$host` glob then takes only the files no other directive names.
        let accessLogs = conf.accessLogs.filter { !DiscoveryRoot.isGlob($0.path) } + conf.accessLogs.filter { DiscoveryRoot.isGlob($0.path) }
        for log in accessLogs {
            guard seen.insert(log.path).inserted else { continue }
            let definition: NginxConfReader.LogFormatDefinition
            if let d = conf.formats[log.formatName] {
                definition = d
            } else if log.formatName == "combined" {
                definition = .init(name: "combined", directive: NginxConfReader.combinedDirective, isJSON: false, location: "built in")
            } else {
                report.skipped.append(SkippedItem(
                    what: log.path, reason: "access_log at \(log.location) uses log_format '\(log.formatName)', which is not defined"))
                continue
            }
            if !definition.isJSON {
                do { _ = try NginxLogFormat(definition.directive) } catch {
                    report.skipped.append(SkippedItem(
                        what: log.path, reason: "log_format '\(definition.name)' at \(definition.location) does not compile: \(error)"))
                    continue
                }
            }
            for (found, base) in fileSpecs(log.path, root: root, claimed: claimed, into: &report) {
                var spec = found
                claimed.insert(base)
                if definition.isJSON { spec.format = "nginx-json" } else { spec.nginxLogFormat = definition.directive }
                report.sources.append(DiscoveredSource(
                    name: nginxName(base, error: false), argument: .files(spec),
                    format: definition.isJSON ? "nginx-json" : "nginx-access", location: base,
                    reason: "access_log at \(log.location), log_format \(definition.name)"))
            }
        }
        for log in conf.errorLogs {
            guard seen.insert(log.path).inserted else { continue }
            for (found, base) in fileSpecs(log.path, root: root, claimed: claimed, into: &report) {
                var spec = found
                spec.format = "nginx-error"
                claimed.insert(base)
                report.sources.append(DiscoveredSource(
                    name: nginxName(base, error: true), argument: .files(spec), format: "nginx-error",
                    location: base, reason: "error_log at \(log.location)"))
            }
        }
    }

    /// `access.log` -> `nginx`; `error.log` -> `nginx-error`; `shop.access.log` -> `nginx-shop.access`.
    static func nginxName(_ path: String, error: Bool) -> String {
        var stem = Substring(path.split(separator: "/").last ?? "")
        if stem.hasSuffix(".log") { stem = stem.dropLast(4) }
        if stem == "access" && !error { return "nginx" }
        return "nginx-" + String(stem).replacingAll("*", with: "any")
    }

    // MARK: PostgreSQL

    static func discoverPostgres(_ root: DiscoveryRoot, into report: inout Report, claimed: inout Set<String>) {
        let confs = root.glob("/etc/postgresql/*/*/postgresql.conf")
        if confs.isEmpty {
            if root.kind("/etc/postgresql") == .missing {
                report.skipped.append(SkippedItem(what: "/etc/postgresql", reason: "not found (PostgreSQL is not configured here)"))
            } else {
                report.skipped.append(SkippedItem(what: "/etc/postgresql", reason: "no cluster configuration (*/*/postgresql.conf) readable"))
            }
            return
        }
        for conf in confs {
            let parts = conf.split(separator: "/")  // etc postgresql VERSION CLUSTER postgresql.conf
            let version = String(parts[2]), cluster = String(parts[3])
            let name = confs.count == 1 ? "postgresql" : "postgresql-\(version)-\(cluster)"
            let settings = PostgresConfReader.read(conf, root: root)
            report.skipped += settings.problems
            guard !settings.filesRead.isEmpty else { continue }
            let others = settings.filesRead.count - 1
            report.read.append(
                "postgresql \(version)/\(cluster): \(conf)" + (others > 0 ? " and \(others) included file\(others == 1 ? "" : "s")" : ""))
            let prefix = settings.value("log_line_prefix") ?? "%m [%p] "
            let zone = settings.value("log_timezone")
            let collector = ["on", "true", "yes", "1"].contains((settings.value("logging_collector") ?? "off").lowercased())
            let destinations = (settings.value("log_destination") ?? "stderr").lowercased()
                .split(separator: ",").map { $0.trimmingCharacters(in: " \t") }
            let setting = { (key: String) -> String in
                settings.settings[key].map { "\(key) at \($0.location)" } ?? "\(key) default"
            }
            for d in destinations where d == "syslog" || d == "eventlog" {
                report.skipped.append(SkippedItem(what: "postgresql \(version)/\(cluster) \(d)", reason: "logs to \(d): read it from the journal or syslog file"))
            }
            if !collector {
                for d in destinations where d == "csvlog" || d == "jsonlog" {
                    report.skipped.append(SkippedItem(
                        what: "postgresql \(version)/\(cluster) \(d)", reason: "\(d) needs logging_collector = on (it is off)"))
                }
                guard destinations.contains("stderr") else { continue }
                // Debian's pg_ctlcluster sends stderr here when the collector is off.
                let path = "/var/log/postgresql/postgresql-\(version)-\(cluster).log"
                guard let (found, base) = fileSpecs(path, root: root, claimed: claimed, into: &report).first else { continue }
                var spec = found
                claimed.insert(base)
                spec.postgresLinePrefix = prefix
                report.sources.append(DiscoveredSource(
                    name: name, argument: .files(spec), format: "postgresql", location: path,
                    reason: "cluster \(version)/\(cluster), logging_collector off (Debian's stderr log), log_line_prefix '\(prefix)'",
                    zone: zone))
                continue
            }
            let dataDirectory = settings.value("data_directory") ?? "/var/lib/postgresql/\(version)/\(cluster)"
            let logDirectory = DiscoveryRoot.join(dataDirectory, settings.value("log_directory") ?? "log")
            let filename = settings.value("log_filename") ?? "postgresql-%Y-%m-%d_%H%M%S.log"
            let stem = Self.strftimeAsGlob(filename)
            // One destination is enough: the others carry the same events. Prefer structure.
            let preference = [("jsonlog", "postgresql-json", ".json"), ("csvlog", "postgresql-csv", ".csv"), ("stderr", "postgresql", "")]
            let chosen = preference.first { destinations.contains($0.0) }
            for (d, _, _) in preference where destinations.contains(d) && d != chosen?.0 {
                report.skipped.append(SkippedItem(
                    what: "postgresql \(version)/\(cluster) \(d)", reason: "same events as its \(chosen!.0), which is read instead"))
            }
            guard let (destination, format, ext) = chosen else { continue }
            var pattern = stem
            if !ext.isEmpty { pattern = stem.hasSuffix(".log") ? String(stem.dropLast(4)) + ext : stem + ext }
            let glob = DiscoveryRoot.join(logDirectory, pattern)
            switch root.kind(logDirectory) {
            case .directory: break
            case .missing:
                report.skipped.append(SkippedItem(what: logDirectory, reason: "not found (\(setting("log_directory")); the server has not logged yet?)"))
                continue
            case .unreadable(let why):
                report.skipped.append(SkippedItem(
                    what: logDirectory + "/", reason: Discovery.explain(.init(description: why), realPath: root.real(logDirectory))))
                continue
            case .file, .other:
                report.skipped.append(SkippedItem(what: logDirectory, reason: "not a directory (\(setting("log_directory")))"))
                continue
            }
            let matches = root.glob(glob)
            guard !matches.isEmpty else {
                if case .failure(let why) = root.list(logDirectory) {
                    report.skipped.append(SkippedItem(what: logDirectory + "/", reason: Discovery.explain(why, realPath: root.real(logDirectory))))
                } else {
                    report.skipped.append(SkippedItem(what: glob, reason: "no file matches (\(setting("log_filename")))"))
                }
                continue
            }
            var spec = SourceSpec(name: name, path: root.real(glob))
            if format == "postgresql" { spec.postgresLinePrefix = prefix }
            spec.format = format
            for m in matches { claimed.insert(RotatedFileSet.rotation(of: m).base) }
            report.sources.append(DiscoveredSource(
                name: name, argument: .files(spec), format: format, location: glob,
                reason: "cluster \(version)/\(cluster), logging_collector on, log_destination \(destination)"
                    + (format == "postgresql" ? ", log_line_prefix '\(prefix)'" : ""),
                zone: zone))
        }
    }

    /// `postgresql-%Y-%m-%d_%H%M%S.log` -> `postgresql-*-*-*_***.log` collapsed to `postgresql-*-*-*_*.log`.
    static func strftimeAsGlob(_ pattern: String) -> String {
        var out = ""
        var escape = false
        for ch in pattern {
            if escape {
                escape = false
                if ch == "%" {
                    out.append("%")
                } else if !out.hasSuffix("*") {
                    out.append("*")
                }
                continue
            }
            if ch == "%" {
                escape = true
                continue
            }
            out.append(ch)
        }
        return out
    }

    // MARK: journal

    static let housekeepingPrefixes = [
        "systemd-", "user@", "user-runtime-dir@", "session-", "init.scope", "dbus", "cron", "anacron", "rsyslog",
        "snapd", "polkit", "accounts-daemon", "packagekit", "unattended-upgrades", "apt-daily", "man-db",
        "logrotate", "e2scrub", "fstrim", "getty@", "serial-getty@", "networkd-dispatcher", "ModemManager",
        "udisks2", "dpkg-db-backup", "motd-news", "ua-", "console-setup", "keyboard-setup", "kmod-",
    ]

    static func discoverJournal(_ options: Options, into report: inout Report) {
        let root = options.root
        var directories: [String] = []
        for (dir, kind) in [("/var/log/journal", "persistent"), ("/run/log/journal", "volatile")] {
            switch root.kind(dir) {
            case .directory:
                directories.append(dir)
                report.read.append("journal: \(dir) (\(kind))")
            case .unreadable(let why):
                report.skipped.append(SkippedItem(what: dir, reason: why))
            default: break
            }
        }
        guard !directories.isEmpty else { return }
        guard let lister = options.journal else {
            report.skipped.append(SkippedItem(what: "journal", reason: "no journal reader connected yet: units are not listed"))
            return
        }
        let units: [String]
        do {
            units = try lister.unitsThatLogged(inDirectories: root.isSystemRoot ? [] : directories.map(root.real))
        } catch {
            report.skipped.append(SkippedItem(what: "journal", reason: "cannot list units: \(error)"))
            return
        }
        let fileBacked = Set(report.sources.map { $0.name.hasPrefix("nginx") ? "nginx" : $0.name.hasPrefix("postgresql") ? "postgresql" : $0.name })
        let (sources, skipped) = journalSources(units: units, fileBackedServers: fileBacked)
        if root.isSystemRoot { report.sources += sources }
        report.skipped += skipped
        if !root.isSystemRoot {
            for dir in directories {
                report.sources.append(DiscoveredSource(
                    name: "journal", argument: .journal("-dir:\(root.real(dir))"), format: "journal", location: dir,
                    reason: "the journal under the root (units: \(units.filter { $0.hasSuffix(".service") }.count)"
                        + (units.contains("kernel:wireguard") ? "; WireGuard kernel messages as the wireguard source" : "") + ")"))
            }
        }
    }

    /// Journal sources for the units that logged: services, WireGuard and sshd; housekeeping units
    /// and servers whose files were found are skipped with the reason.
    static func journalSources(units: [String], fileBackedServers: Set<String>) -> ([DiscoveredSource], [SkippedItem]) {
        var sources: [DiscoveredSource] = []
        var skipped: [SkippedItem] = []
        for unit in units.sorted() {
            if unit == "kernel" {
                skipped.append(SkippedItem(what: "journal kernel messages", reason: "not opened by default (name journal-kernel to read them)"))
                continue
            }
            if unit.hasPrefix("kernel:") {
                let module = String(unit.dropFirst("kernel:".count))
                sources.append(DiscoveredSource(
                    name: module, argument: .journal("-kernel:\(module)"), format: "journal", location: "kernel \(module): messages",
                    reason: module == "wireguard" ? "WireGuard kernel messages in the journal" : "kernel messages of \(module)"))
                continue
            }
            guard unit.hasSuffix(".service") else { continue }
            let stem = String(unit.dropLast(".service".count))
            if housekeepingPrefixes.contains(where: { unit.hasPrefix($0) }) {
                skipped.append(SkippedItem(what: "journal \(unit)", reason: "system housekeeping unit"))
                continue
            }
            let server = stem.hasPrefix("postgresql") ? "postgresql" : stem
            if server == "nginx" || server == "postgresql", fileBackedServers.contains(server) {
                skipped.append(SkippedItem(what: "journal \(unit)", reason: "its logs are the \(server) files found above"))
                continue
            }
            let why = stem.hasPrefix("wg-quick@") ? "WireGuard interface unit that logged recently"
                : (stem == "ssh" || stem == "sshd") ? "SSH server unit that logged recently" : "service unit that logged recently"
            sources.append(DiscoveredSource(name: stem, argument: .journal(":\(unit)"), format: "journal", location: unit, reason: why))
        }
        return (sources, skipped)
    }

    // MARK: files

    /// Source specs for a log path and its rotations (one per rotated set when the path is a
    /// glob, such as a `$host` log), or none (noted) when nothing is there or it cannot be read.
    /// Each comes with its set's base, which other scanners must not claim again.
    static func fileSpecs(_ systemPath: String, root: DiscoveryRoot, claimed: Set<String>, into report: inout Report)
        -> [(SourceSpec, String)]
    {
        let isGlob = DiscoveryRoot.isGlob(systemPath)
        let members = root.glob(isGlob ? systemPath + "*" : systemPath + "*").filter {
            let base = RotatedFileSet.rotation(of: $0).base
            return isGlob ? !claimed.contains(base) && fnmatch(systemPath, base, FNM_PATHNAME) == 0 : base == systemPath
        }
        guard !members.isEmpty else {
            let directory = DiscoveryRoot.directory(of: systemPath)
            if case .failure(let why) = root.list(directory) {
                report.skipped.append(SkippedItem(what: systemPath, reason: explain(why, realPath: root.real(directory))))
            } else {
                report.skipped.append(SkippedItem(what: systemPath, reason: "not found (nothing logged there yet?)"))
            }
            return []
        }
        var out: [(SourceSpec, String)] = []
        for set in RotatedFileSet.group(members) {
            let live = set.paths.last!
            if case .failure(let why) = root.read(live, limit: 1) {
                report.skipped.append(SkippedItem(what: live, reason: explain(why, realPath: root.real(live))))
                continue
            }
            out.append((SourceSpec(path: loadPath(set, root: root)), set.base))
        }
        return out
    }

    /// The path the loader opens for a rotated set: the file, or a glob of the set.
    static func loadPath(_ set: RotatedFileSet, root: DiscoveryRoot) -> String {
        set.paths.count == 1 ? root.real(set.paths[0]) : root.real(set.base) + "*"
    }

    /// A read problem with the group hint the loader also gives (`its group is 'adm' ...`).
    static func explain(_ why: DiscoveryRoot.ReadProblem, realPath: String) -> String {
        guard why.description == "permission denied" else { return why.description }
        if let group = FileReader.groupName(of: realPath) {
            return "permission denied (its group is '\(group)': add yourself with 'sudo usermod -aG \(group) $USER' and log in again, or run with sudo)"
        }
        return "permission denied (run with sudo, or ask for read access)"
    }
}

extension DiscoveredSource {
    mutating func rename(_ newName: String) {
        name = newName
        if case .files(var spec) = argument {
            spec.name = newName
            argument = .files(spec)
        }
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var s = self
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
