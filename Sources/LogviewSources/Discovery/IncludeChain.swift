/// The files of a configuration being read through its includes: the chain open now and how
/// many were read, with the limits that keep an include loop or a huge tree from running away.
/// Shared by the nginx and PostgreSQL readers, which differ only in their syntax.
struct IncludeChain {
    let maximumDepth: Int
    let maximumFiles: Int
    /// The files being read, the main file first.
    private(set) var open: [String] = []
    private(set) var filesRead = 0

    /// `" (included from LOCATION)"`, or nothing for the main file: the end of a problem line.
    static func via(_ includedFrom: String?) -> String {
        includedFrom.map { " (included from \($0))" } ?? ""
    }

    /// Why `path` may not be read now (it is already open: a loop; the chain is too deep; too
    /// many files were read), as the operator's line; nil when it may.
    func refusal(of path: String, via: String) -> SkippedItem? {
        if open.contains(path) {
            return SkippedItem(what: path, reason: "include loop\(via): already being read, skipped")
        }
        guard open.count < maximumDepth, filesRead < maximumFiles else {
            return SkippedItem(what: path, reason: "includes nest too deep or too many files\(via), skipped")
        }
        return nil
    }

    /// `path` is read from now until `leave()`.
    mutating func enter(_ path: String) {
        open.append(path)
        filesRead += 1
    }

    mutating func leave() { open.removeLast() }
}
