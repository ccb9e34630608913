// Which parsers may read a file in chunks (`LineParser.resynchronizesAtEntryStart`), and why.
// A parser not listed keeps the default `false` and is read sequentially: the JSON-lines and
// syslog parsers date a line without a time by the previous entry's, and the csvlog parser
// carries an open quote across lines, so their reading of a line depends on more than the last
// entry start.

// No state between lines: a line is a start or not by its own bytes.
extension NginxAccessLineParser { var resynchronizesAtEntryStart: Bool { true } }
extension NginxErrorLineParser { var resynchronizesAtEntryStart: Bool { true } }
extension NginxJSONAccessLineParser { var resynchronizesAtEntryStart: Bool { true } }
extension SpringBootFormat.Parser { var resynchronizesAtEntryStart: Bool { true } }
extension PythonLoggingFormat.Parser { var resynchronizesAtEntryStart: Bool { true } }
extension GenericFormat.Parser { var resynchronizesAtEntryStart: Bool { true } }
extension PostgresJSONParser { var resynchronizesAtEntryStart: Bool { true } }
extension PlainTextFormat.Parser { var resynchronizesAtEntryStart: Bool { true } }

// The open entry's process, set by every start line from that line alone; a DETAIL line at a
// chunk's top is re-read by the stitcher with the previous chunk's parser.
extension PostgresStderrParser { var resynchronizesAtEntryStart: Bool { true } }
