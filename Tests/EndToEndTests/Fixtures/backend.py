#!/usr/bin/env python3
"""Stand-in for the Spring Boot backend of logview's end-to-end tests (python3, stdlib only).

It sits behind a real nginx and talks to a real PostgreSQL through a small pool of long-lived
`psql` sessions, the way a Hikari pool keeps JDBC connections. It writes the Spring Boot 3.x
default file pattern with Micrometer correlation and a requestId MDC field:

  2026-01-30T14:02:03.123+09:00  INFO 4242 --- [api] [http-nio-8080-exec-1] [<trace>-<span>] [requestId=<id>] c.e.s.api.web.controller.UserController  : Fetching user 42

Per request it copies nginx's X-Request-ID into the log lines and into a sqlcommenter comment on
its SQL, and echoes the id in the X-Request-ID response header. COMMIT/ROLLBACK carry no comment.

Usage: backend.py --log FILE --port-file FILE --psql PATH --pg-host DIR --pg-port N
                  [--pg-user postgres] [--pg-db shop] [--pool-size 2]
The port it listens on (127.0.0.1, chosen by the kernel) is written to --port-file once it is ready.
SIGTERM shuts it down gracefully: the pool's sessions disconnect, then it exits 0.
"""

import argparse
import datetime
import http.server
import json
import os
import queue
import random
import re
import secrets
import signal
import subprocess
import sys
import threading
import time

PATH_USER = re.compile(r"^/api/users/(\d+)$")
PATH_ORDER = re.compile(r"^/api/orders/(\d+)$")
PATH_PRODUCT = re.compile(r"^/api/products/(\d+)$")
SENTINEL = "__LOGVIEW_E2E_END__"
BLANK_CORRELATION = "[" + " " * 49 + "] "


class SpringLog:
    """Appends Spring Boot file-pattern lines; one write per event so events never interleave."""

    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        self.pid = os.getpid()

    @staticmethod
    def timestamp():
        now = datetime.datetime.now().astimezone()
        text = now.isoformat(timespec="milliseconds")
        return text[:-6] + "Z" if now.utcoffset() == datetime.timedelta(0) else text

    def write(self, level, thread, correlation, logger, message, stack=None):
        line = "%s %5s %d --- [api] [%s] %s%-40.40s : %s\n" % (
            self.timestamp(), level, self.pid, thread, correlation, logger, message)
        if stack:
            # %wEx: an empty line, the exception and its frames, another empty line.
            line += "\n" + "\n".join(stack) + "\n\n"
        with self.lock:
            with open(self.path, "a", encoding="utf-8") as f:
                f.write(line)


def correlation(trace, span, request_id):
    if trace is None:
        return BLANK_CORRELATION + "[requestId=] "
    return "[%s-%s] [requestId=%s] " % (trace, span, request_id or "")


class Session:
    """One long-lived psql session: statements in on stdin, results and errors back on stdout."""

    def __init__(self, options):
        env = dict(os.environ, PGAPPNAME="api", PGOPTIONS="-c statement_timeout=10000")
        self.proc = subprocess.Popen(
            [options.psql, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=0",
             "-h", options.pg_host, "-p", str(options.pg_port),
             "-U", options.pg_user, "-d", options.pg_db],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)

    def transaction(self, statement, comment):
        """BEGIN; statement; then COMMIT, or ROLLBACK when it failed. Returns (failed, output lines)."""
        script = (
            "BEGIN %s;\n%s %s;\n\\set failed :ERROR\n"
            "\\if :failed\nROLLBACK;\n\\else\nCOMMIT;\n\\endif\n\\echo %s :failed\n"
        ) % (comment, statement, comment, SENTINEL)
        return self.send(script)

    def autocommit(self, statement, comment):
        return self.send("%s %s;\n\\set failed :ERROR\n\\echo %s :failed\n" % (statement, comment, SENTINEL))

    def send(self, script):
        self.proc.stdin.write(script.encode())
        self.proc.stdin.flush()
        out = []
        while True:
            raw = self.proc.stdout.readline()
            if not raw:
                raise RuntimeError("psql session ended unexpectedly: " + "".join(out))
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if line.startswith(SENTINEL + " "):
                return line.endswith("true"), out
            out.append(line)

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


class Pool:
    def __init__(self, options, size):
        self.idle = queue.Queue()
        self.all = [Session(options) for _ in range(size)]
        for s in self.all:
            s.send("\\echo %s false\n" % SENTINEL)  # connected and answering
            self.idle.put(s)

    def lease(self):
        return _Lease(self)

    def close(self):
        for s in self.all:
            s.close()


class _Lease:
    def __init__(self, pool):
        self.pool = pool

    def __enter__(self):
        self.session = self.pool.idle.get(timeout=15)
        return self.session

    def __exit__(self, *exc):
        self.pool.idle.put(self.session)
        return False


def sql_comment(request_id, trace, span):
    parts = []
    if request_id:
        parts.append("request_id='%s'" % request_id)
    parts.append("traceparent='00-%s-%s-01'" % (trace, span))
    return "/*" + ",".join(parts) + "*/"


def quote(text):
    return "'" + text.replace("'", "''") + "'"


STACK_DUPLICATE = [
    "\tat org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse(QueryExecutorImpl.java:2725) ~[postgresql-42.7.1.jar!/:42.7.1]",
    "\tat org.postgresql.core.v3.QueryExecutorImpl.processResults(QueryExecutorImpl.java:2412) ~[postgresql-42.7.1.jar!/:42.7.1]",
    "\tat org.postgresql.jdbc.PgPreparedStatement.executeUpdate(PgPreparedStatement.java:152) ~[postgresql-42.7.1.jar!/:42.7.1]",
    "\tat com.zaxxer.hikari.pool.HikariProxyPreparedStatement.executeUpdate(HikariProxyPreparedStatement.java) ~[HikariCP-5.0.1.jar!/:na]",
    "\tat com.example.shop.api.service.UserService.create(UserService.java:61) ~[classes!/:1.4.2]",
    "\tat com.example.shop.api.web.controller.UserController.create(UserController.java:48) ~[classes!/:1.4.2]",
    "\tat com.example.shop.api.web.filter.RequestIdFilter.doFilterInternal(RequestIdFilter.java:38) ~[classes!/:1.4.2]",
    "\tat java.base/java.lang.Thread.run(Thread.java:840) ~[na:na]",
]


class App:
    def __init__(self, options):
        self.options = options
        self.log = SpringLog(options.log)
        self.threads = threading.local()
        self.thread_counter = 0
        self.counter_lock = threading.Lock()

    def worker_name(self):
        if not hasattr(self.threads, "name"):
            with self.counter_lock:
                self.thread_counter += 1
                self.threads.name = "http-nio-8080-exec-%d" % self.thread_counter
        return self.threads.name

    def start(self):
        blank = correlation(None, None, None)
        self.log.write("INFO", "main", blank, "com.example.shop.api.ShopApiApplication",
                       "Starting ShopApiApplication v1.4.2 using Java 17.0.10 with PID %d (%s)"
                       % (os.getpid(), os.path.abspath(__file__)))
        self.log.write("INFO", "main", blank, "com.zaxxer.hikari.HikariDataSource", "HikariPool-1 - Starting...")
        self.pool = Pool(self.options, self.options.pool_size)
        self.log.write("INFO", "main", blank, "com.zaxxer.hikari.HikariDataSource", "HikariPool-1 - Start completed.")
        # The scheduled cache warmer: a trace, no request.
        trace, span = secrets.token_hex(16), secrets.token_hex(8)
        job = correlation(trace, span, None)
        self.log.write("INFO", "scheduling-1", job, "c.e.shop.api.jobs.ProductCacheWarmer",
                       "Refreshing product cache (top 500 by popularity)")
        with self.pool.lease() as s:
            failed, out = s.autocommit("SELECT count(*) FROM products", sql_comment(None, trace, span))
        self.log.write("INFO", "scheduling-1", job, "c.e.shop.api.jobs.ProductCacheWarmer",
                       "Product cache refreshed: %s entries" % (out[0] if out and not failed else "0"))

    def started(self, port, seconds):
        blank = correlation(None, None, None)
        self.log.write("INFO", "main", blank, "o.s.b.w.embedded.tomcat.TomcatWebServer",
                       "Tomcat started on port %d (http) with context path '/'" % port)
        self.log.write("INFO", "main", blank, "com.example.shop.api.ShopApiApplication",
                       "Started ShopApiApplication in %.3f seconds (process running for %.3f)" % (seconds, seconds))

    def stop(self):
        blank = correlation(None, None, None)
        self.log.write("INFO", "SpringApplicationShutdownHook", blank, "o.s.b.w.e.tomcat.GracefulShutdown",
                       "Commencing graceful shutdown. Waiting for active requests to complete")
        self.log.write("INFO", "tomcat-shutdown", blank, "o.s.b.w.e.tomcat.GracefulShutdown",
                       "Graceful shutdown complete")
        self.log.write("INFO", "SpringApplicationShutdownHook", blank, "com.zaxxer.hikari.HikariDataSource",
                       "HikariPool-1 - Shutdown initiated...")
        self.pool.close()
        self.log.write("INFO", "SpringApplicationShutdownHook", blank, "com.zaxxer.hikari.HikariDataSource",
                       "HikariPool-1 - Shutdown completed.")

    # Handlers return (status, body dict).

    def handle(self, method, path, request_id, body):
        trace, span = secrets.token_hex(16), secrets.token_hex(8)
        ctx = (self.worker_name(), correlation(trace, span, request_id), sql_comment(request_id, trace, span), trace)
        time.sleep(random.uniform(0.01, 0.05))  # let concurrent requests interleave in the logs
        m = PATH_USER.match(path)
        if method == "GET" and m:
            return self.get_user(ctx, int(m.group(1)))
        m = PATH_ORDER.match(path)
        if method == "GET" and m:
            return self.get_order(ctx, int(m.group(1)))
        m = PATH_PRODUCT.match(path)
        if method == "GET" and m:
            return self.get_product(ctx, int(m.group(1)))
        if method == "POST" and path == "/api/users":
            return self.create_user(ctx, body)
        self.log.write("WARN", ctx[0], ctx[1], "o.s.web.servlet.PageNotFound",
                       "No mapping for %s %s" % (method, path))
        return 404, {"error": "not found"}

    def get_user(self, ctx, user_id):
        thread, corr, comment, _ = ctx
        self.log.write("INFO", thread, corr, "c.e.s.api.web.controller.UserController", "Fetching user %d" % user_id)
        with self.pool.lease() as s:
            failed, out = s.transaction(
                "SELECT u.id, u.name, u.email\n  FROM users u\n WHERE u.id = %d" % user_id, comment)
        if failed or not out:
            self.log.write("WARN", thread, corr, "c.e.shop.api.web.GlobalExceptionHandler",
                           "User %d not found" % user_id)
            return 404, {"error": "user %d not found" % user_id}
        uid, name, email = out[0].split("|")
        return 200, {"id": int(uid), "name": name, "email": email}

    def get_order(self, ctx, order_id):
        thread, corr, comment, trace = ctx
        self.log.write("INFO", thread, corr, "c.e.s.a.w.controller.OrderController", "Loading order %d" % order_id)
        with self.pool.lease() as s:
            failed, out = s.transaction(
                "SELECT i.product_id, i.quantity FROM order_items i WHERE i.order_id = %d ORDER BY i.product_id"
                % order_id, comment)
        self.log.write("INFO", thread, corr, "c.e.shop.api.service.OrderService",
                       "Order %d has %d items" % (order_id, len(out)))
        # An @Async audit task: the trace propagates (a child span), the request-id MDC does not.
        audit = correlation(trace, secrets.token_hex(8), None)
        self.log.write("INFO", "task-1", audit, "c.e.shop.api.service.AuditService",
                       "Recorded view of order %d" % order_id)
        return 200, {"order": order_id, "items": [line.split("|") for line in out]}

    def get_product(self, ctx, product_id):
        # Like the corpus's GET /api/products/{id}: no backend log line, only nginx and SQL.
        _, _, comment, _ = ctx
        with self.pool.lease() as s:
            failed, out = s.transaction("SELECT p.id, p.name, p.price FROM products p WHERE p.id = %d" % product_id,
                                        comment)
        if failed or not out:
            return 404, {"error": "product %d not found" % product_id}
        pid, name, price = out[0].split("|")
        return 200, {"id": int(pid), "name": name, "price": price}

    def create_user(self, ctx, body):
        thread, corr, comment, _ = ctx
        data = json.loads(body or b"{}")
        name, email = data.get("name", ""), data.get("email", "")
        self.log.write("INFO", thread, corr, "c.e.s.api.web.controller.UserController", "Creating user email=%s" % email)
        with self.pool.lease() as s:
            failed, out = s.transaction(
                "INSERT INTO users (name, email) VALUES (%s, %s) RETURNING id" % (quote(name), quote(email)), comment)
        if not failed:
            return 201, {"id": int(out[0])}
        # psql prints "ERROR:  <message>" and "DETAIL:  <detail>"; pgjdbc renders them as below.
        error = next((l.split("ERROR:", 1)[1].strip() for l in out if "ERROR:" in l), "unknown error")
        detail = next((l.split("DETAIL:", 1)[1].strip() for l in out if "DETAIL:" in l), "")
        self.log.write("WARN", thread, corr, "o.h.engine.jdbc.spi.SqlExceptionHelper", "SQL Error: 0, SQLState: 23505")
        self.log.write("ERROR", thread, corr, "o.h.engine.jdbc.spi.SqlExceptionHelper",
                       "ERROR: %s\n  Detail: %s" % (error, detail))
        self.log.write(
            "ERROR", thread, corr, "o.a.c.c.C.[.[.[/].[dispatcherServlet]",
            "Servlet.service() for servlet [dispatcherServlet] in context with path [] threw exception "
            "[Request processing failed: org.springframework.dao.DataIntegrityViolationException: "
            "could not execute statement [ERROR: %s]] with root cause" % error,
            stack=["org.postgresql.util.PSQLException: ERROR: %s" % error, "  Detail: %s" % detail] + STACK_DUPLICATE)
        return 500, {"error": "Internal Server Error"}


def make_handler(app):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            self.dispatch("GET")

        def do_POST(self):
            self.dispatch("POST")

        def dispatch(self, method):
            request_id = self.headers.get("X-Request-ID", "")
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            try:
                status, payload = app.handle(method, self.path, request_id, body)
            except Exception as e:  # the test reads stderr when something breaks
                print("backend: %s %s failed: %r" % (method, self.path, e), file=sys.stderr, flush=True)
                status, payload = 500, {"error": repr(e)}
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("X-Request-ID", request_id)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, fmt, *args):  # Tomcat's access log is off; stderr stays for problems
            pass

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--log", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--psql", required=True)
    parser.add_argument("--pg-host", required=True)
    parser.add_argument("--pg-port", type=int, required=True)
    parser.add_argument("--pg-user", default="postgres")
    parser.add_argument("--pg-db", default="shop")
    parser.add_argument("--pool-size", type=int, default=2)
    options = parser.parse_args()

    began = time.monotonic()
    app = App(options)
    app.start()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make_handler(app))
    server.daemon_threads = True
    port = server.server_address[1]
    app.started(port, time.monotonic() - began)

    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    serving = threading.Thread(target=server.serve_forever, name="serve", daemon=True)
    serving.start()
    tmp = options.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, options.port_file)

    while not stopping.wait(0.2):
        pass
    server.shutdown()
    server.server_close()
    app.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
