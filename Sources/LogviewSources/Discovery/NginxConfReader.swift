import LogviewCore

/// Reads an nginx configuration (the main file and everything it includes) for the logs it
/// writes: every `access_log` with its `log_format`, every `error_log`.
///
/// Tolerant by design: a broken file (unterminated quote, include loop, unreadable include) is
/// noted and skipped, and reading goes on with the rest. Nothing is executed.
public struct NginxConfReader {
    /// Where conf files come from: the filesystem under a root, or an `nginx -T` dump.
    public protocol Files {
        func read(_ path: String) -> Swift.Result<[UInt8], DiscoveryRoot.ReadProblem>
        /// Paths matching an include pattern, sorted.
        func expand(_ pattern: String) -> [String]
    }

    public struct LogFormatDefinition: Equatable, Sendable {
        public var name: String
        /// The directive re-quoted (`log_format NAME [escape=..] '...';`), as the compiler accepts it.
        public var directive: String
        public var isJSON: Bool
        public var location: String
    }

    public struct AccessLog: Equatable, Sendable {
        /// A system path; `$variables` in the configured path are `*` here.
        public var path: String
        public var formatName: String
        public var location: String
    }

    public struct ErrorLog: Equatable, Sendable {
        public var path: String
        public var location: String
    }

    public struct Result: Equatable, Sendable {
        public var filesRead: [String] = []
        public var formats: [String: LogFormatDefinition] = [:]
        public var accessLogs: [AccessLog] = []
        public var errorLogs: [ErrorLog] = []
        /// What could not be read or understood, one line each.
        public var problems: [SkippedItem] = []
    }

    /// nginx's compiled-in `combined` format.
    public static let combinedDirective = "log_format combined '\(NginxLogFormat.combinedText)';"
    static let maximumFiles = 512
    static let maximumDepth = 16

    let files: any Files
    var result = Result()
    var includes = IncludeChain(maximumDepth: NginxConfReader.maximumDepth, maximumFiles: NginxConfReader.maximumFiles)

    public init(files: any Files) { self.files = files }

    /// Reads `mainFile` and its includes.
    public static func read(_ mainFile: String, files: any Files) -> Result {
        var reader = NginxConfReader(files: files)
        reader.readFile(mainFile, includedFrom: nil)
        return reader.result
    }

    mutating func readFile(_ path: String, includedFrom: String?) {
        let via = IncludeChain.via(includedFrom)
        if let refusal = includes.refusal(of: path, via: via) {
            result.problems.append(refusal)
            return
        }
        let bytes: [UInt8]
        switch files.read(path) {
        case .success(let b): bytes = b
        case .failure(let why):
            result.problems.append(SkippedItem(what: path, reason: "cannot read: \(why)\(via)"))
            return
        }
        result.filesRead.append(path)
        includes.enter(path)
        defer { includes.leave() }
        var tokens = NginxConfTokenizer(bytes)
        var words: [String] = []
        var firstLine = 0
        while true {
            let token: NginxConfTokenizer.Token
            do {
                guard let t = try tokens.next() else { break }
                token = t
            } catch {
                result.problems.append(SkippedItem(what: "\(path):\(error.line)", reason: "\(error.message); the rest of this file is skipped"))
                break
            }
            switch token.kind {
            case .word:
                if words.isEmpty { firstLine = token.line }
                words.append(token.text)
            case .end:
                if !words.isEmpty { directive(words, at: "\(path):\(firstLine)", file: path) }
                words = []
            case .blockStart, .blockEnd:
                words = []
            }
        }
    }

    mutating func directive(_ words: [String], at location: String, file: String) {
        switch words[0] {
        case "include" where words.count == 2:
            let pattern = DiscoveryRoot.join(DiscoveryRoot.directory(of: includes.open.first ?? file), words[1])
            let matches = files.expand(pattern)
            if matches.isEmpty && !DiscoveryRoot.isGlob(pattern) {
                result.problems.append(SkippedItem(what: pattern, reason: "cannot read: no such file (included from \(location))"))
            }
            for m in matches { readFile(m, includedFrom: location) }
        case "log_format" where words.count >= 3:
            var pieces = words.dropFirst(2)
            var escape: String? = nil
            if let first = pieces.first, first.hasPrefix("escape=") {
                escape = String(first.dropFirst("escape=".count))
                pieces = pieces.dropFirst()
            }
            let quoted = pieces.map { "'" + $0.replacingAll("\\", with: "\\\\").replacingAll("'", with: "\\'") + "'" }
            let directive = "log_format \(words[1]) " + (escape.map { "escape=\($0) " } ?? "") + quoted.joined(separator: " ") + ";"
            result.formats[words[1]] = LogFormatDefinition(
                name: words[1], directive: directive, isJSON: escape == "json", location: location)
        case "access_log" where words.count >= 2:
            let target = words[1]
            if target == "off" { return }
            var format = "combined"
            if words.count >= 3, !words[2].contains("=") { format = words[2] }
            guard let path = logPath(target, at: location) else { return }
            result.accessLogs.append(AccessLog(path: path, formatName: format, location: location))
        case "error_log" where words.count >= 2:
            guard let path = logPath(words[1], at: location) else { return }
            result.errorLogs.append(ErrorLog(path: path, location: location))
        default:
            break
        }
    }

    /// A file path for a log target, or nil (noted) for targets that are not files.
    mutating func logPath(_ target: String, at location: String) -> String? {
        if target.hasPrefix("syslog:") {
            result.problems.append(SkippedItem(what: location, reason: "logs to syslog (\(target)): read it from the journal or syslog file"))
            return nil
        }
        if target == "stderr" || target.hasPrefix("memory:") || target.hasPrefix("/dev/") {
            result.problems.append(SkippedItem(what: location, reason: "logs to \(target), not to a file"))
            return nil
        }
        // nginx resolves relative log paths against its prefix; Debian's is /usr/share/nginx.
        let absolute = DiscoveryRoot.join("/usr/share/nginx", target)
        guard absolute.contains("$") else { return absolute }
        return Self.variablesAsGlob(absolute)
    }

    /// `/var/log/nginx/$host.access.log` -> `/var/log/nginx/*.access.log`.
    static func variablesAsGlob(_ path: String) -> String {
        var out = ""
        var inVariable = false
        var braced = false
        for ch in path {
            if inVariable {
                if braced {
                    if ch == "}" { inVariable = false }
                    continue
                }
                if ch == "{" && out.hasSuffix("*") {
                    braced = true
                    continue
                }
                if ch.isLetter || ch.isNumber || ch == "_" { continue }
                inVariable = false
            }
            if ch == "$" {
                inVariable = true
                braced = false
                if !out.hasSuffix("*") { out.append("*") }
                continue
            }
            out.append(ch)
        }
        return out
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let r = rest.firstRange(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}

/// Splits nginx.conf text into words (quotes and escapes undone), `;`, `{` and `}`.
struct NginxConfTokenizer {
    struct Token {
        enum Kind { case word, end, blockStart, blockEnd }
        var kind: Kind
        var text: String
        var line: Int
    }

    struct Error: Swift.Error {
        var line: Int
        var message: String
    }

    let b: [UInt8]
    var i = 0
    var line = 1

    init(_ bytes: [UInt8]) { b = bytes }

    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }

    mutating func next() throws(Error) -> Token? {
        while i < b.count {
            let c = b[i]
            if c == 0x0A { line += 1 }
            if Self.isSpace(c) {
                i += 1
                continue
            }
            if c == 0x23 {  // comment to the end of the line
                while i < b.count, b[i] != 0x0A { i += 1 }
                continue
            }
            let at = line
            switch c {
            case 0x3B:
                i += 1
                return Token(kind: .end, text: ";", line: at)
            case 0x7B:
                i += 1
                return Token(kind: .blockStart, text: "{", line: at)
            case 0x7D:
                i += 1
                return Token(kind: .blockEnd, text: "}", line: at)
            case 0x22, 0x27:
                return Token(kind: .word, text: try quoted(c), line: at)
            default:
                var word: [UInt8] = []
                while i < b.count {
                    let d = b[i]
                    if Self.isSpace(d) || d == 0x3B || d == 0x7B || d == 0x7D { break }
                    // `${var}` keeps its braces inside a word.
                    if d == 0x24, i + 1 < b.count, b[i + 1] == 0x7B {
                        while i < b.count, b[i] != 0x7D, b[i] != 0x0A {
                            word.append(b[i])
                            i += 1
                        }
                        continue
                    }
                    if d == 0x5C, i + 1 < b.count {
                        word.append(b[i + 1])
                        i += 2
                        continue
                    }
                    word.append(d)
                    i += 1
                }
                return Token(kind: .word, text: String(decoding: word, as: UTF8.self), line: at)
            }
        }
        return nil
    }

    mutating func quoted(_ quote: UInt8) throws(Error) -> String {
        let opening = line
        i += 1
        var out: [UInt8] = []
        while i < b.count {
            let c = b[i]
            if c == quote {
                i += 1
                return String(decoding: out, as: UTF8.self)
            }
            if c == 0x0A { line += 1 }
            if c == 0x5C, i + 1 < b.count {
                let n = b[i + 1]
                switch n {
                case 0x22, 0x27, 0x5C: out.append(n)
                case 0x74: out.append(0x09)
                case 0x72: out.append(0x0D)
                case 0x6E: out.append(0x0A)
                default: out.append(contentsOf: [c, n])
                }
                if n == 0x0A { line += 1 }
                i += 2
                continue
            }
            out.append(c)
            i += 1
        }
        throw Error(line: opening, message: "unterminated \(quote == 0x22 ? "double" : "single") quote")
    }
}
