#if canImport(Glibc)
import Glibc
#endif
import LogviewCore

/// A small, deterministic incident written to a temporary directory for `--demo`: nginx in front
/// of a Spring Boot backend, a Python/uvicorn AI service and PostgreSQL, with one failing request,
/// an AI timeout, a rate-limited attacker, a DoS burst, a run of failed logins (sshd and
/// PostgreSQL), journal-style system lines and hostile bytes. Real files, so the demo exercises the
/// same path as a server's logs; `remove(_:)` deletes them when the program is done with them.
public enum DemoCorpus {
    public static let nginxLogFormat =
        #"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" rid=$request_id rt=$request_time"#
    /// The demo hosts run in Korea Standard Time, with PostgreSQL printing `KST`.
    public static let zone = ZoneRules(fixedOffset: 9 * 3600, name: "KST")

    public struct Written {
        public var directory: String
        public var specs: [SourceSpec]
    }

    public struct Error: Swift.Error, CustomStringConvertible {
        public var description: String
    }

    /// Writes the files and returns the sources to open.
    public static func write() throws -> Written {
        var template = Array("/tmp/logview-demo-XXXXXX".utf8CString)
        guard let dir = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw Error(description: "cannot create a directory for the demo in /tmp")
        }
        let root = String(cString: dir)
        var nginx = "", backend = "", postgres = "", nginxErrors = "", system = ""
        var ai: [UInt8] = []
        let base: Int64 = 1_769_749_320  // 2026-01-30 14:02:00 KST
        var pid = 41_000
        for n in 0..<12 {
            let rid = hex(UInt64(n) &* 0x9E37_79B9_7F4A_7C15 ^ 0xA5A5, 32)
            let trace = hex(UInt64(n) &* 0xC2B2_AE3D_27D4_EB4F ^ 0x1234, 32)
            let span = hex(UInt64(n) &* 0x1656_67B1_9E37_79F9, 16)
            let startMs = base * 1000 + Int64(n) * 4_700
            let failing = n == 7
            let user = 40 + n
            pid += 1
            backend += spring(startMs + 2, "INFO", trace, span, rid, "c.e.shop.web.UserController", "Fetching user \(user)")
            if n % 3 == 1 || n == 9 {  // the backend asks the AI service for recommendations
                ai += Array(python(startMs + 3, "INFO", rid, "ai.api", "recommend user=\(user) model=rank-v3").utf8)
                if n == 9 {
                    ai += Array(python(startMs + 12, "ERROR", rid, "ai.api", "recommendation failed\nTraceback (most recent call last):\n  File \"/srv/ai/app/rank.py\", line 57, in score\n    return model.predict(features, timeout=0.01)\nTimeoutError: feature store did not answer within 10 ms").utf8)
                    ai += Array(uvicorn(startMs + 13, "POST /v1/recommend HTTP/1.1", 504).utf8)
                    backend += spring(startMs + 13, " WARN", trace, span, rid, "c.e.shop.ai.RecommendationClient", "AI recommendations unavailable (504), showing defaults")
                } else {
                    ai += Array(python(startMs + 6, "INFO", rid, "ai.api", "ranked 20 items in 3 ms").utf8)
                    ai += Array(uvicorn(startMs + 6, "POST /v1/recommend HTTP/1.1", 200).utf8)
                }
            }
            postgres += pg(startMs + 5, pid, "LOG:  duration: 1.204 ms  execute <unnamed>: select u.id,u.name from users u where u.id=$1 /*request_id='\(rid)',traceparent='00-\(trace)-\(span)-01'*/")
            postgres += pg(startMs + 5, pid, "DETAIL:  parameters: $1 = '\(user)'")
            if failing {
                postgres += pg(startMs + 9, pid, "ERROR:  duplicate key value violates unique constraint \"orders_pkey\"")
                postgres += pg(startMs + 9, pid, "DETAIL:  Key (id)=(\(user)) already exists.")
                postgres += pg(startMs + 9, pid, "STATEMENT:  insert into orders (id,user_id) values ($1,$2) /*request_id='\(rid)',traceparent='00-\(trace)-\(span)-01'*/")
                postgres += pg(startMs + 10, pid, "LOG:  duration: 0.101 ms  execute S_2: ROLLBACK")
                backend += spring(startMs + 11, "ERROR", trace, span, rid, "o.a.c.c.C.[.[.[/].[dispatcherServlet]",
                    "Servlet.service() threw exception\n\norg.springframework.dao.DataIntegrityViolationException: duplicate key\n\tat com.example.shop.OrderService.create(OrderService.java:88)\n\tat com.example.shop.web.OrderController.post(OrderController.java:41)\n")
            } else {
                postgres += pg(startMs + 8, pid, "LOG:  duration: 0.087 ms  execute S_1: COMMIT")
            }
            let end = startMs + 14
            nginx += access(end, "10.0.3.\(20 + n)", failing ? "POST /api/orders HTTP/1.1" : "GET /api/users/\(user) HTTP/1.1",
                failing ? 500 : 200, rid, 14, ua: n == 3 ? "curl/8.5\u{1B}]0;pwned\u{07}\u{1B}[2J" : "Mozilla/5.0")
        }
        for k in 0..<6 {  // an attacker hammering search, rate-limited
            let t = base * 1000 + 30_000 + Int64(k) * 80
            nginx += access(t, "203.0.113.66", "GET /api/products/search?q=a HTTP/1.1", 429,
                hex(UInt64(k + 100) &* 0x9E37_79B9_7F4A_7C15, 32), 0, ua: "Go-http-client/1.1")
        }
        // A DoS burst: 40 requests in two seconds from one address; nginx's limit_req rejects most.
        for k in 0..<40 {
            let t = base * 1000 + 50_000 + Int64(k) * 50
            let limited = k >= 8
            nginx += access(t, "198.51.100.7", "GET /api/products/search?q=\(k % 5) HTTP/1.1", limited ? 503 : 200,
                hex(UInt64(k + 300) &* 0xD6E8_FEB8_6659_FD93, 32), limited ? 0 : 35, ua: "python-requests/2.31")
            if limited && k % 8 == 0 {
                nginxErrors += nginxError(t, "warn", "*\(900 + k) limiting requests, excess: \(k - 8).\(k * 37 % 1000) by zone \"api\", client: 198.51.100.7, server: shop.example, request: \"GET /api/products/search?q=\(k % 5) HTTP/1.1\", host: \"shop.example\"")
            }
        }
        // A failed-login run: an address guessing SSH and PostgreSQL passwords.
        system += syslog(base * 1000 + 20_000, "systemd[1]", "Started backend.service - Shop backend.")
        system += syslog(base * 1000 + 20_400, "systemd[1]", "Started ai.service - Recommendation service (uvicorn).")
        for k in 0..<8 {
            let t = base * 1000 + 40_000 + Int64(k) * 700
            let user = ["admin", "root", "oracle", "postgres"][k % 4]
            system += syslog(t, "sshd[\(2201 + k)]", "Failed password for \(user == "root" ? "" : "invalid user ")\(user) from 203.0.113.99 port \(51234 + k) ssh2")
            postgres += pg(t + 300, 42_000 + k, "FATAL:  password authentication failed for user \"\(user)\"", who: "\(user)@postgres")
            postgres += pg(t + 300, 42_000 + k, "DETAIL:  Connection matched pg_hba.conf line 99: \"host all all 0.0.0.0/0 scram-sha-256\"", who: "\(user)@postgres")
        }
        // Hostile bytes: an escape sequence in a user name; the viewer shows it, never obeys it.
        system += syslog(base * 1000 + 46_000, "sshd[2240]", "Invalid user \u{1B}[31mroot\u{1B}[0m\u{1B}]0;owned\u{07} from 203.0.113.99 port 51300")
        system += syslog(base * 1000 + 47_000, "kernel", "wireguard: wg0: Handshake for peer 3 (198.51.100.20:51820) did not complete after 5 seconds, retrying (try 2)")
        system += syslog(base * 1000 + 47_500, "wg-quick[3110]", "[#] wg set wg0 peer b3F0c2bW9nYWRlbW8= endpoint 198.51.100.20:51820")
        ai += Array(python(base * 1000 + 48_000, "WARNING", nil, "ai.api", "prompt contained bytes that are not UTF-8: ").utf8.dropLast())
        ai += [0xFF, 0xFE, 0x41, 0x00, 0x42, 0x0A]
        try save(Array(nginx.utf8), root + "/access.log")
        try save(Array(nginxErrors.utf8), root + "/error.log")
        try save(Array(backend.utf8), root + "/backend.log")
        try save(ai, root + "/ai.log")
        try save(Array(postgres.utf8), root + "/postgresql.log")
        try save(Array(system.utf8), root + "/syslog")
        return Written(directory: root, specs: [
            SourceSpec(name: "nginx", path: root + "/access.log"),
            SourceSpec(name: "nginx-error", path: root + "/error.log"),
            SourceSpec(name: "backend", path: root + "/backend.log"),
            SourceSpec(name: "ai", path: root + "/ai.log"),
            SourceSpec(name: "postgresql", path: root + "/postgresql.log"),
            SourceSpec(name: "syslog", path: root + "/syslog"),
        ])
    }

    static let fileNames = ["access.log", "error.log", "backend.log", "ai.log", "postgresql.log", "syslog"]

    /// Deletes the files `write()` made and their directory (nothing else: a file someone added stays).
    public static func remove(_ written: Written) {
        for name in fileNames { unlink(written.directory + "/" + name) }
        rmdir(written.directory)
    }

    static func save(_ content: [UInt8], _ path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Error(description: "cannot write \(path)") }
        defer { close(fd) }
        var bytes = content
        let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard n == bytes.count else { throw Error(description: "cannot write \(path)") }
    }

    static func hex(_ seed: UInt64, _ digits: Int) -> String {
        var x = seed | 1, out = ""
        while out.count < digits {
            x ^= x << 13
            x ^= x >> 7
            x ^= x << 17
            out += String(x & 0xFFFF_FFFF, radix: 16)
        }
        return String(out.prefix(digits))
    }

    static func wall(_ ms: Int64) -> (String, String, String) {
        let w = CivilTime.wallClock(seconds: ms / 1000, offset: 9 * 3600)
        func p(_ v: Int, _ n: Int) -> String { String(repeating: "0", count: max(0, n - String(v).count)) + String(v) }
        let date = "\(p(w.year, 4))-\(p(w.month, 2))-\(p(w.day, 2))"
        let time = "\(p(w.hour, 2)):\(p(w.minute, 2)):\(p(w.second, 2))"
        return (date, time, p(Int(ms % 1000), 3))
    }

    static func spring(_ ms: Int64, _ level: String, _ trace: String, _ span: String, _ rid: String, _ logger: String,
        _ message: String) -> String
    {
        let (d, t, f) = wall(ms)
        let padded = logger + String(repeating: " ", count: max(0, 40 - logger.count))
        let lvl = String(repeating: " ", count: 5 - level.count) + level
        return "\(d)T\(t).\(f)+09:00 \(lvl) 2711 --- [api] [http-nio-8080-exec-3] [\(trace)-\(span)] [requestId=\(rid)] \(padded) : \(message)\n"
    }

    static func pg(_ ms: Int64, _ pid: Int, _ message: String, who: String = "app@shop") -> String {
        let (d, t, f) = wall(ms)
        return "\(d) \(t).\(f) KST [\(pid)] \(who) \(message)\n"
    }

    /// Python logging: `%(asctime)s %(levelname)-8s [%(process)d] [%(name)s] [request id] %(message)s`.
    static func python(_ ms: Int64, _ level: String, _ rid: String?, _ logger: String, _ message: String) -> String {
        let (d, t, f) = wall(ms)
        let lvl = level + String(repeating: " ", count: max(0, 8 - level.count))
        return "\(d) \(t),\(f) \(lvl) [2309] [\(logger)] [\(rid ?? "-")] \(message)\n"
    }

    static func uvicorn(_ ms: Int64, _ request: String, _ status: Int) -> String {
        let (d, t, f) = wall(ms)
        return "\(d) \(t),\(f) INFO     [2309] [uvicorn.access] [-] 10.0.1.10:57311 - \"\(request)\" \(status)\n"
    }

    /// nginx error.log: local time without a zone.
    static func nginxError(_ ms: Int64, _ level: String, _ message: String) -> String {
        let (d, t, _) = wall(ms)
        return "\(d.replacingAll("-", with: "/")) \(t) [\(level)] 1204#1204: \(message)\n"
    }

    /// Journal-style lines as Debian's rsyslog writes them (RFC 3339 with microseconds).
    static func syslog(_ ms: Int64, _ tag: String, _ message: String) -> String {
        let (d, t, f) = wall(ms)
        return "\(d)T\(t).\(f)000+09:00 web1 \(tag): \(message)\n"
    }

    static func access(_ ms: Int64, _ ip: String, _ request: String, _ status: Int, _ rid: String, _ rtMs: Int,
        ua: String) -> String
    {
        let w = CivilTime.wallClock(seconds: ms / 1000, offset: 9 * 3600)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func p(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let local = "\(p(w.day))/\(months[w.month - 1])/\(w.year):\(p(w.hour)):\(p(w.minute)):\(p(w.second)) +0900"
        let rt = "0.\(String(repeating: "0", count: 3 - String(rtMs).count))\(rtMs)"
        return "\(ip) - - [\(local)] \"\(request)\" \(status) 512 \"-\" \"\(ua)\" rid=\(rid) rt=\(rt)\n"
    }
}
