#!/usr/bin/env python3
"""A Loki query_range stand-in for the remote-fetch benchmark (no Loki can run here).

Serves N generated entries (two streams: nginx access lines and Spring Boot backend lines,
1 ms apart from 2026-01-30T05:00:00Z) in Loki's JSON shape, `limit` per page from the `start`
asked for, on 127.0.0.1. Every entry's JSON is rendered once at start-up, so the server costs
little per page and the figure measures logview. Prints the port, then serves until killed.
"""
import http.server, json, socketserver, sys, urllib.parse

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
S = 1769749200000000000
STEP = 1_000_000  # 1 ms

def line(i):
    rid = "%032x" % (i * 2654435761 % (1 << 128))
    if i % 2 == 0:
        return ('198.51.100.%d - - [30/Jan/2026:14:%02d:%02d +0900] "GET /api/orders?page=%d HTTP/1.1" 200 %d '
                '"-" "curl/8.0" rid=%s rt=0.004 urt=0.003') % (i % 250, (i // 60000) % 60, (i // 1000) % 60, i % 97, 1000 + i % 5000, rid)
    return ('2026-01-30T14:%02d:%02d.%03d+09:00  INFO 50717 --- [api] [http-nio-8080-exec-3] '
            '[requestId=%s] c.e.OrderController : listed %d orders') % ((i // 60000) % 60, (i // 1000) % 60, i % 1000, rid, i % 40)

VALUES = [json.dumps([str(S + i * STEP), line(i)]).encode() for i in range(N)]
STREAMS = [b'{"job":"nginx","host":"bench"}', b'{"job":"backend","unit":"backend.service","host":"bench"}']

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args): pass
    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        q = urllib.parse.parse_qs(url.query)
        start = int(q.get("start", [S])[0]); end = int(q.get("end", [S + N * STEP])[0])
        limit = int(q.get("limit", ["100"])[0])
        first = max(0, -(-(start - S) // STEP))
        last = min(N, first + limit, max(0, -(-(end - S) // STEP)))
        parts = []
        for parity in (0, 1):
            vals = [VALUES[i] for i in range(first + ((first + parity) % 2), last, 2)]
            if vals:
                parts.append(b'{"stream":' + STREAMS[parity] + b',"values":[' + b",".join(vals) + b"]}")
        body = b'{"status":"success","data":{"resultType":"streams","result":[' + b",".join(parts) + b'],"stats":{}}}\n'
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True

srv = Server(("127.0.0.1", 0), Handler)
print(srv.server_address[1], flush=True)
srv.serve_forever()
