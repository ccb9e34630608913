extension Discovery.Report {
    /// `--show-sources`: what was read, found (name, format, where, why) and skipped (why).
    public func text(root: DiscoveryRoot) -> String {
        var out = ""
        if !root.isSystemRoot { out += "Root: \(root.prefix)\n" }
        out += "Read:\n"
        out += read.isEmpty ? "  nothing\n" : read.map { "  \($0)\n" }.joined()
        out += "Sources:\n"
        if sources.isEmpty {
            out += "  none found\n"
        } else {
            let nameWidth = sources.map(\.name.count).max()!
            let formatWidth = sources.map(\.format.count).max()!
            for s in sources {
                out += "  " + s.name.padded(to: nameWidth) + "  " + s.format.padded(to: formatWidth) + "  " + s.location
                out += "  (" + s.reason + (s.zone.map { ", log_timezone \($0)" } ?? "") + ")\n"
            }
        }
        out += "Skipped:\n"
        out += skipped.isEmpty ? "  nothing\n" : skipped.map { "  \($0.what): \($0.reason)\n" }.joined()
        return out
    }
}

extension String {
    func padded(to width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
