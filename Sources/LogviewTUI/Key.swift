/// A key (or mouse wheel step, or resize) as the terminal backend reports it.
public enum Key: Hashable, Sendable {
    case character(Character)
    /// Ctrl and a letter (`ctrl("w")`); Ctrl-C and Ctrl-Z arrive as signals instead.
    case control(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, tab, backTab, backspace, escape, delete
    case function(Int)
    case wheelUp, wheelDown
    /// The terminal changed size.
    case resize(rows: Int, columns: Int)

    /// The key for a character read from the terminal (control codes become named keys).
    public init(scalar: Unicode.Scalar) {
        switch scalar.value {
        case 0x09: self = .tab
        case 0x0A, 0x0D: self = .enter
        case 0x08, 0x7F: self = .backspace
        case 0x1B: self = .escape
        case 0x01...0x1A: self = .control(Character(Unicode.Scalar(scalar.value + 0x60)!))
        default: self = .character(Character(scalar))
        }
    }

    /// A short name for logs and the help text.
    public var name: String {
        switch self {
        case .character(let c): return String(c)
        case .control(let c): return "C-\(c)"
        case .function(let n): return "F\(n)"
        case .resize: return "resize"
        default: return "\(self)"
        }
    }
}
