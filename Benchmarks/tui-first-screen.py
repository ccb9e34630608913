#!/usr/bin/env python3
"""TUI start-up benchmark: how long until the viewer shows its first screen of log rows, and how
long until every source is indexed (the status line stops saying "loading"), plus the viewer's
peak RSS once loaded.

The clock starts in the tmux pane itself, just before `exec logview` (so tmux's own start-up is
not counted), and the screen is polled with `tmux capture-pane` every few milliseconds, so each
time is an upper bound by about one poll (~5 ms). Prints one line per run and then
"median_first_screen_s median_indexed_s max_rss_kb". It measures; it never asserts.

    Benchmarks/tui-first-screen.py --runs 3 -- .build/release/logview --tz UTC FILES...
"""
import argparse, os, re, statistics, subprocess, sys, tempfile, time

ROW = re.compile(r"^ *(\d{4}-)?\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}|^ *\d{2}:\d{2}:\d{2}")


def one_run(command, rows, timeout, run):
    tmp = tempfile.mkdtemp(prefix="logview-tui-start-")
    start_file = os.path.join(tmp, "start")
    socket = "logview-start-%d-%d" % (os.getpid(), run)
    quoted = " ".join("'%s'" % c.replace("'", "'\\''") for c in command)
    # The pane's shell writes its pid (which exec keeps for logview) and the start time, then execs.
    script = "echo $$ $(date +%%s%%N) > %s; exec env TZ=UTC LC_ALL=C.UTF-8 %s" % (start_file, quoted)
    tmux = ["tmux", "-L", socket, "-f", "/dev/null"]
    subprocess.run(tmux + ["new-session", "-d", "-x", "200", "-y", "50", script], check=True)
    first = indexed = None
    rss = 0
    try:
        while not os.path.exists(start_file) or not open(start_file).read().strip():
            time.sleep(0.001)
        pid, t0 = open(start_file).read().split()
        t0 = int(t0) / 1e9
        while time.time() - t0 < timeout:
            screen = subprocess.run(tmux + ["capture-pane", "-p", "-t", "0"], capture_output=True,
                                    text=True).stdout.splitlines()
            now = time.time()
            if first is None and sum(1 for l in screen if ROW.match(l)) >= rows:
                first = now - t0
            status = [l for l in screen if "follow:" in l]
            if status and "loading" not in status[-1] and first is not None:
                indexed = now - t0
                break
            time.sleep(0.003)
        try:
            for line in open("/proc/%s/status" % pid):
                if line.startswith("VmHWM:"):
                    rss = int(line.split()[1])
        except OSError:
            pass
    finally:
        subprocess.run(tmux + ["kill-server"], capture_output=True)
    return first, indexed, rss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--rows", type=int, default=10)
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("command", nargs="+")
    args = ap.parse_args()
    firsts, indexes, rss = [], [], 0
    for run in range(args.runs):
        first, indexed, peak = one_run(args.command, args.rows, args.timeout, run)
        if first is None or indexed is None:
            raise SystemExit("tui-first-screen: the viewer did not show %d rows and finish loading" % args.rows)
        print("# first screen %.3f s, indexed %.3f s, peak RSS %d KB" % (first, indexed, peak), file=sys.stderr)
        firsts.append(first); indexes.append(indexed); rss = max(rss, peak)
    print("%.3f %.3f %d" % (statistics.median(firsts), statistics.median(indexes), rss))


if __name__ == "__main__":
    main()
