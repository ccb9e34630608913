/// What a key asks the viewer to do. `App.apply` turns a command into the next state.
public enum Command: Equatable, Sendable {
    case quit
    /// Move the cursor by n rows (negative: up).
    case move(Int)
    /// Move by n pages.
    case page(Int)
    case top, bottom
    /// Scroll long lines sideways by n columns; `scrollHome` back to the left edge.
    case scrollSideways(Int)
    case scrollHome
    /// Scroll sideways to the end of the selected entry's message.
    case scrollEnd
    case toggleWrap
    /// Expand or fold the selected multi-line entry.
    case toggleExpand
    case toggleDetail
    /// Scroll the detail pane by n lines.
    case scrollDetail(Int)
    case toggleHelp
    case toggleHistogram
    case focusNext, focusPrevious
    case focus(Direction)
    case split(Axis)
    case closePane
    case pivotRequest, pivotWindow, popPivot
    case widenWindow, narrowWindow
    case openPrompt(PromptKind)
    /// A key typed while the prompt is open.
    case promptKey(Key)
    case searchNext, searchPrevious
    case cycleLevel
    case toggleSource(Int)
    case toggleBookmark, nextBookmark
    /// `F`: start following (or resume at the newest entry when paused); stop when live.
    case toggleFollow
    /// Reads the entries dropped from memory back from disk.
    case readBack
    /// Run a `:` command line.
    case run(String)
    case resize(rows: Int, columns: Int)
    case windowPrefix
    case none
}

public enum Direction: Sendable, Equatable { case left, right, up, down }

/// How a split places its two halves.
public enum Axis: Sendable, Equatable {
    /// Side by side (a vertical divider).
    case sideBySide
    /// One over the other.
    case stacked
}

public enum PromptKind: Sendable, Equatable {
    /// `filter` keeps entries matching its pattern; `!PATTERN` drops them instead.
    case command, searchForward, searchBackward, filter

    var label: String {
        switch self {
        case .command: return ":"
        case .searchForward: return "/"
        case .searchBackward: return "?"
        case .filter: return "filter (!RE drops): "
        }
    }
}
