import LogviewTUI
import Testing

@Suite struct CursesLibraryTests {
    @Test func linksNcursesw() {
        #expect(CursesLibrary.version.hasPrefix("ncurses 6."))
    }
}
