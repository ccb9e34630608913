/// A compiled nginx `log_format`: the literal text and the variables of one access-log line shape.
///
/// Compiling follows nginx's own rules: `$name` and `${name}` are variables (names are letters,
/// digits and `_`), everything else is literal text. The format may be given as nginx writes it in
/// `nginx.conf` (quoted pieces, optionally the whole `log_format name ...;` directive); the quoting
/// is removed first (see `NginxLogFormat+ConfSyntax.swift`). Compiling allocates; it runs once per
/// source.
public struct NginxLogFormat: Sendable, Equatable {
    /// One piece of a format: literal bytes or a variable.
    public enum Piece: Sendable, Equatable {
        /// Text nginx copies into every line as is.
        case literal([UInt8])
        /// A variable, named as written without `$` or braces (`request_id`).
        case variable(String)
    }

    /// nginx's predefined `combined` format, used when a source configures none.
    public static let combinedText =
        #"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent""#

    /// The compiled `combined` format.
    public static let combined: NginxLogFormat = {
        // A constant known to compile; a failure here is a bug in this file, caught by the tests.
        guard let format = try? NginxLogFormat(combinedText) else { fatalError("combined format must compile") }
        return format
    }()

    /// The format's pieces in order; adjacent literal text is merged into one piece.
    public let pieces: [Piece]

    /// The variable names in order of appearance (a name used twice appears twice).
    public var variableNames: [String] {
        pieces.compactMap { if case .variable(let name) = $0 { name } else { nil } }
    }

    /// Compiles a format string as written in `log_format` (raw, or quoted as in nginx.conf).
    /// - Throws: `NginxLogFormat.Error` describing what is wrong, for the operator.
    public init(_ format: String) throws(Error) {
        let text = try NginxLogFormat.unquotedFormatText(format)
        pieces = try NginxLogFormat.compilePieces(text)
        let hasTime = pieces.contains {
            if case .variable(let name) = $0 { NginxVariableRole(name: name).isTime } else { false }
        }
        guard hasTime else { throw .noTimeVariable }
    }

    private static func compilePieces(_ text: [UInt8]) throws(Error) -> [Piece] {
        var pieces: [Piece] = []
        var literal: [UInt8] = []
        var i = 0
        while i < text.count {
            guard text[i] == 0x24 else {  // not '$'
                literal.append(text[i])
                i += 1
                continue
            }
            let name: ArraySlice<UInt8>
            if i + 1 < text.count, text[i + 1] == 0x7B {  // "${name}"
                guard let close = text[(i + 2)...].firstIndex(of: 0x7D) else {
                    throw .unclosedBrace(near: excerpt(text, from: i))
                }
                name = text[(i + 2)..<close]
                guard !name.isEmpty, name.allSatisfy(isNameByte) else {
                    throw .invalidVariableName(near: excerpt(text, from: i))
                }
                i = close + 1
            } else {
                var j = i + 1
                while j < text.count, isNameByte(text[j]) { j += 1 }
                guard j > i + 1 else { throw .danglingDollar(near: excerpt(text, from: i)) }
                name = text[(i + 1)..<j]
                i = j
            }
            if !literal.isEmpty {
                pieces.append(.literal(literal))
                literal.removeAll()
            }
            pieces.append(.variable(String(decoding: name, as: UTF8.self)))
        }
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        return pieces
    }

    private static func isNameByte(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x5F
    }

    /// A short quote of the format at a problem, so the operator can find it.
    static func excerpt(_ text: [UInt8], from start: Int) -> String {
        let from = max(0, min(start, text.count))
        return String(decoding: text[from..<min(text.count, from + 24)], as: UTF8.self)
    }

    /// Why a format string could not be compiled.
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        /// The format is empty or only blanks.
        case empty
        /// A quoted piece (nginx.conf syntax) is never closed.
        case unterminatedQuote(near: String)
        /// A `$` is not followed by a variable name.
        case danglingDollar(near: String)
        /// `${` without the closing `}`.
        case unclosedBrace(near: String)
        /// `${...}` holds something that is not a variable name.
        case invalidVariableName(near: String)
        /// The format prints no time, so its lines cannot be placed on the timeline.
        case noTimeVariable

        /// One line for the operator: what is wrong and what to write instead.
        public var description: String {
            switch self {
            case .empty:
                "nginx log_format is empty: give the format from nginx.conf, e.g. '\(NginxLogFormat.combinedText)'"
            case .unterminatedQuote(let near):
                "nginx log_format: the quoted piece starting at \"\(near)\" is never closed; check the quotes copied from nginx.conf"
            case .danglingDollar(let near):
                "nginx log_format: '$' at \"\(near)\" is not followed by a variable name; write $name or ${name}"
            case .unclosedBrace(let near):
                "nginx log_format: '${' at \"\(near)\" has no closing '}'; write ${name}"
            case .invalidVariableName(let near):
                "nginx log_format: \"\(near)\" is not a variable name; names use letters, digits and '_'"
            case .noTimeVariable:
                "nginx log_format has no time variable; logview needs $time_local, $time_iso8601 or $msec to place lines in time"
            }
        }
    }
}
