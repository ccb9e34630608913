/// Which journal to read and which of its entries: parsed from `journal`, `journal:UNIT`,
/// `journal-dir:PATH`, `journal-file:PATH`, `journal-kernel[:MODULE]` arguments plus `-u/--unit`
/// and `-b/--boot`.
public struct JournalSpec: Equatable, Sendable {
    /// Where the journal files are.
    public enum Location: Equatable, Sendable {
        /// This machine's journal (`/var/log/journal`, `/run/log/journal`).
        case local
        /// Every journal file in a directory (copied off another machine).
        case directory(String)
        /// These journal files (paths or globs), read as one journal.
        case files([String])
    }

    public var location: Location
    /// Full unit names (`backend.service`); empty: every unit.
    public var units: [String] = []
    /// `SYSLOG_IDENTIFIER` values (`-t`); empty: every identifier.
    public var identifiers: [String] = []
    /// Kernel sources asked for beside the units: `kernel` (every kernel message, `journal-kernel`)
    /// or a module with a source of its own (`wireguard`, `journal-kernel:wireguard`).
    public var kernelSources: [String] = []
    /// `-b`: nil for all boots, else a boot id (32 hex digits) or an offset (0 = the last boot,
    /// -1 the one before, 1 the first).
    public var boot: String?

    public init(location: Location, units: [String] = [], identifiers: [String] = [], kernelSources: [String] = [],
        boot: String? = nil)
    {
        self.location = location
        self.units = units
        self.identifiers = identifiers
        self.kernelSources = kernelSources
        self.boot = boot
    }

    /// The kernel sources to keep when only some were asked for (units or kernel sources named);
    /// nil: every entry the matches let through.
    var keptKernelSources: Set<String>? {
        kernelSources.isEmpty ? nil : Set(kernelSources)
    }

    /// Kernel sources the journal can split off (see `JournalCollector`), and `kernel` for all.
    public static let kernelSourceNames = ["kernel", "wireguard"]

    /// What the operator wrote, for messages: `journal`, `journal:backend.service`, `journal-dir:/x`.
    public var label: String {
        switch location {
        case .local:
            units.isEmpty && kernelSources.isEmpty
                ? "journal" : "journal:" + (units + kernelSources.map { "kernel:" + $0 }).joined(separator: ",")
        case .directory(let path): "journal-dir:" + path
        case .files(let paths): "journal-file:" + paths.joined(separator: ",")
        }
    }

    /// A unit as journalctl's `-u` takes it: a name without a type suffix means a service.
    public static func unitName(_ name: String) -> String {
        let types = [".service", ".socket", ".timer", ".target", ".mount", ".scope", ".slice", ".path", ".swap", ".device", ".automount"]
        return types.contains { name.hasSuffix($0) } ? name : name + ".service"
    }

    /// Combines the `SourceArgument.journal` texts (what follows `journal`) with `-u` units, `-t`
    /// identifiers and `-b` into the journals to open: all `journal[:UNIT]` arguments share one local journal,
    /// all `journal-file:` arguments one reader, each `journal-dir:` its own. `-u` units apply to
    /// every journal (so do `-t` identifiers and `journal-kernel` sources); with `-u`, `-t` or
    /// `journal-kernel` and no journal argument, the local journal is read.
    public static func combine(
        _ rests: [String], units extraUnits: [String], identifiers: [String] = [], boot: String?
    ) throws(ParseError) -> [JournalSpec] {
        var localUnits: [String]? = nil
        var localUnitsAll = false
        var directories: [String] = []
        var files: [String] = []
        var kernelSources: [String] = []
        for rest in rests {
            if rest == "-kernel" || rest.hasPrefix("-kernel:") {
                let name = rest == "-kernel" ? "kernel" : String(rest.dropFirst("-kernel:".count))
                guard kernelSourceNames.contains(name) else {
                    throw ParseError(argument: "journal" + rest,
                        problem: "use journal-kernel (every kernel message) or "
                            + kernelSourceNames.dropFirst().map { "journal-kernel:" + $0 }.joined(separator: ", "))
                }
                kernelSources.append(name)
            } else if rest.isEmpty {
                localUnits = localUnits ?? []
                localUnitsAll = true
            } else if rest.hasPrefix(":") {
                let units = rest.dropFirst().split(separator: ",").map { unitName(String($0)) }
                guard !units.isEmpty else { throw ParseError(argument: "journal" + rest, problem: "name a unit after 'journal:', e.g. journal:backend.service") }
                localUnits = (localUnits ?? []) + units
            } else if rest.hasPrefix("-dir:") {
                let path = String(rest.dropFirst("-dir:".count))
                guard !path.isEmpty else { throw ParseError(argument: "journal" + rest, problem: "name a directory after 'journal-dir:'") }
                directories.append(path)
            } else if rest.hasPrefix("-file:") {
                let path = String(rest.dropFirst("-file:".count))
                guard !path.isEmpty else { throw ParseError(argument: "journal" + rest, problem: "name a file after 'journal-file:'") }
                files.append(path)
            } else {
                throw ParseError(argument: "journal" + rest, problem: "use journal, journal:UNIT, journal-dir:PATH or journal-file:PATH")
            }
        }
        let units = extraUnits.map(unitName)
        if localUnits == nil && directories.isEmpty && files.isEmpty && !(units.isEmpty && identifiers.isEmpty && kernelSources.isEmpty) {
            localUnits = []
        }
        kernelSources = unique(kernelSources)
        let identifiers = unique(identifiers)
        var specs: [JournalSpec] = []
        if let localUnits {
            // A bare `journal` next to `journal:UNIT` means every unit (still narrowed by `-u`).
            let all = localUnitsAll && units.isEmpty
            specs.append(JournalSpec(location: .local, units: unique(localUnitsAll ? units : localUnits + units),
                identifiers: identifiers, kernelSources: all ? [] : kernelSources, boot: boot))
        }
        for d in directories {
            specs.append(JournalSpec(location: .directory(d), units: unique(units), identifiers: identifiers, kernelSources: kernelSources, boot: boot))
        }
        if !files.isEmpty {
            specs.append(JournalSpec(location: .files(files), units: unique(units), identifiers: identifiers, kernelSources: kernelSources, boot: boot))
        }
        return specs
    }

    private static func unique(_ xs: [String]) -> [String] {
        var seen = Set<String>()
        return xs.filter { seen.insert($0).inserted }
    }

    /// A journal argument that does not parse.
    public struct ParseError: Swift.Error, CustomStringConvertible, Equatable {
        public var argument: String
        public var problem: String
        public var description: String { "\(argument): \(problem)" }
        public init(argument: String, problem: String) {
            self.argument = argument
            self.problem = problem
        }
    }
}
