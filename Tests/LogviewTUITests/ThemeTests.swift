import Foundation
import LogviewCore
import Testing
@testable import LogviewTUI

@Suite struct ThemeTests {
    static let themesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Themes").path

    @Test func embeddedThemesEqualTheFilesInThemes() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.themesDirectory).filter { $0.hasSuffix(".toml") }.sorted()
        #expect(files == ["default.toml", "high-contrast.toml", "light.toml", "monochrome.toml"])
        #expect(EmbeddedThemes.files.keys.sorted() == files.map { String($0.dropLast(5)) })
        for f in files {
            let text = try String(contentsOfFile: Self.themesDirectory + "/" + f, encoding: .utf8)
            #expect(EmbeddedThemes.files[String(f.dropLast(5))].map { $0 + "\n" } == text, "Themes/\(f) changed: run Themes/embed.sh")
        }
    }

    @Test(arguments: ["default", "light", "high-contrast", "monochrome"])
    func shippedThemesLoad(_ name: String) throws {
        let theme = try Theme.load(name)
        #expect(theme.name == name)
        #expect(theme.style(.level(.error)).bold)
    }

    @Test func rolesResolveToStyles() throws {
        let theme = try Theme.load("default")
        #expect(theme.style(.statusBar) == Style(foreground: .index(234), background: .index(110)))
        #expect(theme.style(.source(0)) == Style(foreground: .index(81)))
        #expect(theme.style(.source(8)) == Style(foreground: .index(81)))  // the palette cycles
        #expect(theme.style(.level(.warning)) == Style(foreground: .index(214)))
        // The selection keeps the role's colour and lays its background over it.
        #expect(theme.style(.level(.warning), .selected) == Style(foreground: .index(214), background: .index(238), bold: true))
        #expect(theme.style(.text, .match) == Style(foreground: .index(234), background: .index(220)))
        let mono = try Theme.load("monochrome")
        #expect(mono.style(.text, .selected) == Style(reverse: true))
        #expect(mono.style(.text, .match) == Style(bold: true, underline: true))
    }

    @Test func coloursReduceToSmallerPalettes() {
        #expect(Color.index(196).reduced(to: 16) == .index(9))
        #expect(Color.index(238).reduced(to: 8) == .index(0))
        #expect(Color.index(3).reduced(to: 8) == .index(3))
        #expect(Color.standard.reduced(to: 8) == .standard)
    }

    @Test func aBrokenThemeNamesTheFileLineAndKey() throws {
        let dir = NSTemporaryDirectory() + "logview-theme-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/mine.toml"
        try "[roles]\ntext = \"default\"\nselection = \"blu on 4\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: Theme.Error(file: path, key: "roles.selection", line: 3,
            message: "unknown colour 'blu' (use a name (red, bright_blue...), default, a number 0-255 or #RRGGBB)")) {
            try Theme.load(path)
        }
        try "[levels]\nwarning = \"214\"\nloud = \"1\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: Theme.Error(file: path, key: "levels.loud", line: 3,
            message: "unknown level (use trace, debug, info, notice, warn, error, crit, alert, emerg, unknown)")) {
            try Theme.load(path)
        }
        try "[roles\ntext = 1\n".write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: Theme.Error.self) { try Theme.load(path) }
        #expect(error?.file == path && error?.line == 1)
        #expect(throws: Theme.Error.self) { try Theme.load(dir + "/missing.toml") }
        let unknown = #expect(throws: Theme.Error.self) { try Theme.load("solarized") }
        #expect(unknown?.description == "theme solarized, line 0: no such theme (shipped: default, high-contrast, light, monochrome; or give a path to a .toml file)")
        try "[roles]\ntext = \"bright_green bold\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try Theme.load(path).style(.text) == Style(foreground: .index(10), bold: true))
    }
}
