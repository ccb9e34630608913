/// What one SOURCE argument on the command line (or in the config) names.
///
/// The prefix decides: `journal`, `journal:UNIT`, `journal-dir:PATH`, `journal-file:PATH`,
/// `journal-kernel[:MODULE]`,
/// `loki:SELECTOR`, `gatewayd+http(s)://HOST:PORT`; anything else is `[NAME=]PATH` (file,
/// directory or glob). Each kind is loaded by its own loader.
public enum SourceArgument: Equatable, Sendable {
    case files(SourceSpec)
    /// The text after `journal` (empty for the whole local journal, `:UNIT`, `-dir:PATH`, `-file:PATH`,
    /// `-kernel`, `-kernel:MODULE`).
    case journal(String)
    /// A LogQL stream selector with optional line filters.
    case loki(String)
    /// A journal-gatewayd URL with the `gatewayd+` prefix removed.
    case gatewayd(String)

    public init(parsing text: String) {
        if text == "journal" || text.hasPrefix("journal:") || text.hasPrefix("journal-dir:")
            || text.hasPrefix("journal-file:") || text == "journal-kernel" || text.hasPrefix("journal-kernel:")
        {
            self = .journal(String(text.dropFirst("journal".count)))
        } else if text.hasPrefix("loki:") {
            self = .loki(String(text.dropFirst("loki:".count)))
        } else if text.hasPrefix("gatewayd+http://") || text.hasPrefix("gatewayd+https://") {
            self = .gatewayd(String(text.dropFirst("gatewayd+".count)))
        } else {
            self = .files(SourceSpec(parsing: text))
        }
    }
}
