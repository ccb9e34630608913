import LogviewCore

extension App {
    /// Editing keys of the open prompt; Enter runs it, Esc (or Backspace on empty) cancels.
    mutating func promptKey(_ key: Key) {
        guard var p = prompt else { return }
        switch key {
        case .escape:
            prompt = nil
        case .enter:
            prompt = nil
            submit(p)
        case .backspace:
            if p.text.isEmpty {
                prompt = nil
            } else {
                p.text.removeLast()
                prompt = p
            }
        case .control("u"):
            p.text = ""
            prompt = p
        case .tab where p.kind == .command:
            p.text = App.complete(p.text)
            prompt = p
        case .character(let c):
            p.text.append(c)
            prompt = p
        default:
            break
        }
    }

    /// Completes a command name: the unique name that starts with the text (or the common
    /// start of several).
    static func complete(_ text: String) -> String {
        guard !text.contains(" ") else { return text }
        let matches = KeyMap.commandNames.filter { $0.hasPrefix(text) }
        if matches.count == 1 { return matches[0] + " " }
        guard var common = matches.first else { return text }
        for m in matches.dropFirst() {
            while !m.hasPrefix(common) { common.removeLast() }
        }
        return common.count > text.count ? common : text
    }

    mutating func submit(_ p: Prompt) {
        switch p.kind {
        case .command:
            run(p.text)
        case .searchForward, .searchBackward:
            guard !p.text.isEmpty else {
                searchAgain(reverse: false)
                return
            }
            guard let pattern = compile(p.text) else { return }
            search = (pattern, p.kind == .searchBackward)
            find(pattern, backward: p.kind == .searchBackward, from: panes[focus].cursor)
        case .filter:
            // `!RE` drops matches; `\!RE` keeps lines matching a literal `!` pattern.
            let drops = p.text.hasPrefix("!")
            var text = drops ? String(p.text.dropFirst()) : p.text
            if text.hasPrefix("\\!") { text.removeFirst() }
            guard !text.isEmpty, let pattern = compile(text) else { return }
            var f = panes[focus].filter
            if drops { f.exclude.append(pattern) } else { f.include.append(pattern) }
            setFilter(f)
        }
    }

    /// The pattern, or nil with the reason shown at the bottom.
    mutating func compile(_ text: String) -> Pattern? {
        do {
            return try Pattern(text)
        } catch {
            fail("bad regular expression '\(VisibleText.string(text))': \(error)")
            return nil
        }
    }

    /// Runs a `:` command line.
    mutating func run(_ line: String) {
        let trimmed = line.trimmingBlanks
        guard !trimmed.isEmpty else { return }
        let name = String(trimmed.prefix { $0 != " " })
        let argument = String(trimmed.dropFirst(name.count)).trimmingBlanks
        let matches = KeyMap.commandNames.filter { $0.hasPrefix(name) }
        guard let command = KeyMap.commandNames.contains(name) ? name : (matches.count == 1 ? matches[0] : nil) else {
            fail(matches.isEmpty ? "unknown command '\(VisibleText.string(name))' (:help lists them)"
                : "ambiguous command '\(name)': \(matches.joined(separator: ", "))")
            return
        }
        switch command {
        case "goto":
            guard let t = time(argument) else { return }
            moveCursor(to: panes[focus].rows.row(nearest: t, in: timeline))
            centre(focus)
        case "since", "until":
            var bound: Timestamp?
            if !argument.isEmpty {
                guard let t = time(argument) else { return }
                bound = t
            }
            let anchor = selectedEntry(focus)
            for p in panes.indices {
                var f = panes[p].filter
                if command == "since" { f.since = bound } else { f.until = bound }
                panes[p].filter = f
                panes[p].rows = PaneRows.build(timeline, filter: f, pivots: pivots)
                place(p, near: anchor.map { timeline.timestamp($0) })
            }
        case "window":
            guard !argument.isEmpty else {
                message = Message(text: "window ±\(TimeSpanText.format(windowHalfWidth))", isError: false)
                return
            }
            do {
                let w = try DurationExpression.parse(argument)
                guard w.nanoseconds > 0 else { return fail("the window must be longer than 0") }
                setWindow(w)
            } catch {
                fail("\(error)")
            }
        case "filter", "exclude":
            guard !argument.isEmpty else { return fail("\(command) needs a pattern") }
            guard let pattern = compile(argument) else { return }
            var f = panes[focus].filter
            if command == "filter" { f.include.append(pattern) } else { f.exclude.append(pattern) }
            setFilter(f)
        case "level":
            var f = panes[focus].filter
            if argument.isEmpty || argument == "all" {
                f.minimumLevel = nil
            } else {
                guard let l = Level(name: argument) else {
                    return fail("unknown level '\(VisibleText.string(argument))': trace, debug, info, notice, warn, error, crit")
                }
                f.minimumLevel = l
            }
            setFilter(f)
        case "source":
            var f = panes[focus].filter
            if argument.isEmpty || argument == "all" {
                f.hiddenSources = []
            } else {
                let wanted = Set(argument.split(separator: ",").map { String($0).trimmingBlanks })
                let unknown = wanted.subtracting(sourceNames)
                guard unknown.isEmpty else {
                    return fail("no source named \(unknown.sorted().joined(separator: ", ")) (sources: \(sourceNames.joined(separator: ", ")))")
                }
                f.hiddenSources = Set(sourceNames.indices.filter { !wanted.contains(sourceNames[$0]) })
            }
            setFilter(f)
        case "clear":
            var f = panes[focus].filter
            f.include = []
            f.exclude = []
            f.minimumLevel = nil
            f.hiddenSources = []
            setFilter(f)
        case "split": split(.stacked)
        case "vsplit": split(.sideBySide)
        case "close": closePane()
        case "wrap": apply(.toggleWrap)
        case "histogram": apply(.toggleHistogram)
        case "help":
            showHelp = true
            helpScroll = 0
        case "quit": shouldQuit = true
        default: break
        }
    }

    mutating func fail(_ text: String) {
        message = Message(text: text, isError: true)
    }

    /// A time typed by the operator. A bare clock time (`14:02:30`) means that time on the day of
    /// the selected entry, not today: logs are usually read after the fact.
    mutating func time(_ text: String) -> Timestamp? {
        guard !text.isEmpty else {
            fail("a time is needed: 14:02:30, 2026-01-30 14:02, -5m")
            return nil
        }
        var reference = now
        if text.first?.isNumber == true && !text.contains("-") && text.contains(":"),
            let ref = selectedEntry(focus)
        {
            reference = timeline.timestamp(ref)
        }
        do {
            return try TimeExpression.parse(text, now: reference, zone: zone)
        } catch {
            fail("\(error)")
            return nil
        }
    }
}

extension String {
    var trimmingBlanks: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
