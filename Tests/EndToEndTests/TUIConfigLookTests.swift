import Foundation
import Testing

/// The config file's look in the real viewer (tmux): a source's `colour` and `[defaults] theme`.
@Suite(.timeLimit(.minutes(10)))
struct TUIConfigLookTests {
    /// The three TUILogs sources defined in a config file, the backend drawn in `#ff8800`.
    static func writeConfig(_ logs: TUILogs, defaults: String) throws -> String {
        let config = logs.directory.file("config.toml")
        try """
            [defaults]
            \(defaults)

            [[source]]
            name = "nginx"
            path = "\(logs.directory.file("access.log"))"
            log_format = '\(TUILogs.nginxFormat)'

            [[source]]
            name = "backend"
            path = "\(logs.directory.file("backend.log"))"
            colour = "#ff8800"

            [[source]]
            name = "postgresql"
            path = "\(logs.directory.file("postgresql.log"))"

            """.write(toFile: config, atomically: true, encoding: .utf8)
        return config
    }

    @Test func aConfiguredColourAndThemeAreDrawn() throws {
        let logs = try TUILogs()
        let tmux = try TmuxSession("look")
        defer {
            tmux.stop()
            logs.directory.remove()
        }
        let config = try Self.writeConfig(logs, defaults: "theme = \"light\"")
        try tmux.type("\(E2EPaths.logviewBinary) --tz UTC --config \(config)")
        let screen = try tmux.waitFor("the viewer") { $0.contains(TUIViewerTests.statusAll) }
        #expect(TUIViewerTests.timelineRows(screen).filter { $0.contains(" backend    INFO ") }.count == 15)
        let raw = try tmux.capture(escapes: true)
        // #ff8800 is palette colour 208: every backend tag, and nothing else, is drawn in it.
        #expect(raw.components(separatedBy: "\u{1B}[38;5;208mbackend").count - 1 == 15)
        #expect(raw.components(separatedBy: "38;5;208m").count - 1 == 15)
        // The other sources keep the light theme's palette; its status bar is 255 on 25.
        #expect(raw.contains("38;5;25mnginx"))
        #expect(raw.contains("48;5;25m"))
        #expect(!raw.contains("48;5;110m"))  // the default theme's status bar
        try tmux.send("q")
        try tmux.waitFor("the prompt") { $0.contains("PROMPT$") && !$0.contains(TUIViewerTests.statusAll) }
    }

    @Test func aConfigThemeThatIsNoThemeStopsBeforeTheScreenOpens() throws {
        let logs = try TUILogs()
        let tmux = try TmuxSession("look-bad")
        defer {
            tmux.stop()
            logs.directory.remove()
        }
        let config = try Self.writeConfig(logs, defaults: "theme = \"dark\"")
        let errors = logs.directory.file("stderr.txt")
        try tmux.type("\(E2EPaths.logviewBinary) --tz UTC --config \(config) 2>\(errors); echo status=$?")
        try tmux.waitFor("the exit status") { $0.contains("status=78") }
        #expect(try tmux.display("#{alternate_on}") == "0")
        #expect(try String(contentsOfFile: errors, encoding: .utf8)
            == "logview: \(config):2: theme 'dark': no such theme (shipped: default, high-contrast, light, monochrome; or give a path to a .toml file)\n")
        // --theme on the command line wins over the config's.
        try tmux.type("clear; \(E2EPaths.logviewBinary) --tz UTC --config \(config) --theme high-contrast")
        try tmux.waitFor("the viewer") { $0.contains(TUIViewerTests.statusAll) }
        try tmux.send("q")
        try tmux.waitFor("the prompt") { $0.contains("PROMPT$") && !$0.contains(TUIViewerTests.statusAll) }
    }
}
