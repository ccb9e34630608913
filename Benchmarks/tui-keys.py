#!/usr/bin/env python3
"""Keystroke benchmark for the viewer: runs logview in tmux on a corpus with
LOGVIEW_RENDER_LOG set, presses each benchmarked key many times (waiting for each key's screen
before the next), and prints the median and 90th percentile of the time from reading a key to the
new screen being shown.

    python3 /work/shared/corpus/generate /tmp/tuicorpus --size 100MB --seed 1
    swift build -c release --product logview
    Benchmarks/tui-keys.py /tmp/tuicorpus [--binary .build/release/logview] [--repeat 30]
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time

FILES = ["nginx/access.log", "backend/backend.log", "postgresql/postgresql.log", "ai/ai.log"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--binary", default=".build/release/logview")
    ap.add_argument("--repeat", type=int, default=30)
    args = ap.parse_args()
    manifest = json.load(open(os.path.join(args.corpus, "manifest.json")))
    directive = manifest["nginx_log_format_main"]
    fmt = directive[directive.index("'") + 1:directive.rindex("'")]
    tmp = tempfile.mkdtemp(prefix="logview-tui-bench-")
    log = os.path.join(tmp, "render.log")
    socket = "logview-bench-%d" % os.getpid()
    cmd = ["env", "TZ=UTC", "LC_ALL=C.UTF-8", "LOGVIEW_RENDER_LOG=" + log, os.path.abspath(args.binary),
           "--tz", "UTC", "--nginx-log-format", fmt] + [os.path.join(args.corpus, f) for f in FILES]
    tmux = ["tmux", "-L", socket]

    def sh(*a):
        return subprocess.run(tmux + list(a), check=True, capture_output=True, text=True).stdout

    def lines():
        try:
            return open(log).read().splitlines()
        except FileNotFoundError:
            return []

    def press(*keys, literal=False):
        """Sends keys and waits until the render log has one line per key."""
        before = len(lines())
        sh("send-keys", "-t", "0", *(["-l"] if literal else []), *keys)
        want = before + (len("".join(keys)) if literal else len(keys))
        deadline = time.time() + 60
        while len(lines()) < want:
            if time.time() > deadline:
                raise SystemExit("timed out waiting for %r" % (keys,))
            time.sleep(0.005)
        return lines()[before:]

    results = {}

    def measure(name, *keys, literal=False, take=-1):
        got = press(*keys, literal=literal)
        results.setdefault(name, []).append(int(got[take].split("\t")[1]))

    start = time.time()
    sh("-f", "/dev/null", "new-session", "-d", "-x", "160", "-y", "48", " ".join("'%s'" % c.replace("'", "'\\''") for c in cmd))
    try:
        # The viewer is up at once and loads in the background: wait for the loaded status line.
        def loaded_status():
            return [l for l in sh("capture-pane", "-p", "-t", "0").splitlines()
                    if "│ follow: off" in l and not l.startswith(" loading")]
        while not loaded_status():
            if time.time() - start > 300:
                raise SystemExit("the viewer did not load")
            time.sleep(0.05)
        opened = time.time() - start
        status = loaded_status()[0]
        press("g")
        for _ in range(args.repeat):
            measure("line down (j)", "j")
        for _ in range(args.repeat):
            measure("page down", "NPage")
        for i in range(args.repeat):
            measure("end (G)", "G")
            press("g")
        for i in range(args.repeat):
            press(":goto 14:%02d:%02d" % (5 + i, (i * 7) % 60), literal=True)
            measure("goto time", "Enter")
        press("/POST /api/orders", literal=True)
        press("Enter")
        for _ in range(args.repeat):
            measure("search next (n)", "n")
        for _ in range(args.repeat):
            measure("request pivot (r)", "r")
            press("Escape")
            press("j")
        for _ in range(args.repeat):
            measure("window pivot (w)", "w")
            press("Escape")
            press("j")
        press("h")
        for _ in range(args.repeat):
            measure("j, histogram on", "j")
        sh("send-keys", "-t", "0", "q")
    finally:
        subprocess.run(tmux + ["kill-server"], capture_output=True)
    size = sum(os.path.getsize(os.path.join(args.corpus, f)) for f in FILES)
    print("corpus %s: %.1f MB in %s; viewer loaded after %.1f s" % (args.corpus, size / 1e6, ", ".join(FILES), opened))
    print(status.strip())
    print("%-20s %8s %8s %8s" % ("key", "median", "p90", "max"))
    for name, values in results.items():
        values.sort()
        p90 = values[min(len(values) - 1, int(len(values) * 0.9))]
        print("%-20s %6.2fms %6.2fms %6.2fms" % (name, statistics.median(values) / 1000, p90 / 1000, values[-1] / 1000))


if __name__ == "__main__":
    main()
