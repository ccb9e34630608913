import ArgumentParser

/// Options of the interactive viewer.
struct ViewerOptions: ParsableArguments {
    @Option(name: .long, help: "Viewer theme: default, light, high-contrast, monochrome, or a path to a .toml theme file.")
    var theme: String?

    @Flag(name: [.customLong("no-color")], help: "Viewer without colours (attributes only); also when NO_COLOR is set.")
    var noColor = false
}
