import LogviewSources
import Testing

@Suite struct SourceArgumentTests {
    @Test func sourceArgumentsAreClassifiedByPrefix() {
        #expect(SourceArgument(parsing: "journal") == .journal(""))
        #expect(SourceArgument(parsing: "journal:backend") == .journal(":backend"))
        #expect(SourceArgument(parsing: "journal-file:/x/a.journal") == .journal("-file:/x/a.journal"))
        #expect(SourceArgument(parsing: "loki:{job=\"nginx\"} |= \"x\"") == .loki("{job=\"nginx\"} |= \"x\""))
        #expect(SourceArgument(parsing: "gatewayd+http://h:19531") == .gatewayd("http://h:19531"))
        #expect(SourceArgument(parsing: "db=/var/log/pg.log") == .files(SourceSpec(name: "db", path: "/var/log/pg.log")))
        #expect(SourceArgument(parsing: "journald.log") == .files(SourceSpec(path: "journald.log")))
    }
}
