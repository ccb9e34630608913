import Foundation
import LogviewCore
@testable import LogviewSources
import Testing

/// Discovery against generated Debian layouts (nginx with vhosts and custom log_formats).
@Suite struct DiscoveryNginxTests {
    static let nginxConf = """
        user www-data;
        worker_processes auto;
        pid /run/nginx.pid;
        error_log /var/log/nginx/error.log;
        include /etc/nginx/modules-enabled/*.conf;

        events {
        \tworker_connections 768;
        }

        http {
        \tsendfile on;
        \t# log_format commented 'not this one';
        \tlog_format main '$remote_addr - $remote_user [$time_local] "$request" '
        \t                '$status $body_bytes_sent "$http_referer" '
        \t                '"$http_user_agent" rid=$request_id rt=$request_time';
        \taccess_log /var/log/nginx/access.log main;
        \tinclude /etc/nginx/conf.d/*.conf;
        \tinclude /etc/nginx/sites-enabled/*;
        }

        """

    static let formats = """
        log_format timed "$time_iso8601 $remote_addr \\"$request\\" $status $request_time $request_id";
        log_format api escape=json '{"time_iso8601":"$time_iso8601","status":$status,"request_id":"$request_id"}';
        """

    static let shop = """
        server {
            listen 80;
            server_name shop.example;
            access_log /var/log/nginx/shop.access.log timed;
            error_log /var/log/nginx/shop.error.log warn;
            location /api/ {
                access_log /var/log/nginx/api.json.log api;
                proxy_pass http://127.0.0.1:8080;
            }
            location /status { access_log off; }
        }
        """

    static let legacy = """
        server {
            server_name legacy.example;
            access_log /var/log/nginx/access.log main;   # shared with the default server
            access_log syslog:server=unix:/dev/log;
            access_log /var/log/nginx/$host.access.log;
            access_log /var/log/nginx/gone.log undefined_format;
        }
        """

    static func debianNginx() throws -> DiscoveryFixture {
        let f = try DiscoveryFixture()
        try f.write("/etc/nginx/nginx.conf", nginxConf)
        try f.directory("/etc/nginx/modules-enabled")
        try f.write("/etc/nginx/conf.d/formats.conf", formats)
        try f.write("/etc/nginx/sites-enabled/shop", shop)
        try f.write("/etc/nginx/sites-enabled/legacy", legacy)
        try f.write("/var/log/nginx/access.log",
            #"10.0.0.1 - - [30/Jan/2026:14:02:03 +0900] "GET / HTTP/1.1" 200 12 "-" "curl/8" rid=abc rt=0.010"# + "\n")
        try f.write("/var/log/nginx/access.log.1",
            #"10.0.0.1 - - [29/Jan/2026:14:02:03 +0900] "GET /old HTTP/1.1" 200 12 "-" "curl/8" rid=abd rt=0.010"# + "\n")
        try f.write("/var/log/nginx/error.log", "2026/01/30 14:02:04 [error] 12#12: *1 upstream timed out\n")
        try f.write("/var/log/nginx/shop.access.log",
            #"2026-01-30T14:02:05+09:00 10.0.0.2 "GET /cart HTTP/1.1" 200 0.031 f00d"# + "\n")
        try f.write("/var/log/nginx/shop.error.log", "2026/01/30 14:02:06 [warn] 12#12: *2 an upstream response is buffered\n")
        try f.write("/var/log/nginx/api.json.log", #"{"time_iso8601":"2026-01-30T14:02:07+09:00","status":200,"request_id":"beef"}"# + "\n")
        try f.write("/var/log/nginx/www.example.access.log",
            #"10.0.0.3 - - [30/Jan/2026:14:02:08 +0900] "GET / HTTP/1.1" 200 12 "-" "curl/8""# + "\n")
        return f
    }

    @Test func findsEveryVhostLogWithItsFormat() throws {
        let f = try Self.debianNginx()
        let report = Discovery.run(Discovery.Options(root: DiscoveryRoot(f.path)))
        #expect(report.text(root: DiscoveryRoot(f.path)) == """
            Root: \(f.path)
            Read:
              nginx: /etc/nginx/nginx.conf and 3 included files, read directly
            Sources:
              nginx                     nginx-access  /var/log/nginx/access.log  (access_log at /etc/nginx/nginx.conf:17, log_format main)
              nginx-shop.access         nginx-access  /var/log/nginx/shop.access.log  (access_log at /etc/nginx/sites-enabled/shop:4, log_format timed)
              nginx-api.json            nginx-json    /var/log/nginx/api.json.log  (access_log at /etc/nginx/sites-enabled/shop:7, log_format api)
              nginx-www.example.access  nginx-access  /var/log/nginx/www.example.access.log  (access_log at /etc/nginx/sites-enabled/legacy:5, log_format combined)
              nginx-error               nginx-error   /var/log/nginx/error.log  (error_log at /etc/nginx/nginx.conf:4)
              nginx-shop.error          nginx-error   /var/log/nginx/shop.error.log  (error_log at /etc/nginx/sites-enabled/shop:5)
            Skipped:
              /etc/nginx/sites-enabled/legacy:4: logs to syslog (syslog:server=unix:/dev/log): read it from the journal or syslog file
              /var/log/nginx/gone.log: access_log at /etc/nginx/sites-enabled/legacy:6 uses log_format 'undefined_format', which is not defined
              /etc/postgresql: not found (PostgreSQL is not configured here)

            """)
    }

    @Test func discoveredSourcesLoadWithTheirLogFormats() throws {
        let f = try Self.debianNginx()
        let report = Discovery.run(Discovery.Options(root: DiscoveryRoot(f.path)))
        let specs = report.sources.compactMap { s -> SourceSpec? in
            if case .files(let spec) = s.argument { return spec }
            return nil
        }
        let loaded = SourceLoader.load(specs, settings: LoadSettings(defaultZone: ZoneRules(fixedOffset: 9 * 3600)))
        #expect(loaded.problems == [])
        let byName = Dictionary(uniqueKeysWithValues: loaded.sources.map { ($0.name, $0) })
        #expect(byName["nginx"]?.formatName == "nginx-access")
        // access.log.1 is read too (oldest first), as part of the rotated set.
        #expect(byName["nginx"]?.entries.timestamps == [1_769_662_923_000_000_000, 1_769_749_323_000_000_000])
        #expect(byName["nginx-shop.access"]?.formatName == "nginx-access")
        #expect(byName["nginx-shop.access"]?.entries.timestamps == [1_769_749_325_000_000_000])
        #expect(byName["nginx-shop.access"]?.entries.count == 1)
        #expect(byName["nginx-api.json"]?.formatName == "nginx-json")
        #expect(byName["nginx-api.json"]?.entries.timestamps == [1_769_749_327_000_000_000])
        #expect(byName["nginx-error"]?.entries.timestamps == [1_769_749_324_000_000_000])
        #expect(byName["nginx-www.example.access"]?.entries.timestamps == [1_769_749_328_000_000_000])
    }

    @Test func hostileConfigIsReportedAndReadingGoesOn() throws {
        let f = try DiscoveryFixture()
        try f.write("/etc/nginx/nginx.conf", """
            http {
                frobnicate on { weird; }
                include /etc/nginx/loop-a.conf;
                include /etc/nginx/missing.conf;
                include /etc/nginx/fifo.conf;
                include /etc/nginx/dir.conf;
                include /etc/nginx/broken.conf;
                include /etc/nginx/self.conf;
                access_log /var/log/nginx/access.log;
            }
            """)
        try f.write("/etc/nginx/loop-a.conf", "include loop-b.conf;\nerror_log /var/log/nginx/a.log;\n")
        try f.write("/etc/nginx/loop-b.conf", "include /etc/nginx/loop-a.conf;\n")
        f.fifo("/etc/nginx/fifo.conf")
        try f.directory("/etc/nginx/dir.conf")
        try f.write("/etc/nginx/broken.conf", "error_log /var/log/nginx/b.log;\nlog_format x '$remote_addr\n;\n")
        try f.symlink("/etc/nginx/self.conf", to: f.path + "/etc/nginx/self.conf")
        try f.write("/var/log/nginx/access.log",
            #"10.0.0.1 - - [30/Jan/2026:14:02:03 +0900] "GET / HTTP/1.1" 200 12 "-" "curl/8""# + "\n")
        try f.write("/var/log/nginx/b.log", "2026/01/30 14:02:04 [error] 12#12: *1 boom\n")
        let report = Discovery.run(Discovery.Options(root: DiscoveryRoot(f.path)))
        #expect(report.text(root: DiscoveryRoot(f.path)) == """
            Root: \(f.path)
            Read:
              nginx: /etc/nginx/nginx.conf and 3 included files, read directly
            Sources:
              nginx    nginx-access  /var/log/nginx/access.log  (access_log at /etc/nginx/nginx.conf:9, log_format combined)
              nginx-b  nginx-error   /var/log/nginx/b.log  (error_log at /etc/nginx/broken.conf:1)
            Skipped:
              /etc/nginx/loop-a.conf: include loop (included from /etc/nginx/loop-b.conf:1): already being read, skipped
              /etc/nginx/missing.conf: cannot read: no such file (included from /etc/nginx/nginx.conf:4)
              /etc/nginx/fifo.conf: cannot read: not a regular file (included from /etc/nginx/nginx.conf:5)
              /etc/nginx/dir.conf: cannot read: is a directory (included from /etc/nginx/nginx.conf:6)
              /etc/nginx/broken.conf:2: unterminated single quote; the rest of this file is skipped
              /etc/nginx/self.conf: cannot read: too many symbolic links (included from /etc/nginx/nginx.conf:8)
              /var/log/nginx/a.log: not found (nothing logged there yet?)
              /etc/postgresql: not found (PostgreSQL is not configured here)

            """)
    }

    @Test func unreadableConfigIsReported() throws {
        let f = try DiscoveryFixture()
        try f.write("/etc/nginx/nginx.conf", "http { include /etc/nginx/private.conf; }\n")
        try f.write("/etc/nginx/private.conf", "access_log /var/log/nginx/private.log;\n")
        chmod(f.path + "/etc/nginx/private.conf", 0)
        let report = Discovery.run(Discovery.Options(root: DiscoveryRoot(f.path)))
        if geteuid() == 0 {
            // root reads mode-0 files: the include is read and its (missing) log reported.
            #expect(report.skipped.first == SkippedItem(what: "/var/log/nginx/private.log", reason: "no such file"))
        } else {
            #expect(report.skipped.first == SkippedItem(
                what: "/etc/nginx/private.conf", reason: "cannot read: permission denied (included from /etc/nginx/nginx.conf:1)"))
        }
    }

    @Test func nginxDumpOutputIsSplitIntoFiles() {
        let dump = NginxDump(parsing: Array("""
            nginx: the configuration file /etc/nginx/nginx.conf syntax is ok
            # configuration file /etc/nginx/nginx.conf:
            http { include /etc/nginx/sites-enabled/*; }

            # configuration file /etc/nginx/sites-enabled/a:
            access_log /var/log/nginx/a.log;

            """.utf8))
        #expect(dump.order == ["/etc/nginx/nginx.conf", "/etc/nginx/sites-enabled/a"])
        let conf = NginxConfReader.read("/etc/nginx/nginx.conf", files: dump)
        #expect(conf.accessLogs == [.init(path: "/var/log/nginx/a.log", formatName: "combined", location: "/etc/nginx/sites-enabled/a:1")])
    }

    @Test func realNginxDashTIsRead() throws {
        // The real nginx prints its configuration; discovery reads that instead of the files.
        let nginx = "/usr/sbin/nginx"
        guard access(nginx, X_OK) == 0 else {
            Issue.record("nginx is not installed at \(nginx) (scripts/install-deps installs nginx-light)")
            return
        }
        let f = try DiscoveryFixture()
        try f.write("/conf/nginx.conf", """
            pid \(f.path)/nginx.pid;
            error_log \(f.path)/error.log;
            events {}
            http {
                access_log \(f.path)/access.log;
                client_body_temp_path \(f.path)/tmp;
                proxy_temp_path \(f.path)/tmp;
                fastcgi_temp_path \(f.path)/tmp;
                uwsgi_temp_path \(f.path)/tmp;
                scgi_temp_path \(f.path)/tmp;
                include \(f.path)/conf/vhost.conf;
            }
            """)
        try f.write("/conf/vhost.conf", "server { listen 127.0.0.1:1; access_log \(f.path)/vhost.log; }\n")
        let dump = try #require(NginxDump.run([nginx, "-T", "-q", "-p", f.path + "/", "-c", f.path + "/conf/nginx.conf"]))
        #expect(dump.order == [f.path + "/conf/nginx.conf", f.path + "/conf/vhost.conf"])
        let conf = NginxConfReader.read(dump.mainFile!, files: dump)
        #expect(conf.accessLogs.map(\.path) == [f.path + "/access.log", f.path + "/vhost.log"])
        #expect(conf.errorLogs.map(\.path) == [f.path + "/error.log"])
    }
}
