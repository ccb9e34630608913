import Testing

@testable import LogviewCore

@Suite struct NginxLogFormatTests {
    private func literal(_ s: String) -> NginxLogFormat.Piece { .literal(Array(s.utf8)) }

    @Test func combinedCompilesToItsPieces() throws {
        let format = NginxLogFormat.combined
        #expect(
            format.variableNames == [
                "remote_addr", "remote_user", "time_local", "request", "status", "body_bytes_sent", "http_referer",
                "http_user_agent",
            ])
        #expect(format.pieces.first == .variable("remote_addr"))
        #expect(format.pieces[1] == literal(" - "))
        #expect(format.pieces.last == literal("\""))
        #expect(try NginxLogFormat(NginxLogFormat.combinedText) == format)
    }

    @Test func bracedVariablesAndAdjacentText() throws {
        let format = try NginxLogFormat("${remote_addr}:[${time_local}]${status}x $request_id")
        #expect(
            format.pieces == [
                .variable("remote_addr"), literal(":["), .variable("time_local"), literal("]"), .variable("status"),
                literal("x "), .variable("request_id"),
            ])
    }

    @Test func singleQuotedConfPiecesAreConcatenated() throws {
        let conf = """
            '$remote_addr - $remote_user [$time_local] '
                '"$request" $status rid=$request_id';
            """
        let format = try NginxLogFormat(conf)
        #expect(
            format.pieces == [
                .variable("remote_addr"), literal(" - "), .variable("remote_user"), literal(" ["),
                .variable("time_local"), literal("] \""), .variable("request"), literal("\" "), .variable("status"),
                literal(" rid="), .variable("request_id"),
            ])
    }

    @Test func wholeDirectiveIsAccepted() throws {
        let directive = #"log_format json escape=json '{"msec":"$msec",' '"status":$status}';"#
        let format = try NginxLogFormat(directive)
        #expect(
            format.pieces == [
                literal(#"{"msec":""#), .variable("msec"), literal(#"","status":"#), .variable("status"), literal("}"),
            ])
    }

    @Test func doubleQuotedConfWithEscapesIsUnquoted() throws {
        let format = try NginxLogFormat(#""$msec \"$request\"""#)
        #expect(format.pieces == [.variable("msec"), literal(" \""), .variable("request"), literal("\"")])
    }

    /// Only double-quoted pieces and no conf syntax: a raw format whose literals are quotes.
    @Test func doubleQuotedPiecesWithoutConfSyntaxStayRaw() throws {
        let format = try NginxLogFormat(#""$request" "$msec""#)
        #expect(
            format.pieces == [literal("\""), .variable("request"), literal("\" \""), .variable("msec"), literal("\"")])
    }

    @Test func rawFormatKeepsInnerBlanksButNotLineBreaks() throws {
        let format = try NginxLogFormat("$msec  $status \n")
        #expect(format.pieces == [.variable("msec"), literal("  "), .variable("status"), literal(" ")])
    }

    @Test(arguments: [
        ("", NginxLogFormat.Error.empty),
        ("  \n ", .empty),
        ("log_format main;", .empty),
        ("'$msec $status", .unterminatedQuote(near: "'$msec $status")),
        ("$msec $", .danglingDollar(near: "$")),
        ("$msec $-", .danglingDollar(near: "$-")),
        ("$msec ${status", .unclosedBrace(near: "${status")),
        ("${} $msec", .invalidVariableName(near: "${} $msec")),
        ("${a-b} $msec", .invalidVariableName(near: "${a-b} $msec")),
        (#"$remote_addr "$request" $status"#, .noTimeVariable),
    ])
    func badFormatsThrowAnError(format: String, expected: NginxLogFormat.Error) {
        #expect(throws: expected) { try NginxLogFormat(format) }
    }

    @Test func errorDescriptionsTellTheOperatorWhatToDo() {
        #expect(
            NginxLogFormat.Error.danglingDollar(near: "$ x").description
                == #"nginx log_format: '$' at "$ x" is not followed by a variable name; write $name or ${name}"#)
        #expect(
            NginxLogFormat.Error.noTimeVariable.description
                == "nginx log_format has no time variable; logview needs $time_local, $time_iso8601 or $msec to place lines in time"
        )
    }

    @Test func makeParserRejectsABadFormat() {
        let options = FormatOptions(zone: .utc, nginxLogFormat: "$msec ${status")
        #expect(throws: NginxLogFormat.Error.unclosedBrace(near: "${status")) {
            _ = try NginxAccessFormat().makeParser(options)
        }
    }
}
