/// Accepting a format the way an operator copies it out of nginx.conf.
///
/// Three shapes are understood:
/// - the whole directive, `log_format main [escape=json] '...' '...';`
/// - only its quoted pieces, `'$remote_addr - ' '"$request"'`, which nginx concatenates;
/// - the raw format text, as nginx holds it after reading the configuration.
///
/// A text made only of double-quoted pieces is ambiguous: `"$request" "$http_user_agent"` is also a
/// sensible raw format. It is read as nginx.conf quoting only when it shows conf syntax (a `\"`
/// escape, a single-quoted piece or a closing `;`); otherwise it is taken raw.
extension NginxLogFormat {
    private struct ConfToken {
        var bytes: [UInt8]
        var quote: UInt8?  // the quote character, nil for a bare word
    }

    private struct ConfTokens {
        var tokens: [ConfToken] = []
        var endsWithSemicolon = false
        var usedEscapes = false
    }

    /// The format text to compile, with nginx.conf quoting removed when the input is in that form.
    static func unquotedFormatText(_ format: String) throws(Error) -> [UInt8] {
        let all = Array(format.utf8)
        var start = 0
        var end = all.count
        while start < end, isConfSpace(all[start]) { start += 1 }
        while end > start, isConfSpace(all[end - 1]) { end -= 1 }
        guard start < end else { throw .empty }
        let trimmed = Array(all[start..<end])

        if startsWithDirective(trimmed) {
            let parsed = try confTokens(trimmed)
            // log_format NAME [escape=...] PIECE...
            var pieces = parsed.tokens.dropFirst(2)
            while let first = pieces.first, first.quote == nil, first.bytes.starts(with: Array("escape=".utf8)) {
                pieces = pieces.dropFirst()
            }
            let text = pieces.flatMap(\.bytes)
            guard !text.isEmpty else { throw .empty }
            return text
        }

        let first = trimmed[0]
        if first == 0x27 || first == 0x22 {
            let parsed: ConfTokens
            do {
                parsed = try confTokens(trimmed)
            } catch {
                // An unclosed single quote is a copy mistake; a raw format may well open a " it closes later.
                if first == 0x27 { throw error }
                return rawText(all)
            }
            let allQuoted = parsed.tokens.allSatisfy { $0.quote != nil }
            let showsConfSyntax =
                first == 0x27 || parsed.endsWithSemicolon || parsed.usedEscapes
                || parsed.tokens.contains { $0.quote == 0x27 }
            if allQuoted, showsConfSyntax {
                let text = parsed.tokens.flatMap(\.bytes)
                guard !text.isEmpty else { throw .empty }
                return text
            }
        }
        return rawText(all)
    }

    /// A raw format keeps its blanks (nginx prints them) but not surrounding line breaks.
    private static func rawText(_ all: [UInt8]) -> [UInt8] {
        var start = 0
        var end = all.count
        while start < end, all[start] == 0x0A || all[start] == 0x0D { start += 1 }
        while end > start, all[end - 1] == 0x0A || all[end - 1] == 0x0D { end -= 1 }
        return Array(all[start..<end])
    }

    private static func startsWithDirective(_ text: [UInt8]) -> Bool {
        let keyword = Array("log_format".utf8)
        return text.count > keyword.count && text.starts(with: keyword) && isConfSpace(text[keyword.count])
    }

    private static func isConfSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }

    /// Splits nginx.conf text into tokens, undoing the escapes nginx undoes inside quotes
    /// (`\"`, `\'`, `\\`, `\t`, `\r`, `\n`; any other backslash stays).
    private static func confTokens(_ text: [UInt8]) throws(Error) -> ConfTokens {
        var result = ConfTokens()
        var i = 0
        while i < text.count {
            if isConfSpace(text[i]) {
                i += 1
                continue
            }
            if text[i] == 0x3B {  // ';' ends the directive; only blanks may follow
                var j = i + 1
                while j < text.count, isConfSpace(text[j]) { j += 1 }
                if j == text.count {
                    result.endsWithSemicolon = true
                    return result
                }
                result.tokens.append(ConfToken(bytes: [0x3B], quote: nil))
                i += 1
                continue
            }
            let quote = text[i]
            guard quote == 0x27 || quote == 0x22 else {
                var word: [UInt8] = []
                while i < text.count, !isConfSpace(text[i]), text[i] != 0x3B {
                    word.append(text[i])
                    i += 1
                }
                result.tokens.append(ConfToken(bytes: word, quote: nil))
                continue
            }
            let opening = i
            var bytes: [UInt8] = []
            i += 1
            var closed = false
            while i < text.count {
                let c = text[i]
                if c == quote {
                    closed = true
                    i += 1
                    break
                }
                if c == 0x5C, i + 1 < text.count {
                    let next = text[i + 1]
                    switch next {
                    case 0x22, 0x27, 0x5C: bytes.append(next)
                    case 0x74: bytes.append(0x09)
                    case 0x72: bytes.append(0x0D)
                    case 0x6E: bytes.append(0x0A)
                    default: bytes.append(contentsOf: [c, next])
                    }
                    result.usedEscapes = true
                    i += 2
                    continue
                }
                bytes.append(c)
                i += 1
            }
            guard closed else { throw .unterminatedQuote(near: excerpt(text, from: opening)) }
            result.tokens.append(ConfToken(bytes: bytes, quote: quote))
        }
        return result
    }
}
