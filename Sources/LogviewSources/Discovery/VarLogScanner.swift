import LogviewCore

/// Finds logs under `/var/log` that no server configuration named, by sampling each rotated set
/// with the format detector. Binary files and sets without a known format are skipped with a reason.
enum VarLogScanner {
    static let binaryNames: Set<String> = ["wtmp", "btmp", "lastlog", "faillog", "utmp", "wtmp.db"]
    static let sampleBytes = 64 * 1024
    static let maximumDepth = 3

    struct Found {
        var sources: [DiscoveredSource] = []
        var skipped: [SkippedItem] = []
    }

    /// `claimed`: rotated-set bases already read through a server's configuration.
    static func scan(_ directory: String, root: DiscoveryRoot, claimed: Set<String>) -> Found {
        var found = Found()
        var files: [String] = []
        guard root.kind(directory) != .missing else {
            found.skipped.append(SkippedItem(what: directory, reason: "not found"))
            return found
        }
        collect(directory, root: root, depth: 0, files: &files, found: &found)
        for set in RotatedFileSet.group(files) {
            if claimed.contains(set.base) { continue }
            examine(set, root: root, found: &found)
        }
        return found
    }

    static func collect(_ dir: String, root: DiscoveryRoot, depth: Int, files: inout [String], found: inout Found) {
        let names: [String]
        switch root.list(dir) {
        case .success(let n): names = n
        case .failure(let why):
            found.skipped.append(SkippedItem(what: dir + "/", reason: "cannot list: \(why)"))
            return
        }
        for name in names where !name.hasPrefix(".") {
            let path = DiscoveryRoot.join(dir, name)
            switch root.kind(path) {
            case .directory:
                if path == "/var/log/journal" { continue }  // the journal is reported on its own
                if depth + 1 >= maximumDepth {
                    found.skipped.append(SkippedItem(what: path + "/", reason: "deeper than \(maximumDepth) levels, not scanned"))
                } else {
                    collect(path, root: root, depth: depth + 1, files: &files, found: &found)
                }
            case .file:
                if binaryNames.contains(name) || name.hasSuffix(".journal") || name.hasSuffix(".journal~") {
                    found.skipped.append(SkippedItem(what: path, reason: "binary file (not a text log)"))
                } else {
                    files.append(path)
                }
            case .unreadable(let why):
                found.skipped.append(SkippedItem(what: path, reason: why))
            case .missing, .other:
                continue
            }
        }
    }

    static func examine(_ set: RotatedFileSet, root: DiscoveryRoot, found: inout Found) {
        let plain = set.paths.filter { !$0.hasSuffix(".gz") && !$0.hasSuffix(".xz") && !$0.hasSuffix(".zst") }
        guard let sample = plain.last(where: { (root.size($0) ?? 0) > 0 }) else {
            let reason = plain.isEmpty ? "only compressed rotations, no current log" : "empty"
            found.skipped.append(SkippedItem(what: set.base, reason: reason))
            return
        }
        let bytes: [UInt8]
        switch root.read(sample, limit: sampleBytes) {
        case .success(let b): bytes = b
        case .failure(let why):
            found.skipped.append(SkippedItem(what: sample, reason: Discovery.explain(why, realPath: root.real(sample))))
            return
        }
        if bytes.prefix(4096).contains(0) {
            found.skipped.append(SkippedItem(what: set.base, reason: "binary file (not a text log)"))
            return
        }
        let options = FormatOptions(zone: .utc, referenceTime: Timestamp(seconds: 0))
        let detected = bytes.withUnsafeBytes { FormatDetector.detect($0, among: FormatRegistry.candidates(for: options)) }
        guard let (best, starts) = detected, best.format.name != FormatDetector.fallbackName else {
            found.skipped.append(SkippedItem(what: set.base, reason: "no known log format in its first lines"))
            return
        }
        let lines = bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        let sampled = min(lines, FormatDetector.sampleLines)
        found.sources.append(DiscoveredSource(
            name: SourceLoader.defaultName(set.base, best.format),
            argument: .files(SourceSpec(path: Discovery.loadPath(set, root: root))),
            format: best.format.name, location: set.base,
            reason: "found in /var/log: \(starts) of \(sampled) sampled lines read as \(best.format.name)"))
    }
}
