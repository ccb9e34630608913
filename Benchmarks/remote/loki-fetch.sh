#!/bin/sh
# Entries per second that logview fetches from a Loki-shaped server, pages, de-duplicates,
# parses and merges into its timeline, for a 1,000,000-entry range, printed as JSON lines.
# Usage: Benchmarks/remote/loki-fetch.sh [ENTRIES] [LOGVIEW_BINARY]
set -eu
N=${1:-1000000}
BIN=${2:-.build/release/logview}
DIR=$(dirname "$0")
OUT=$(mktemp -d)
python3 "$DIR/loki_page_server.py" "$N" > "$OUT/port" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$OUT"' EXIT INT TERM
while [ ! -s "$OUT/port" ]; do sleep 0.2; done
PORT=$(cat "$OUT/port")
UNTIL=$(python3 -c "import datetime; print((datetime.datetime(2026,1,30,5,0,0,tzinfo=datetime.timezone.utc)+datetime.timedelta(milliseconds=$N)).strftime('%Y-%m-%dT%H:%M:%S.%fZ'))")
START=$(date +%s.%N)
"$BIN" --loki "http://127.0.0.1:$PORT" 'loki:{host="bench"}' --since 2026-01-30T05:00:00Z --until "$UNTIL" \
    --output json --tz UTC ${LOGVIEW_BENCH_ARGS:-} > "$OUT/out.jsonl"
END=$(date +%s.%N)
COUNT=$(wc -l < "$OUT/out.jsonl")
python3 -c "
n=$COUNT; s=$END-$START
print(f'{n} entries fetched, merged and printed in {s:.2f} s: {n/s:,.0f} entries/s')
assert n == $N, f'expected $N entries, got {n}'
"
