import LogviewCore
import LogviewTUI
import TestSupport

/// A small incident in three real formats (nginx access with `rid=`, Spring Boot with
/// `requestId`, PostgreSQL with sqlcommenter), all in UTC: two requests, a hostile user agent,
/// and a line with CJK and emoji.
enum TUIFixture {
    static let nginxFormat =
        #"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" rid=$request_id rt=$request_time"#
    static let ridA = "aaaa1111aaaa1111aaaa1111aaaa1111"
    static let ridB = "bbbb2222bbbb2222bbbb2222bbbb2222"
    static let traceA = "0af7651916cd43dd8448eb211c80319c"
    static let traceB = "4bf92f3577b34da6a3ce929d0e0e4736"

    static let nginx = """
        10.0.0.1 - - [30/Jan/2026:14:02:03 +0000] "GET /api/users/1 HTTP/1.1" 200 512 "-" "Mozilla/5.0" rid=\(ridA) rt=0.014
        10.0.0.2 - - [30/Jan/2026:14:02:10 +0000] "POST /api/orders HTTP/1.1" 500 512 "-" "curl/8.5\u{1B}]0;pwned\u{07}\u{1B}[2J" rid=\(ridB) rt=0.020
        10.0.0.3 - - [30/Jan/2026:14:02:20 +0000] "GET /health HTTP/1.1" 200 2 "-" "kube-probe/1.29" rid=cccc3333cccc3333cccc3333cccc3333 rt=0.001

        """

    static let backend = """
        2026-01-30T14:02:02.990+00:00  INFO 2711 --- [api] [exec-1] [\(traceA)-b7ad6b7169203331] [requestId=\(ridA)] c.e.shop.UserController : Fetching user 1 名前 👍
        2026-01-30T14:02:09.985+00:00 ERROR 2711 --- [api] [exec-2] [\(traceB)-00f067aa0ba902b7] [requestId=\(ridB)] c.e.shop.OrderController : Order failed
        org.springframework.dao.DataIntegrityViolationException: duplicate key
        \tat com.example.shop.OrderService.create(OrderService.java:88)

        """

    static let postgres = """
        2026-01-30 14:02:02.995 UTC [41001] app@shop LOG:  duration: 1.204 ms  execute <unnamed>: select name from users where id=$1 /*traceparent='00-\(traceA)-b7ad6b7169203331-01'*/
        2026-01-30 14:02:09.990 UTC [41002] app@shop ERROR:  duplicate key value violates unique constraint "orders_pkey"
        2026-01-30 14:02:09.990 UTC [41002] app@shop STATEMENT:  insert into orders (id) values ($1) /*traceparent='00-\(traceB)-00f067aa0ba902b7-01'*/

        """

    static func timeline() throws -> Timeline {
        let options = FormatOptions(zone: .utc, nginxLogFormat: nginxFormat)
        func format(_ name: String) -> any LogFormat { FormatRegistry.format(named: name)! }
        return Timeline(sources: [
            try Fixture.source("nginx", nginx, format: format("nginx-access"), options: options, path: "/logs/access.log"),
            try Fixture.source("backend", backend, format: format("spring-boot"), options: options, path: "/logs/backend.log"),
            try Fixture.source("postgresql", postgres, format: format("postgresql"), options: options, path: "/logs/postgresql.log"),
        ])
    }

    static func app(rows: Int = 14, columns: Int = 100) throws -> App {
        App(timeline: try timeline(), zone: .utc, rows: rows, columns: columns)
    }
}

extension App {
    /// Applies keys typed as text (`"k", "k", "r"`) or named keys.
    mutating func type(_ keys: Key...) {
        for k in keys { handle(k) }
    }

    mutating func type(_ text: String) {
        for c in text { handle(Key(scalar: c.unicodeScalars.first!)) }
    }

    var screen: Screen { Renderer.render(self) }
}
