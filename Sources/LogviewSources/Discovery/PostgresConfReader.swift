/// Reads a PostgreSQL cluster's configuration (`postgresql.conf` and what it includes, such as
/// Debian's `conf.d`) for the settings that say where and how the server logs.
///
/// Later settings override earlier ones, as in PostgreSQL. A line that cannot be understood is
/// noted and skipped; nothing is executed.
public struct PostgresConfReader {
    public struct Setting: Equatable, Sendable {
        public var value: String
        /// `file:line` of the setting that won.
        public var location: String
    }

    public struct Result: Equatable, Sendable {
        public var filesRead: [String] = []
        /// Lower-cased setting names.
        public var settings: [String: Setting] = [:]
        public var problems: [SkippedItem] = []

        public func value(_ name: String) -> String? { settings[name]?.value }
    }

    static let maximumFiles = 256
    static let maximumDepth = 10

    let root: DiscoveryRoot
    var result = Result()
    var includes = IncludeChain(maximumDepth: PostgresConfReader.maximumDepth, maximumFiles: PostgresConfReader.maximumFiles)

    public static func read(_ mainFile: String, root: DiscoveryRoot) -> Result {
        var reader = PostgresConfReader(root: root)
        reader.readFile(mainFile, includedFrom: nil, mustExist: true)
        return reader.result
    }

    init(root: DiscoveryRoot) { self.root = root }

    mutating func readFile(_ path: String, includedFrom: String?, mustExist: Bool) {
        let via = IncludeChain.via(includedFrom)
        if let refusal = includes.refusal(of: path, via: via) {
            result.problems.append(refusal)
            return
        }
        let bytes: [UInt8]
        switch root.read(path, limit: 1 << 20) {
        case .success(let b): bytes = b
        case .failure(let why):
            if mustExist || why.description != "no such file" {
                result.problems.append(SkippedItem(what: path, reason: "cannot read: \(why)\(via)"))
            }
            return
        }
        result.filesRead.append(path)
        includes.enter(path)
        defer { includes.leave() }
        let directory = DiscoveryRoot.directory(of: path)
        for (n, rawLine) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            let location = "\(path):\(n + 1)"
            guard let (name, value) = Self.parseLine(Array(rawLine)) else {
                result.problems.append(SkippedItem(what: location, reason: "cannot understand this line, skipped"))
                continue
            }
            guard !name.isEmpty else { continue }
            switch name {
            case "include":
                readFile(DiscoveryRoot.join(directory, value), includedFrom: location, mustExist: true)
            case "include_if_exists":
                readFile(DiscoveryRoot.join(directory, value), includedFrom: location, mustExist: false)
            case "include_dir":
                let dir = DiscoveryRoot.join(directory, value)
                switch root.list(dir) {
                case .success(let names):
                    for f in names where f.hasSuffix(".conf") && !f.hasPrefix(".") {
                        readFile(DiscoveryRoot.join(dir, f), includedFrom: location, mustExist: true)
                    }
                case .failure(let why):
                    result.problems.append(SkippedItem(what: dir, reason: "cannot list: \(why) (included from \(location))"))
                }
            default:
                result.settings[name] = Setting(value: value, location: location)
            }
        }
    }

    /// `name = value # comment`, `name value`, `name = 'quoted ''value'''`. Returns ("", "") for a
    /// blank or comment line, nil for a line that is not a setting.
    static func parseLine(_ line: [UInt8]) -> (String, String)? {
        var i = 0
        func skipBlanks() { while i < line.count, line[i] == 0x20 || line[i] == 0x09 || line[i] == 0x0D { i += 1 } }
        skipBlanks()
        if i == line.count || line[i] == 0x23 { return ("", "") }
        let nameStart = i
        while i < line.count, isNameByte(line[i]) { i += 1 }
        guard i > nameStart else { return nil }
        let name = String(decoding: line[nameStart..<i], as: UTF8.self).lowercased()
        skipBlanks()
        if i < line.count, line[i] == 0x3D {
            i += 1
            skipBlanks()
        }
        var value: [UInt8] = []
        if i < line.count, line[i] == 0x27 {
            i += 1
            var closed = false
            while i < line.count {
                let c = line[i]
                if c == 0x27 {
                    if i + 1 < line.count, line[i + 1] == 0x27 {
                        value.append(0x27)
                        i += 2
                        continue
                    }
                    closed = true
                    i += 1
                    break
                }
                if c == 0x5C, i + 1 < line.count {
                    value.append(line[i + 1])
                    i += 2
                    continue
                }
                value.append(c)
                i += 1
            }
            guard closed else { return nil }
        } else {
            while i < line.count, line[i] != 0x20, line[i] != 0x09, line[i] != 0x23, line[i] != 0x0D {
                value.append(line[i])
                i += 1
            }
            guard !value.isEmpty else { return nil }
        }
        skipBlanks()
        guard i == line.count || line[i] == 0x23 else { return nil }
        return (name, String(decoding: value, as: UTF8.self))
    }

    static func isNameByte(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x5F || c == 0x2E
    }
}
