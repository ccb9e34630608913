import Testing

@testable import LogviewCore

@Suite struct PostgresSeverityTests {
    @Test(arguments: [
        ("LOG", PostgresSeverity.log, Level.info), ("INFO", .info, .info), ("NOTICE", .notice, .notice),
        ("WARNING", .warning, .warning), ("ERROR", .error, .error), ("FATAL", .fatal, .critical),
        ("PANIC", .panic, .emergency), ("DEBUG", .debug, .debug), ("DEBUG1", .debug, .debug), ("DEBUG5", .debug, .debug),
        ("DETAIL", .detail, .unknown), ("HINT", .hint, .unknown), ("STATEMENT", .statement, .unknown),
        ("CONTEXT", .context, .unknown), ("QUERY", .query, .unknown), ("LOCATION", .location, .unknown),
    ])
    func words(word: String, severity: PostgresSeverity, level: Level) {
        let parsed = Array(word.utf8).withUnsafeBytes { PostgresSeverity(word: $0) }
        #expect(parsed == severity)
        #expect(severity.level == level)
        #expect(severity.isSecondary == (level == .unknown))
    }

    @Test(arguments: ["log", "DEBUG6", "DEBUG0", "LOGS", "", "WARN", "ERR"])
    func notSeverities(word: String) {
        #expect(Array(word.utf8).withUnsafeBytes { PostgresSeverity(word: $0) } == nil)
    }

    @Test(arguments: [
        ("LOG:  message", 0, PostgresSeverity?.some(.log), 6),
        ("xx ERROR:  boom", 3, .error, 11),
        ("STATEMENT: one space", 0, .statement, 11),
        ("LOG:", 0, nil, 0),
        ("LOG:x", 0, nil, 0),
        ("LOG  x", 0, nil, 0),
        ("app@appdb LOG:  x", 0, nil, 0),
    ])
    func readsTheWordAndTheMessageStart(line: String, at: Int, severity: PostgresSeverity?, messageStart: Int) {
        let read = Array(line.utf8).withUnsafeBytes { PostgresSeverity.read($0, at: at) }
        #expect(read?.severity == severity)
        #expect(read?.messageStart == (severity == nil ? nil : messageStart))
    }
}
