import LogviewCore
import TestSupport
import Testing

/// `combined` extended at its end is read without being told the format, ids included.
@Suite struct NginxCombinedExtensionTests {
    @Test func trailingFieldsAfterCombinedAreAcceptedAndScannedForIDs() throws {
        let parser = try NginxAccessFormat().makeParser(FormatOptions())
        let line = #"10.0.0.1 - - [30/Jan/2026:14:02:03 +0900] "GET /api/x HTTP/1.1" 200 15 "-" "curl/8" rid=0a1b2c3d4e5f60718293a4b5c6d7e8f9 rt=0.004"#
        let results = Fixture.scanLines(line, parser: parser)
        #expect(results.count == 1)
        let (kind, facts) = results[0]
        #expect(kind == .start)
        #expect(facts.timestamp.nanoseconds == 1_769_749_323_000_000_000)
        #expect(facts.ids.count == 1)
        #expect(Fixture.text(line, facts.ids[0].range) == "0a1b2c3d4e5f60718293a4b5c6d7e8f9")
        #expect(facts.ids[0].kind == .request)
    }

    @Test func anExplicitFormatStillRequiresTheWholeLine() throws {
        let parser = try NginxAccessFormat().makeParser(FormatOptions(nginxLogFormat: NginxLogFormat.combinedText))
        let line = #"10.0.0.1 - - [30/Jan/2026:14:02:03 +0900] "GET / HTTP/1.1" 200 15 "-" "curl/8" extra"#
        #expect(Fixture.scanLines(line, parser: parser)[0].0 == .continuation)
        let glued = #"10.0.0.1 - - [30/Jan/2026:14:02:03 +0900] "GET / HTTP/1.1" 200 15 "-" "curl/8"x"#
        #expect(Fixture.scanLines(glued, parser: try NginxAccessFormat().makeParser(FormatOptions()))[0].0 == .continuation)
    }
}
