/// Indents a JSON object found in a line, one member per line. A light re-indenter (strings kept
/// intact), not a validator: text that is not an object or array is left alone.
enum JSONPretty {
    static func lines(_ text: String) -> [String]? {
        guard let start = text.firstIndex(where: { $0 == "{" || $0 == "[" }) else { return nil }
        let prefix = String(text[..<start])
        let body = text[start...]
        guard let last = body.last, last == "}" || last == "]", body.count > 2 else { return nil }
        var out: [String] = []
        var line = prefix
        var depth = 0
        var inString = false
        var escaped = false
        func newline() {
            out.append(line)
            line = String(repeating: "  ", count: max(depth, 0))
        }
        for ch in body {
            if inString {
                line.append(ch)
                if escaped { escaped = false } else if ch == "\\" { escaped = true } else if ch == "\"" { inString = false }
                continue
            }
            switch ch {
            case "\"":
                inString = true
                line.append(ch)
            case "{", "[":
                line.append(ch)
                depth += 1
                newline()
            case "}", "]":
                depth -= 1
                if !line.trimmingBlanks.isEmpty { newline() } else { line = String(repeating: "  ", count: max(depth, 0)) }
                line.append(ch)
            case ",":
                line.append(ch)
                newline()
            case ":":
                line.append(": ")
            case " ":
                break
            default:
                line.append(ch)
            }
        }
        if !line.trimmingBlanks.isEmpty { out.append(line) }
        return depth == 0 && !inString ? out : nil
    }
}
