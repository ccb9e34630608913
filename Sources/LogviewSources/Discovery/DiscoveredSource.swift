/// A log source discovery found: what to open, and why logview thinks it is there.
public struct DiscoveredSource: Equatable, Sendable {
    public var name: String
    /// What to open (a file source carries its per-source settings, e.g. the nginx log_format).
    public var argument: SourceArgument
    /// The format the source is expected in (`nginx-access`, `postgresql-csv`, `journal`...).
    public var format: String
    /// The system path (or glob, or unit) as a person would look for it.
    public var location: String
    /// Why: the directive or setting that points there.
    public var reason: String
    /// Zone of the source's naive timestamps, when the configuration says (PostgreSQL `log_timezone`).
    public var zone: String? = nil

    public init(name: String, argument: SourceArgument, format: String, location: String, reason: String, zone: String? = nil) {
        self.name = name
        self.argument = argument
        self.format = format
        self.location = location
        self.reason = reason
        self.zone = zone
    }
}

/// Something discovery looked at and did not use, with the reason.
public struct SkippedItem: Equatable, Sendable, CustomStringConvertible {
    public var what: String
    public var reason: String
    public var description: String { "\(what): \(reason)" }

    public init(what: String, reason: String) {
        self.what = what
        self.reason = reason
    }
}

/// Lists the systemd units that logged recently, for journal sources.
///
/// Discovery does not read the journal itself; the journal reader supplies this.
public protocol JournalUnitLister: Sendable {
    /// Units with entries in the journal (`directories` empty: the system's journal), e.g.
    /// `backend.service`, `wg-quick@wg0.service`. `kernel` stands for kernel messages and
    /// `kernel:wireguard` for those of a module with a source of its own (`wireguard: ...` lines).
    func unitsThatLogged(inDirectories directories: [String]) throws -> [String]
}

/// A `JournalUnitLister` from a closure.
public struct ClosureJournalUnitLister: JournalUnitLister {
    let body: @Sendable ([String]) throws -> [String]
    public init(_ body: @escaping @Sendable ([String]) throws -> [String]) { self.body = body }
    public func unitsThatLogged(inDirectories directories: [String]) throws -> [String] { try body(directories) }
}
