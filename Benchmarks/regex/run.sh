#!/usr/bin/env bash
# Throughput of --grep: `logview --print --grep RE` (release build) against `grep -E RE | wc -l`,
# plus logview with a filter that selects nothing (indexing alone) and the regex engine alone
# (Pattern.matches per line, compiled from Sources/LogviewCore/Text by swiftc, no SwiftPM run).
#
# usage: Benchmarks/regex/run.sh [CORPUS_DIR]   (default /tmp/regexcorpus, generated if missing)
# MB/s = input bytes / best wall time of 5 runs; 1 MB = 2^20 bytes.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
corpus=${1:-/tmp/regexcorpus}
[ -d "$corpus" ] || python3 /work/shared/corpus/generate "$corpus" --size 100MB --seed 1 --quiet
files=("$corpus/nginx/access.log" "$corpus/backend/backend.log")
logview=${LOGVIEW_BIN:-$root/.build/release/logview}
[ -x "$logview" ] || (cd "$root" && swift build -c release)
engine=$(mktemp /tmp/logview-regex-bench.XXXXXX)
trap 'rm -f "$engine"' EXIT
swiftc -O -wmo "$root"/Sources/LogviewCore/Text/*.swift "$root/Benchmarks/regex/main.swift" -o "$engine"
bytes=$(cat "${files[@]}" | wc -c)

# Best wall time (ns) of 5 runs of the command, its stdout counted by wc -l.
best_ns() {
    local best=0 start end
    for _ in 1 2 3 4 5; do
        start=$(date +%s%N)
        "$@" | wc -l > /dev/null
        end=$(date +%s%N)
        if [ "$best" = 0 ] || [ $((end - start)) -lt "$best" ]; then best=$((end - start)); fi
    done
    echo "$best"
}
mbps() { awk -v b="$bytes" -v ns="$1" 'BEGIN { printf "%.0f", b / 1048576 / (ns / 1e9) }'; }

echo "input: ${files[*]} ($bytes bytes)"
base=$(best_ns "$logview" --print --since 2100-01-01 "${files[@]}")
echo "logview indexing alone (--since 2100-01-01): $(mbps "$base") MB/s"
printf '%-34s %8s %8s %10s %10s %9s\n' regex grep-E logview engine "grep lines" "lv output"
for re in 'ERROR' 'HTTP/1\.1" 5[0-9][0-9] ' '[Tt]imeout|[Rr]efused|deadlock' 'user [0-9]+ \(page=[0-9]+' \
    'rt=[1-9][0-9]*\.[0-9]+' '[a-z]+Exception: ' '\b[0-9a-f]{32}\b' '(GET|POST|PUT) /api/[a-z]+/[0-9]+ '; do
    g=$(best_ns grep -E -- "$re" "${files[@]}")
    l=$(best_ns "$logview" --print --grep "$re" "${files[@]}")
    e=$("$engine" "$re" "${files[@]}" | sed -E 's/.* ([0-9]+) MB\/s/\1/')
    printf '%-34s %8s %8s %10s %10s %9s\n' "$re" "$(mbps "$g")" "$(mbps "$l")" "$e" \
        "$(grep -cE -- "$re" "${files[@]}" | awk -F: '{ s += $2 } END { print s }')" \
        "$("$logview" --print --grep "$re" "${files[@]}" | wc -l)"
done
