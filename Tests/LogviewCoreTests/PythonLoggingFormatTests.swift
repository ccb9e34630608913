import LogviewCore
import Testing

@Suite struct PythonLoggingFormatTests {
    let parser = AppFormatTestKit.parser(
        PythonLoggingFormat(), FormatOptions(zone: ZoneRules(fixedOffset: 9 * 3600)))

    /// The corpus's ai.log layout: `%(asctime)s %(levelname)-8s [%(process)d] [%(name)s] [%(request_id)s] %(message)s`.
    static let chatLine =
        "2026-01-30 14:00:09,261 INFO     [2309] [app.api] [f04fd26d0a1b2c3d4e5f607182930a1b] "
        + "chat request model=llama-3.1-8b-instruct prompt_tokens=650 max_tokens=512"
    static let healthLine =
        "2026-01-30 14:00:01,849 INFO     [2309] [uvicorn.access] [-] 127.0.0.1:53899 - \"GET /healthz HTTP/1.1\" 200"
    static let failureLine =
        "2026-01-30 14:03:35,366 ERROR    [2309] [app.llm] [7b0a31451b479854f4d733d3d8872375] "
        + "generation failed for model=llama-3.1-8b-instruct"
    static let traceback = [
        "Traceback (most recent call last):",
        "  File \"/srv/ai/app/routes/chat.py\", line 57, in chat",
        "    result = await llm.generate(prompt, max_tokens=body.max_tokens, request_id=request_id)",
        "             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
        "  File \"/srv/ai/app/llm.py\", line 112, in generate",
        "    out = await asyncio.to_thread(self._generate, inputs, max_tokens)",
        "          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
        "torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB.",
    ]

    @Test func aiLogLine() {
        let s = AppFormatTestKit.scan(parser, Self.chatLine)
        #expect(s.kind == .start)
        #expect(s.facts.timestamp.nanoseconds == 1_769_749_209_261_000_000)
        #expect(s.facts.precision == .milliseconds)
        #expect(s.facts.level == .info)
        #expect(s.facts.messageStart == 24)
        #expect(s.ids == ["f04fd26d0a1b2c3d4e5f607182930a1b"])
        #expect(s.idKinds == [.request])
        #expect(
            AppFormatTestKit.annotate(parser, Self.chatLine) == [
                "level": "info", "pid": "2309", "logger": "app.api", "requestId": "f04fd26d0a1b2c3d4e5f607182930a1b",
                "message": "chat request model=llama-3.1-8b-instruct prompt_tokens=650 max_tokens=512",
            ])
    }

    @Test func dashMeansNoRequest() {
        let s = AppFormatTestKit.scan(parser, Self.healthLine)
        #expect(s.kind == .start)
        #expect(s.facts.timestamp.nanoseconds == 1_769_749_201_849_000_000)
        #expect(s.ids == [])
        #expect(
            AppFormatTestKit.annotate(parser, Self.healthLine) == [
                "level": "info", "pid": "2309", "logger": "uvicorn.access",
                "message": "127.0.0.1:53899 - \"GET /healthz HTTP/1.1\" 200",
            ])
    }

    @Test func uuidRequestID() {
        let line = "2026-01-30 14:00:09,261 WARNING  [2309] [app.api] [123e4567-e89b-12d3-a456-426614174000] slow"
        let s = AppFormatTestKit.scan(parser, line)
        #expect(s.facts.level == .warning)
        #expect(s.ids == ["123e4567-e89b-12d3-a456-426614174000"])
    }

    @Test func idsInTheMessageToo() {
        let line = "2026-01-30 14:00:09,261 INFO     [2309] [app.api] [-] forwarded X-Request-ID: abc-1 trace_id=t9"
        let s = AppFormatTestKit.scan(parser, line)
        #expect(s.ids == ["abc-1", "t9"])
        #expect(s.idKinds == [.request, .trace])
    }

    @Test func tracebackFoldsIntoTheErrorEntry() {
        let lines = [Self.chatLine, Self.failureLine] + Self.traceback + [Self.healthLine]
        let entries = AppFormatTestKit.entries(parser, lines.map { Array($0.utf8) })
        #expect(entries.map(\.lineCount) == [1, 9, 1])
        #expect(entries.map(\.firstLine) == [0, 1, 10])
        #expect(entries[1].facts.level == .error)
        #expect(entries[1].facts.timestamp.nanoseconds == 1_769_749_415_366_000_000)
        // Source code quoted in a traceback (`request_id=request_id`) is not an id.
        #expect(entries[1].ids == ["7b0a31451b479854f4d733d3d8872375"])
    }

    @Test func loggingCookbookLayout() {
        let line = "2026-01-30 14:00:09,261 - app.api - WARNING - disk low"
        let s = AppFormatTestKit.scan(parser, line)
        #expect(s.kind == .start)
        #expect(s.facts.level == .warning)
        #expect(s.facts.timestamp.nanoseconds == 1_769_749_209_261_000_000)
        #expect(AppFormatTestKit.annotate(parser, line) == ["level": "warn", "logger": "app.api", "message": "disk low"])
    }

    @Test func uvicornWithATimePrefix() {
        let line = "2026-01-30 14:00:10,671 INFO: 10.0.1.10:57311 - \"POST /v1/chat HTTP/1.1\" 200"
        let s = AppFormatTestKit.scan(parser, line)
        #expect(s.kind == .start)
        #expect(s.facts.level == .info)
        #expect(s.facts.timestamp.nanoseconds == 1_769_749_210_671_000_000)
        #expect(
            AppFormatTestKit.annotate(parser, line) == [
                "level": "info", "message": "10.0.1.10:57311 - \"POST /v1/chat HTTP/1.1\" 200",
            ])
    }

    @Test func levelNameColonLayoutAfterATime() {
        let line = "2026-01-30 14:00:10,671 ERROR:app.db:connection lost"
        #expect(AppFormatTestKit.scan(parser, line).facts.level == .error)
        #expect(AppFormatTestKit.annotate(parser, line)["message"] == "app.db:connection lost")
    }

    @Test func flaskLayout() {
        let line = "[2026-01-30 14:00:09,261] ERROR in app: Exception on /x [GET]"
        let s = AppFormatTestKit.scan(parser, line)
        #expect(s.kind == .start)
        #expect(s.facts.level == .error)
        #expect(s.facts.messageStart == 26)
        #expect(s.facts.timestamp.nanoseconds == 1_769_749_209_261_000_000)
    }

    @Test func gunicornLayoutWithOffset() {
        let line = "[2026-01-30 14:00:09 +0000] [2309] [INFO] Booting worker with pid: 2309"
        let s = AppFormatTestKit.scan(parser, line)
        #expect(s.kind == .start)
        #expect(s.facts.level == .info)
        #expect(s.facts.precision == .seconds)
        #expect(s.facts.timestamp.nanoseconds == 1_769_781_609_000_000_000)
        #expect(
            AppFormatTestKit.annotate(parser, line) == [
                "level": "info", "pid": "2309", "message": "Booting worker with pid: 2309",
            ])
    }

    @Test(arguments: [
        ("2026-01-30 14:00:09,261 DEBUG    [1] [a] [-] m", Level.debug),
        ("2026-01-30 14:00:09,261 INFO     [1] [a] [-] m", .info),
        ("2026-01-30 14:00:09,261 WARNING  [1] [a] [-] m", .warning),
        ("2026-01-30 14:00:09,261 ERROR    [1] [a] [-] m", .error),
        ("2026-01-30 14:00:09,261 CRITICAL [1] [a] [-] m", .critical),
        ("2026-01-30 14:00:09,261 just a message", .unknown),
        ("2026-01-30 14:00:09 INFO started without millis", .info),
    ])
    func levels(line: String, level: Level) {
        let s = AppFormatTestKit.scan(parser, line)
        #expect(s.kind == .start)
        #expect(s.facts.level == level)
    }

    @Test func messageWithoutLevelIsAllMessage() {
        #expect(
            AppFormatTestKit.annotate(parser, "2026-01-30 14:00:09,261 Starting server on port 80")
                == ["message": "Starting server on port 80"])
    }

    @Test(arguments: [
        "INFO:app.api:chat request",  // %(levelname)s:%(name)s:%(message)s has no time
        "INFO:     10.0.1.10:57311 - \"POST /v1/chat HTTP/1.1\" 200 OK",  // plain uvicorn
        "Traceback (most recent call last):",
        "    ^^^^^^^^^^^^",
        "torch.cuda.OutOfMemoryError: CUDA out of memory.",
        "",
        // Other formats' lines:
        "2026-01-30T14:02:03.123+09:00  INFO 49908 --- [api] [main] a.B : spring 3",
        "2026-01-30 14:02:03.123  INFO 49908 --- [main] a.B : spring 2",
        "2026-01-30T14:02:03.123456+09:00 app-01 sshd[1234]: Failed password",
        "2026-01-30 14:02:03.123 KST [812] LOG:  checkpoint starting: time",
        "2026-01-30 14:02:03 KST [812] LOG:  checkpoint starting: time",  // no millis, no Python level
        "2026-01-30 14:00:09,2615 INFO four fraction digits",
        "2026/01/30 14:02:03 [error] 1234#1234: *5 connect() failed",
        "{\"time\":\"2026-01-30 14:00:09,261\",\"level\":\"INFO\"}",
    ])
    func continuationLines(line: String) {
        let s = AppFormatTestKit.scan(parser, line)
        #expect(s.kind == .continuation)
        #expect(s.ids == [])
    }

    @Test func controlBytesInTheMessage() {
        let bytes = Array("2026-01-30 14:00:09,261 INFO     [2309] [app.api] [f04fd26d0a1b2c3d4e5f607182930a1b] a".utf8)
            + [0, 0x1B] + Array("[8m hidden".utf8)
        let s = AppFormatTestKit.scan(parser, bytes)
        #expect(s.kind == .start)
        #expect(s.ids == ["f04fd26d0a1b2c3d4e5f607182930a1b"])
    }

    @Test func truncatedAndRandomInputDoNotCrash() {
        let samples =
            [Self.chatLine, Self.healthLine, Self.failureLine, "[2026-01-30 14:00:09 +0900] [2309] [INFO] Booting"]
            + Self.traceback
        #expect(AppFormatTestKit.feedHostileInputs(PythonLoggingFormat(), samples: samples, seed: 2) > 3000)
    }
}
