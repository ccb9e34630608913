import LogviewCore
import Testing

@Suite struct TOMLTests {
    @Test func readsAConfigShapedDocument() throws {
        let doc = try TOML.parse(#"""
            # logview config
            theme = "dark"   # comment after a value
            window = 5
            ratio = 0.25
            follow = true
            tags = ["a", 'b', """c"""]

            [[source]]
            name = "nginx"
            path = '/var/log/nginx/access.log'
            log_format = '$remote_addr - [$time_local] "$request" rid=$request_id'

            [[source]]
            name = "pg"
            zone.name = "Asia/Seoul"
            colour = { fg = 33, bold = true }

            [layout.incident]
            panes = [
              { source = "nginx" },   # trailing comma allowed
              { source = "pg", level = "warn" },
            ]
            """#)
        #expect(doc.keys == ["theme", "window", "ratio", "follow", "tags", "source", "layout"])
        #expect(doc["theme"] == .string("dark"))
        #expect(doc["window"] == .integer(5))
        #expect(doc["ratio"] == .float(0.25))
        #expect(doc["follow"] == .bool(true))
        #expect(doc["tags"] == .array([.string("a"), .string("b"), .string("c")]))
        #expect(doc.line(of: "window") == 3)
        guard case .array(let sources)? = doc["source"], case .table(let nginx) = sources[0], case .table(let pg) = sources[1]
        else { Issue.record("no [[source]] array"); return }
        #expect(sources.count == 2)
        #expect(nginx["log_format"] == .string(#"$remote_addr - [$time_local] "$request" rid=$request_id"#))
        #expect(nginx.line(of: "path") == 10)
        guard case .table(let zone)? = pg["zone"], case .table(let colour)? = pg["colour"] else {
            Issue.record("no nested tables"); return
        }
        #expect(zone["name"] == .string("Asia/Seoul"))
        #expect(colour["fg"] == .integer(33) && colour["bold"] == .bool(true))
        guard case .table(let layout)? = doc["layout"], case .table(let incident)? = layout["incident"],
            case .array(let panes)? = incident["panes"]
        else { Issue.record("no layout"); return }
        #expect(panes.count == 2)
        #expect(incident.line == 18)
    }

    @Test func stringsAndNumbers() throws {
        let doc = try TOML.parse(#"""
            a = "tab\there \u00e9 \"q\" \\ \e[0m"
            b = """
            line one
            line two \
               continued"""
            c = '''
            raw \n'''
            d = 1_000
            e = 0x1f
            f = 6.02e23
            g = -inf
            """#)
        #expect(doc["a"] == .string("tab\there é \"q\" \\ \u{1B}[0m"))
        #expect(doc["b"] == .string("line one\nline two continued"))
        #expect(doc["c"] == .string("raw \\n"))
        #expect(doc["d"] == .integer(1000))
        #expect(doc["e"] == .integer(31))
        #expect(doc["f"] == .float(6.02e23))
        #expect(doc["g"] == .float(-.infinity))
    }

    @Test(arguments: [
        ("a = ", "line 1, column 5: expected a value"),
        ("a = \"open", "line 1, column 10: unterminated string: expected '\"'"),
        ("x = 1\nx = 2", "line 2, column 6: key 'x' is defined twice"),
        ("[t]\n[t]", "line 2, column 4: table [t] is defined twice"),
        ("a = dark", "line 1, column 9: 'dark' is not a value; quote text, e.g. \"dark\""),
        ("a = 1 2", "line 1, column 7: expected the end of the line"),
        ("a = [1, 2", "line 1, column 10: unterminated array: expected ']'"),
        ("= 3", "line 1, column 1: expected a key"),
        ("a = 2026-01-30", "line 1, column 15: '2026-01-30' is not a valid value (dates and times are not supported; quote them)"),
        ("a = \"\\q\"", "line 1, column 7: unknown escape '\\q'"),
        ("a = 1\n[a]", "line 2, column 4: 'a' is already a value, not a table"),
        ("a = {b = 1}\n[a]", "line 2, column 4: 'a' was defined inline and cannot be extended"),
        ("a = 007", "line 1, column 8: '007': leading zeros are not allowed"),
    ])
    func errorsNameLineAndColumn(text: String, message: String) {
        #expect(throws: TOML.Error.self) { try TOML.parse(text) }
        do {
            _ = try TOML.parse(text)
        } catch {
            #expect(error.description == message)
        }
    }
}
