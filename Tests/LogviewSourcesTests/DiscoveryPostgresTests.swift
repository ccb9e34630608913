import Foundation
import LogviewCore
@testable import LogviewSources
import Testing

/// Discovery of PostgreSQL 15 clusters in generated Debian layouts.
@Suite struct DiscoveryPostgresTests {
    /// Debian's postgresql.conf, abridged to the settings that matter and some noise around them.
    static func debianConf(_ extra: String) -> String {
        """
        # PostgreSQL configuration file
        data_directory = '/var/lib/postgresql/15/main'\t\t# use data in another directory
        hba_file = '/etc/postgresql/15/main/pg_hba.conf'
        port = 5432\t\t\t\t# (change requires restart)
        max_connections = 100
        shared_buffers = 128MB
        #logging_collector = off
        log_line_prefix = '%m [%p] %q%u@%d '\t\t# special values:
        log_timezone = 'Etc/UTC'
        cluster_name = '15/main'
        \(extra)
        include_dir = 'conf.d'
        """
    }

    static let stderrLine = "2026-01-30 05:02:03.123 UTC [4242] app@shop LOG:  duration: 1.204 ms  statement: select 1\n"

    @Test func withoutTheCollectorReadsDebiansStderrLog() throws {
        let f = try DiscoveryFixture()
        try f.write("/etc/postgresql/15/main/postgresql.conf", Self.debianConf(""))
        try f.directory("/etc/postgresql/15/main/conf.d")
        try f.write("/var/log/postgresql/postgresql-15-main.log", Self.stderrLine)
        try f.write("/var/log/postgresql/postgresql-15-main.log.1", Self.stderrLine)
        let report = Discovery.run(Discovery.Options(root: DiscoveryRoot(f.path)))
        #expect(report.text(root: DiscoveryRoot(f.path)) == """
            Root: \(f.path)
            Read:
              postgresql 15/main: /etc/postgresql/15/main/postgresql.conf
            Sources:
              postgresql  postgresql  /var/log/postgresql/postgresql-15-main.log  (cluster 15/main, logging_collector off (Debian's stderr log), log_line_prefix '%m [%p] %q%u@%d ', log_timezone Etc/UTC)
            Skipped:
              /etc/nginx/nginx.conf: not found (nginx is not configured here)

            """)
        guard case .files(let spec) = report.sources[0].argument else { Issue.record("not a file source"); return }
        #expect(spec.path == f.path + "/var/log/postgresql/postgresql-15-main.log*")
        #expect(spec.postgresLinePrefix == "%m [%p] %q%u@%d ")
        let loaded = SourceLoader.load([spec], settings: LoadSettings(defaultZone: .utc))
        #expect(loaded.problems == [])
        #expect(loaded.sources.map(\.formatName) == ["postgresql"])
        #expect(loaded.sources.first?.entries.timestamps == [1_769_749_323_123_000_000, 1_769_749_323_123_000_000])
    }

    @Test func withTheCollectorAndCsvlogReadsTheCsvFromConfD() throws {
        let f = try DiscoveryFixture()
        try f.write("/etc/postgresql/15/main/postgresql.conf", Self.debianConf("log_destination = 'stderr'"))
        // conf.d overrides the main file, later files override earlier ones.
        try f.write("/etc/postgresql/15/main/conf.d/10-logging.conf", """
            logging_collector = on
            log_destination = 'stderr,csvlog'   # both
            log_filename = 'postgresql-%a.log'
            log_timezone = 'Asia/Seoul'
            """)
        try f.write("/etc/postgresql/15/main/conf.d/20-prefix.conf", "log_line_prefix = '%t [%p]: '\n")
        try f.write("/etc/postgresql/15/main/conf.d/README", "not a .conf file, not read\n")
        let csv = #"2026-01-30 14:02:03.123 KST,"app","shop",4242,"127.0.0.1:5000",65b8,1,"SELECT",2026-01-30 14:02:00 KST,3/7,0,LOG,00000,"duration: 1.204 ms  statement: select 1",,,,,,,,,"psql","client backend",,0"# + "\n"
        try f.write("/var/lib/postgresql/15/main/log/postgresql-Fri.csv", csv)
        try f.write("/var/lib/postgresql/15/main/log/postgresql-Fri.log", "2026-01-30 14:02:03 KST [4242]: LOG:  duration: 1.204 ms\n")
        let report = Discovery.run(Discovery.Options(root: DiscoveryRoot(f.path)))
        #expect(report.text(root: DiscoveryRoot(f.path)) == """
            Root: \(f.path)
            Read:
              postgresql 15/main: /etc/postgresql/15/main/postgresql.conf and 2 included files
            Sources:
              postgresql  postgresql-csv  /var/lib/postgresql/15/main/log/postgresql-*.csv  (cluster 15/main, logging_collector on, log_destination csvlog, log_timezone Asia/Seoul)
            Skipped:
              /etc/nginx/nginx.conf: not found (nginx is not configured here)
              postgresql 15/main stderr: same events as its csvlog, which is read instead
              /var/log: not found

            """)
        guard case .files(let spec) = report.sources[0].argument else { Issue.record("not a file source"); return }
        let loaded = SourceLoader.load([spec], settings: LoadSettings(defaultZone: .utc))
        #expect(loaded.problems == [])
        #expect(loaded.sources.map(\.formatName) == ["postgresql-csv"])
        #expect(loaded.sources.first?.entries.timestamps == [1_769_749_323_123_000_000])
    }

    @Test func csvlogWithoutTheCollectorAndAMissingLogAreExplained() throws {
        let f = try DiscoveryFixture()
        try f.write("/etc/postgresql/15/main/postgresql.conf", Self.debianConf("log_destination = 'csvlog,syslog'\ninclude 'missing.conf'\nbroken line = 'unterminated\n"))
        try f.write("/etc/postgresql/16/replica/postgresql.conf", "logging_collector = on\nlog_directory = '/var/log/pg16'\n")
        let report = Discovery.run(Discovery.Options(root: DiscoveryRoot(f.path)))
        #expect(report.text(root: DiscoveryRoot(f.path)) == """
            Root: \(f.path)
            Read:
              postgresql 15/main: /etc/postgresql/15/main/postgresql.conf
              postgresql 16/replica: /etc/postgresql/16/replica/postgresql.conf
            Sources:
              none found
            Skipped:
              /etc/nginx/nginx.conf: not found (nginx is not configured here)
              /etc/postgresql/15/main/missing.conf: cannot read: no such file (included from /etc/postgresql/15/main/postgresql.conf:12)
              /etc/postgresql/15/main/postgresql.conf:13: cannot understand this line, skipped
              /etc/postgresql/15/main/conf.d: cannot list: no such file (included from /etc/postgresql/15/main/postgresql.conf:15)
              postgresql 15/main syslog: logs to syslog: read it from the journal or syslog file
              postgresql 15/main csvlog: csvlog needs logging_collector = on (it is off)
              /var/log/pg16: not found (log_directory at /etc/postgresql/16/replica/postgresql.conf:2; the server has not logged yet?)
              /var/log: not found

            """)
    }

    @Test func settingLinesParse() {
        #expect(PostgresConfReader.parseLine(Array("log_line_prefix = '%m [%p] ''q'' '  # c".utf8))! == ("log_line_prefix", "%m [%p] 'q' "))
        #expect(PostgresConfReader.parseLine(Array("Logging_Collector on".utf8))! == ("logging_collector", "on"))
        #expect(PostgresConfReader.parseLine(Array("   # only a comment".utf8))! == ("", ""))
        #expect(PostgresConfReader.parseLine(Array("log_directory = 'a' trailing".utf8)) == nil)
        #expect(PostgresConfReader.parseLine(Array("= 'no name'".utf8)) == nil)
    }

    @Test func strftimeFilenamesBecomeGlobs() {
        #expect(Discovery.strftimeAsGlob("postgresql-%Y-%m-%d_%H%M%S.log") == "postgresql-*-*-*_*.log")
        #expect(Discovery.strftimeAsGlob("pg-%a-100%%.log") == "pg-*-100%.log")
    }
}

/// The journal's units and the rest of /var/log.
@Suite struct DiscoveryJournalAndVarLogTests {
    @Test func journalUnitsBecomeSourcesAndHousekeepingIsSkipped() {
        // The journal reader is another component; the units it would list are given here.
        let (sources, skipped) = Discovery.journalSources(
            units: ["backend.service", "ai.service", "wg-quick@wg0.service", "ssh.service", "systemd-journald.service",
                "cron.service", "nginx.service", "postgresql@15-main.service", "kernel", "kernel:wireguard", "session-3.scope"],
            fileBackedServers: ["nginx"])
        #expect(sources.map(\.argument) == [
            .journal(":ai.service"), .journal(":backend.service"), .journal("-kernel:wireguard"), .journal(":postgresql@15-main.service"),
            .journal(":ssh.service"), .journal(":wg-quick@wg0.service"),
        ])
        #expect(sources.map(\.name) == ["ai", "backend", "wireguard", "postgresql@15-main", "ssh", "wg-quick@wg0"])
        #expect(sources.map(\.reason) == [
            "service unit that logged recently", "service unit that logged recently", "WireGuard kernel messages in the journal",
            "service unit that logged recently", "SSH server unit that logged recently", "WireGuard interface unit that logged recently",
        ])
        #expect(skipped.map(\.description) == [
            "journal cron.service: system housekeeping unit",
            "journal kernel messages: not opened by default (name journal-kernel to read them)",
            "journal nginx.service: its logs are the nginx files found above",
            "journal systemd-journald.service: system housekeeping unit",
        ])
    }

    @Test func varLogIsSampledAndJournalReported() throws {
        let f = try DiscoveryFixture()
        try f.write("/var/log/syslog", "2026-01-30T14:02:03.123456+09:00 web1 backend[311]: started\n")
        try f.write("/var/log/syslog.1", "2026-01-29T14:02:03.123456+09:00 web1 backend[311]: older\n")
        try f.write("/var/log/syslog.2.gz", bytes: [0x1F, 0x8B, 0x08, 0x00])
        try f.write("/var/log/auth.log", "Jan 30 14:02:09 web1 sshd[900]: Failed password for root from 203.0.113.9 port 2222 ssh2\n")
        try f.write("/var/log/ai/ai.log", "2026-01-30 14:02:04,511 INFO [uvicorn.access] 10.0.0.5:1 - \"GET /predict HTTP/1.1\" 200\n")
        try f.write("/var/log/wtmp", bytes: [0, 1, 2, 3])
        try f.write("/var/log/blob.log", bytes: [0x41, 0, 0x42, 0x0A])
        try f.write("/var/log/empty.log", "")
        try f.write("/var/log/notes.txt", "just words\nno times\n")
        try f.write("/var/log/old.log.1.gz", bytes: [0x1F, 0x8B])
        try f.directory("/var/log/journal/0123456789abcdef")
        try f.directory("/var/log/a/b/c")
        let root = DiscoveryRoot(f.path)
        var options = Discovery.Options(root: root)
        #expect(Discovery.run(options).text(root: root) == """
            Root: \(f.path)
            Read:
              journal: /var/log/journal (persistent)
            Sources:
              ai      python  /var/log/ai/ai.log  (found in /var/log: 1 of 1 sampled lines read as python)
              auth    syslog  /var/log/auth.log  (found in /var/log: 1 of 1 sampled lines read as syslog)
              syslog  syslog  /var/log/syslog  (found in /var/log: 1 of 1 sampled lines read as syslog)
            Skipped:
              /etc/nginx/nginx.conf: not found (nginx is not configured here)
              /etc/postgresql: not found (PostgreSQL is not configured here)
              journal: no journal reader connected yet: units are not listed
              /var/log/a/b/c/: deeper than 3 levels, not scanned
              /var/log/wtmp: binary file (not a text log)
              /var/log/blob.log: binary file (not a text log)
              /var/log/empty.log: empty
              /var/log/notes.txt: no known log format in its first lines
              /var/log/old.log: only compressed rotations, no current log

            """)
        // With a journal reader, the journal under another root is one source.
        options.journal = ClosureJournalUnitLister { dirs in
            #expect(dirs == [f.path + "/var/log/journal"])
            return ["backend.service"]
        }
        let report = Discovery.run(options)
        #expect(report.sources.first == DiscoveredSource(
            name: "journal", argument: .journal("-dir:\(f.path)/var/log/journal"), format: "journal",
            location: "/var/log/journal", reason: "the journal under the root (units: 1)"))
        let syslog = try #require(report.sources.first { $0.name == "syslog" })
        #expect(syslog.argument == .files(SourceSpec(name: "syslog", path: f.path + "/var/log/syslog*")))
    }
}
