import LogviewCore

/// What a cell on screen is (a time, a source tag, a level, the status bar...). A theme maps each
/// role to colours and attributes; the renderer never names a colour itself.
public enum Role: Hashable, Sendable {
    case text
    case dim
    case time
    /// The tag of source number n (the theme's palette is cycled).
    case source(Int)
    /// The tag of a source the config file gives its own colour (`color = "208"`).
    case configuredSource(Color)
    case level(Level)
    case statusBar
    case pivotBanner
    case border
    case focusedBorder
    case help
    case helpKey
    case histogram
    case histogramError
    case bookmark
    case errorMessage
    case fieldName
}

/// A highlight laid over a cell's role: the selected row, or a search match.
public enum Mark: UInt8, Hashable, Sendable {
    case none, selected, match
}
