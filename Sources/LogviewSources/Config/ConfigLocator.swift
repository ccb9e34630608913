#if canImport(Glibc)
import Glibc
#endif

/// Finds the config file: `--config FILE`, else `$XDG_CONFIG_HOME/logview/config.toml` (or
/// `~/.config/logview/config.toml`), else `/etc/logview/config.toml`.
public enum ConfigLocator {
    /// The path to read, or nil when there is no config file (which is fine).
    public static func locate(
        explicit: String?, environment: [String: String], systemDirectory: String = "/etc/logview"
    ) -> String? {
        if let explicit { return explicit }
        var candidates: [String] = []
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
            candidates.append(xdg + "/logview/config.toml")
        } else if let home = environment["HOME"], !home.isEmpty {
            candidates.append(home + "/.config/logview/config.toml")
        }
        candidates.append(systemDirectory + "/config.toml")
        return candidates.first { access($0, F_OK) == 0 }
    }
}
