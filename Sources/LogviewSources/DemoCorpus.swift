#if canImport(Glibc)
import Glibc
#endif
import LogviewCore

/// A small, deterministic incident written to a temporary directory for `--demo`: nginx in front
/// of a Spring Boot backend and PostgreSQL, with one failing request, an attacker burst and a
/// hostile user agent. Real files, so the demo exercises the same path as a server's logs.
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
        var nginx = "", backend = "", postgres = ""
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
        try save(nginx, root + "/access.log")
        try save(backend, root + "/backend.log")
        try save(postgres, root + "/postgresql.log")
        return Written(directory: root, specs: [
            SourceSpec(name: "nginx", path: root + "/access.log"),
            SourceSpec(name: "backend", path: root + "/backend.log"),
            SourceSpec(name: "postgresql", path: root + "/postgresql.log"),
        ])
    }

    static func save(_ text: String, _ path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Error(description: "cannot write \(path)") }
        defer { close(fd) }
        var bytes = Array(text.utf8)
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

    static func pg(_ ms: Int64, _ pid: Int, _ message: String) -> String {
        let (d, t, f) = wall(ms)
        return "\(d) \(t).\(f) KST [\(pid)] app@shop \(message)\n"
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
