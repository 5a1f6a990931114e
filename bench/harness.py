#!/usr/bin/env python3
"""Runs every casetrail benchmark and prints one table (scripts/bench calls this).

Each workload is measured in the same run as its baseline, alternating, RUNS
times: the table shows the median with min and max, peak RSS (GNU time's %M),
the ratio casetrail/baseline, and whether the target its issue sets is met.
Instruction counts come from valgrind's callgrind where a workload is small
enough to run under it. A workload whose benchmark is not in this build is
listed as "not available in this build"; nothing is ever estimated.

Usage: harness.py --binary BUILD/cli/casetrail [--quick] [--runs N] [--sizes 10000,100000]
                  [--data DIR] [--out DIR]
Writes OUT/results.md (the table as Markdown) and OUT/results.json (every run).
Exit status: 0 when every available workload ran (met or not), 1 when one failed.
"""

import argparse
import json
import math
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
GNU_TIME = "/usr/bin/time"


class Failed(Exception):
    pass


def measure(cmd, work, env=None, stdin=None):
    """Runs cmd once under GNU time: (wall seconds, peak RSS in KB, stdout)."""
    tfile = os.path.join(work, "time.out")
    start = time.perf_counter()
    p = subprocess.run([GNU_TIME, "-f", "%M", "-o", tfile] + cmd, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=env, stdin=stdin)
    wall = time.perf_counter() - start
    if p.returncode not in (0, 3):  # 3: casetrail imported with some records rejected
        raise Failed("%s exited %d: %s" % (" ".join(cmd[:4]), p.returncode,
                                          p.stderr.decode("utf-8", "replace").strip()[-400:]))
    with open(tfile) as f:
        rss = int(f.read().strip().splitlines()[-1])
    return wall, rss, p.stdout.decode("utf-8", "replace")


def callgrind(cmd, work):
    """Instructions executed (callgrind's Ir), or None when valgrind is missing."""
    if not shutil.which("valgrind"):
        return None
    p = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + os.path.join(work, "cg.out")]
                       + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if p.returncode not in (0, 3):
        raise Failed("callgrind run of %s exited %d" % (cmd[0], p.returncode))
    m = re.search(rb"Collected : (\d+)", p.stderr)
    if not m:
        raise Failed("callgrind printed no instruction count")
    return int(m.group(1))


class Stat:
    def __init__(self, values):
        self.values = list(values)
        self.median = statistics.median(self.values)
        self.min = min(self.values)
        self.max = max(self.values)


def fmt_num(v, unit):
    if unit == "rec/s":
        return "{:,.0f}".format(v)
    if unit == "s":
        return "%.3f" % v if v < 10 else "%.1f" % v
    if unit == "ms":
        return "%.2f" % v
    return "%g" % v


def fmt_stat(st, unit):
    if st is None:
        return "-"
    if len(st.values) == 1:
        return "%s %s" % (fmt_num(st.median, unit), unit)
    return "%s %s [%s-%s]" % (fmt_num(st.median, unit), unit, fmt_num(st.min, unit), fmt_num(st.max, unit))


def mb(kb):
    return "-" if kb is None else "%.0f MB" % (kb / 1024.0)


class Row:
    def __init__(self, workload, size="", unit="s", ours=None, baseline_name="", base=None, ours_rss=None,
                 base_rss=None, instructions=None, target="", met="", note=""):
        self.__dict__.update(locals())
        del self.__dict__["self"]

    def ratio(self):
        if self.ours is None or self.base is None:
            return "-"
        return "%.2f" % (self.ours.median / self.base.median)

    def cells(self):
        return [self.workload, str(self.size), fmt_stat(self.ours, self.unit),
                (self.baseline_name + ": " + fmt_stat(self.base, self.unit)) if self.base else (self.baseline_name or "-"),
                self.ratio(), "%s / %s" % (mb(self.ours_rss), mb(self.base_rss)) if self.base_rss else mb(self.ours_rss),
                "{:,}".format(self.instructions) if self.instructions else "-", self.target, self.met]

    def as_json(self):
        d = dict(self.__dict__)
        for k in ("ours", "base"):
            d[k] = None if d[k] is None else d[k].values
        return d


HEADER = ["workload", "size", "casetrail (median [min-max])", "baseline (same run)", "ratio",
          "peak RSS casetrail / baseline", "instructions (callgrind)", "target", "met"]


def unavailable(workload, target, what):
    return Row(workload, target=target, met="not available in this build", note=what)


# --- workloads -------------------------------------------------------------------

def attack_import(args, work):
    """Issue 3: drives bench/attack_import.sh one run at a time, for min and max."""
    script = os.path.join(HERE, "attack_import.sh")
    bundle = os.path.join(ROOT, "..", "shared", "attack", "enterprise-attack.json")
    target = "time < 2x parse; RSS < parse's"
    if not os.path.exists(script):
        return [unavailable("ATT&CK import", target, "bench/attack_import.sh missing")]
    if not os.path.exists(bundle):
        return [Row("ATT&CK import", "45 MB", target=target, met="not run: bundle missing",
                    note="../shared/attack/enterprise-attack.json not found")]
    ours, base, ours_rss, base_rss = [], [], [], []
    for _ in range(args.runs):
        p = subprocess.run([script, args.binary, "1", bundle], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out = p.stdout.decode()
        t = re.search(r"wall time\s+([\d.]+) s\s+([\d.]+) s", out)
        r = re.search(r"peak RSS\s+([\d.]+) MB\s+([\d.]+) MB", out)
        if p.returncode not in (0, 1) or not t or not r:
            raise Failed("bench/attack_import.sh: " + (p.stderr.decode() or out)[-400:])
        ours.append(float(t.group(1)))
        base.append(float(t.group(2)))
        ours_rss.append(float(r.group(1)) * 1024)
        base_rss.append(float(r.group(2)) * 1024)
    o, b = Stat(ours), Stat(base)
    orss, brss = statistics.median(ours_rss), statistics.median(base_rss)
    met = "yes" if o.median < 2 * b.median and orss < brss else "no"
    if met == "no":
        met = "no (%s)" % ", ".join(x for x, ok in (("time", o.median < 2 * b.median), ("RSS", orss < brss)) if not ok)
    return [Row("ATT&CK import", "45 MB", "s", o, "python3 json.load", b, orss, brss,
                target=target, met=met)]


IMPORT_FORMATS = [("windows-json", "winjson.jsonl"), ("ecs", "ecs.ndjson"), ("windows-xml", "xml"),
                  ("auditd", "audit.log"), ("csv", "csv")]


def ensure_data(args, fmt, ext, size):
    path = os.path.join(args.data, "case-%d.%s" % (size, ext))
    if not os.path.exists(path):
        print("bench: generating %s" % path, file=sys.stderr, flush=True)
        subprocess.run([sys.executable, os.path.join(HERE, "gen_case.py"), "--format", fmt, "--size", str(size),
                        "-o", path], check=True)
    return path


def import_cmd(args, db, fmt, path):
    cmd = [args.binary, "--db", db, "import", "--case", "BENCH", "--format", fmt, "--json", path]
    if fmt == "csv" and not own_csv_header(args):
        # Until casetrail's own CSV export defines its header, the generated CSV
        # (casetrail's field names as columns) goes through --map.
        cmd += [x for c in CSV_COLUMNS for x in ("--map", "%s=%s" % (c, c))]
    return cmd


CSV_COLUMNS = ["time", "host", "kind", "account", "account_sid", "platform", "image", "command_line", "pid",
               "process_guid", "parent_image", "parent_command_line", "parent_pid", "parent_process_guid", "cwd",
               "logon_id", "integrity_level", "hashes", "user", "technique", "source", "note"]


def own_csv_header(args):
    """Whether this build reads the generated CSV as its own export (no --map needed)."""
    if not hasattr(args, "_own_csv"):
        with tempfile.TemporaryDirectory() as d:
            sample = os.path.join(d, "h.csv")
            with open(sample, "w") as f:
                f.write(",".join(CSV_COLUMNS) + "\n")
            subprocess.run([args.binary, "--db", os.path.join(d, "x.db"), "case", "new", "X", "--title", "x"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            p = subprocess.run([args.binary, "--db", os.path.join(d, "x.db"), "import", "--case", "X",
                                "--format", "csv", sample], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            args._own_csv = b"without casetrail's header" not in p.stderr
    return args._own_csv


def fresh_case(args, work):
    db = os.path.join(work, "case.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    p = subprocess.run([args.binary, "--db", db, "case", "new", "BENCH", "--title", "benchmark"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if p.returncode != 0:
        raise Failed("case new: " + p.stderr.decode())
    return db


def format_wired(args, fmt):
    p = subprocess.run([args.binary, "import", "--help"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    line = next((l for l in p.stdout.decode().splitlines() if l.strip().startswith("--format")), "")
    return fmt in re.findall(r"[a-z][a-z-]*", line.split(":", 1)[-1])


def import_one(args, work, fmt, ext, size, target):
    path = ensure_data(args, fmt, ext, size)
    rates, rss_all = [], []
    summary = None
    began = time.perf_counter()
    for _ in range(args.runs):
        if rates and time.perf_counter() - began > args.max_seconds:
            break  # fewer runs rather than an hour on one size; the table shows the count
        db = fresh_case(args, work)
        wall, rss, out = measure(import_cmd(args, db, fmt, path), work)
        summary = json.loads(out) if out.strip().startswith("{") else None
        rates.append(size / wall)
        rss_all.append(rss)
    rss = max(rss_all)
    row = Row("import %s" % fmt, size, "rec/s", Stat(rates), "", None, rss, None, None,
              target=target, met="yes" if rss < 100 * 1024 else "no")
    row.baseline_name = "see the import_bench row"
    if summary:
        f = summary["files"][0]
        row.note = {k: f.get(k) for k in ("read", "imported", "imported_by_kind", "linked_pairs", "rejected")}
        if f.get("rejected"):
            row.met += " (%d rejected)" % f["rejected"]
    row.slowest = max(size / r for r in rates)
    return row


def import_callgrind(args, work):
    """Instructions of a small windows-json import: stable where wall time is not."""
    n = 500 if args.quick else 2000
    full = ensure_data(args, "windows-json", "winjson.jsonl", min(args.sizes))
    path = os.path.join(work, "slice.jsonl")
    with open(full, encoding="utf-8") as src, open(path, "w", encoding="utf-8") as dst:
        for _, line in zip(range(n), src):
            dst.write(line)
    db = fresh_case(args, work)
    instr = callgrind(import_cmd(args, db, "windows-json", path), work)
    if instr is None:
        return [Row("import windows-json (callgrind)", n, met="not run: valgrind missing")]
    return [Row("import windows-json (callgrind)", n, instructions=instr,
               target="(instructions per record: %s)" % "{:,}".format(instr // n))]


def predict(done, size):
    """Seconds one run at `size` would take, from the growth seen so far (linear from one point)."""
    (n1, t1) = done[-1]
    exponent = 1.0
    if len(done) > 1:
        (n0, t0) = done[-2]
        exponent = max(1.0, math.log(t1 / t0) / math.log(n1 / n0))
    return t1 * (size / n1) ** exponent


def imports(args, work):
    """Issue 5 (and the scaling of issue 8): casetrail import of each generated format and size."""
    rows = []
    target = "RSS < 100 MB, flat with size"
    for fmt, ext in IMPORT_FORMATS:
        if not format_wired(args, fmt):
            rows.append(unavailable("import %s" % fmt, target, "casetrail import has no --format %s" % fmt))
            continue
        slow, done = None, []
        for size in args.sizes:
            if slow:  # never start a run that cannot finish in the time a benchmark may take
                rows.append(Row("import %s" % fmt, size, met="not run: at %d one run took %.0f s; this size would exceed %d s" % (
                    slow[0], slow[1], args.max_seconds)))
                continue
            try:
                row = import_one(args, work, fmt, ext, size, target)
                rows.append(row)
                done.append((size, row.slowest))
                if len(row.ours.values) < args.runs:
                    row.met += " (%d of %d runs: time limit)" % (len(row.ours.values), args.runs)
                nxt = [x for x in args.sizes if x > size]
                if nxt and predict(done, nxt[0]) > args.max_seconds:
                    slow = (size, row.slowest)
            except Failed as e:
                rows.append(Row("import %s" % fmt, size, met="ERROR", note=str(e)))
        sized = [r for r in rows if r.workload == "import %s" % fmt and r.ours is not None]
        if len(sized) > 1:  # flat: the largest size within 20% of the smallest
            grows = sized[-1].ours_rss > 1.2 * sized[0].ours_rss + 8 * 1024
            if grows:
                sized[-1].met = "no (RSS grows with size)"
    return rows


def present(*names):
    """The first of `names` that exists under bench/, or None."""
    return next((n for n in names if os.path.exists(os.path.join(HERE, n))), None)


# Workloads of the other issues: (row, target, the benchmark files that would provide it).
PENDING = [
    ("hash chain: log latency, import with/without chain", "import overhead < 10%", ("chain_cost.sh", "chain_cost.cpp", "chain_cost")),
    ("verify (1M records)", "< 5 s", ("chain_cost.sh", "chain_cost.cpp", "chain_cost")),
    ("correlate host/account/session, 1h window (1M case)", "in process within 2x SQL; median < 5 ms",
     ("correlate_bench.cpp", "correlate_bench.sh", "correlate_bench")),
    ("correlate CLI end to end", "< 50 ms", ("correlate_bench.cpp", "correlate_bench.sh", "correlate_bench")),
    ("export csv / jsonl (1M)", ">= sqlite3 -csv / -json dump speed, constant memory", ("export_bench.sh",)),
    ("report html (100k)", "< 3 s, file < 5 MB", ("export_bench.sh",)),
    ("import_bench: import vs raw SQLite insert, Python script", ">= 0.5x raw insert, >= 3x Python",
     ("import_bench.sh",)),
]


IMPORT_BENCH_LINE = re.compile(
    r"^(\S+)\s+(\d+)\s+\d+ \|\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)MB \|\s+([\d.]+)\s+([\d.]+) \|"
    r"\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)MB \|")


def run_group(cmd, timeout):
    """Runs cmd in its own process group; on timeout kills the whole group and returns None."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return None
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def import_bench(args, work):
    """Issue 5: drives bench/import_bench.sh (casetrail vs raw SQLite insert vs Python), one run at a time."""
    script = os.path.join(HERE, "import_bench.sh")
    if not os.path.exists(script):
        return []
    sizes = [n for n in args.sizes if n <= (10000 if args.quick else 100000)]
    runs = {}  # (format, size) -> list of (ours, raw, python, ours_rss, python_rss)
    skipped = []
    for n in sizes:
        began = time.perf_counter()
        for i in range(args.runs):
            p = run_group([script, str(n)], args.max_seconds)
            if p is None:
                skipped.append(n)
                break
            if p.returncode != 0:
                raise Failed("bench/import_bench.sh exited %d: %s" % (p.returncode, p.stderr.decode()[-400:]))
            for line in p.stdout.decode().splitlines():
                m = IMPORT_BENCH_LINE.match(line)
                if m:
                    g = m.groups()
                    runs.setdefault((g[0], int(g[1])), []).append(
                        (float(g[2]), float(g[5]), float(g[7]), float(g[4]) * 1024, float(g[9]) * 1024))
            if not any(k[1] == n for k in runs):
                raise Failed("bench/import_bench.sh printed no result line")
            if time.perf_counter() - began > args.max_seconds:
                break
        if skipped:
            break
    rows = []
    for (fmt, n), vals in sorted(runs.items()):
        ours = Stat(v[0] for v in vals)
        raw = Stat(v[1] for v in vals)
        py = Stat(v[2] for v in vals)
        rss = max(v[3] for v in vals)
        rows.append(Row("import %s vs raw insert" % fmt, n, "rec/s", ours, "raw SQLite insert (rows/s)", raw, rss,
                        target=">= 0.5x raw insert", met="yes" if ours.median >= 0.5 * raw.median else "no"))
        rows.append(Row("import %s vs Python" % fmt, n, "rec/s", ours, "Python stdlib script", py, rss,
                        max(v[4] for v in vals), target=">= 3x Python",
                        met="yes" if ours.median >= 3 * py.median else "no"))
    for n in skipped:
        rows.append(Row("import vs raw insert / Python (import_bench.sh)", n,
                        met="not run: one run of bench/import_bench.sh %d took over %d s" % (n, args.max_seconds)))
    return rows


CORRELATE_LINE = re.compile(
    r"^(host|account|session|lineage|case)\s+([\d.]+) \|\s+([\d.]+)\s+([\d.]+) \|\s+([\d.]+)\s+([\d.]+)\s+[\d.]+x \|"
    r"\s+(-?[\d.]+) \|\s+([\d.]+)\s+([\d.]+)(.*)$")


def correlate_bench(args, work):
    """Issue 6: drives casetrail_bench_correlate (in process vs hand-written SQL, sqlite3 shell, CLI) per size.

    The program repeats each question over many anchors and prints medians and
    p99: the table shows its median (one run per size; min-max over anchors is
    its p99, given in the met column)."""
    binary = os.path.join(os.path.dirname(os.path.dirname(args.binary)), "bench", "casetrail_bench_correlate")
    if not os.path.exists(binary):
        return []
    rows = []
    for n in args.sizes:
        db = os.path.join(args.data, "correlate-%d.db" % n)  # reused across runs: generating 1M takes a while
        cmd = [binary, "--db", db, "--size", str(n), "--casetrail", args.binary]
        if args.quick:
            cmd += ["--anchors", "20", "--cli-runs", "3"]
        p = run_group(cmd, args.max_seconds)
        if p is None:
            rows.append(Row("correlate (casetrail_bench_correlate)", n,
                            met="not run: generating and measuring took over %d s" % args.max_seconds))
            break
        if p.returncode != 0:
            raise Failed("casetrail_bench_correlate exited %d: %s" % (p.returncode, p.stderr.decode()[-400:]))
        found = False
        for line in p.stdout.decode().splitlines():
            m = CORRELATE_LINE.match(line)
            if not m:
                continue
            found = True
            scope, _, ours, ours99, sql, sql99, shell, cli, cli99, extra = m.groups()
            ours, sql, cli = float(ours), float(sql), float(cli)
            fast = scope in ("host", "account", "session")
            ok = ours <= 2 * sql and (not fast or ours < 5)
            rows.append(Row("correlate %s, 1h window, in process" % scope, n, "ms", Stat([ours]),
                            "hand-written SQL", Stat([float(sql)]),
                            target="<= 2x SQL" + ("; median < 5 ms" if fast else ""),
                            met=("yes" if ok else "no") + " (p99 %s vs %s ms)%s" % (ours99, sql99, extra.strip() and " " + extra.strip())))
            rows.append(Row("correlate %s, CLI end to end" % scope, n, "ms", Stat([cli]),
                            "sqlite3 shell (ms/query)", Stat([float(shell)]) if float(shell) > 0 else None,
                            target="< 50 ms", met=("yes" if cli < 50 else "no") + " (p99 %s ms)" % cli99))
        if not found:
            raise Failed("casetrail_bench_correlate printed no result line")
    return rows


CHAIN_LOG = re.compile(r"^log latency.*chain on median (\d+) us \(p95 (\d+) us\), off median (\d+) us \(p95 (\d+) us\)")
CHAIN_BULK = re.compile(r"^bulk append, (\d+) observations .*chain on (\d+) obs/s, off (\d+) obs/s")
CHAIN_VERIFY = re.compile(r"^verify of (\d+) chain records \((\d+) observations\): ([\d.]+) s, (\w+)")


def chain_cost(args, work):
    """Issue 4: drives bench/chain_cost (the store with and without the hash chain, alternating, in one
    process; then verify of a large case). One run per harness run; the runs give min and max."""
    binary = os.path.join(os.path.dirname(os.path.dirname(args.binary)), "bench", "chain_cost")
    if not os.path.exists(binary):
        return []
    records = 10000 if args.quick else max(args.sizes)
    cmd = [binary, "--dir", os.path.join(work, "chain")]
    cmd += ["--logs", "60", "--bulk", "5000", "--records", str(records)] if args.quick else \
           ["--logs", "300", "--bulk", "100000", "--records", str(records)]
    log_on, log_off, bulk_on, bulk_off, verify = [], [], [], [], []
    links = None
    for _ in range(1 if args.quick else min(args.runs, 3)):
        p = run_group(cmd, args.max_seconds)
        if p is None:
            break
        if p.returncode != 0:
            raise Failed("chain_cost exited %d: %s" % (p.returncode, p.stderr.decode()[-400:]))
        for line in p.stdout.decode().splitlines():
            m = CHAIN_LOG.match(line)
            if m:
                log_on.append(float(m.group(1)) / 1000)
                log_off.append(float(m.group(3)) / 1000)
            m = CHAIN_BULK.match(line)
            if m:
                bulk_on.append(float(m.group(2)))
                bulk_off.append(float(m.group(3)))
            m = CHAIN_VERIFY.match(line)
            if m:
                if m.group(4) != "intact":
                    raise Failed("chain_cost: the generated case did not verify")
                links = int(m.group(1))
                verify.append(float(m.group(3)))
    if not verify:
        return [Row("hash chain (chain_cost)", met="not run: one run took over %d s" % args.max_seconds)]
    rows = [Row("hash chain: log, one observation per transaction", "", "ms", Stat(log_on),
                "same without the chain", Stat(log_off), target="(latency, fsync-bound)",
                met="overhead %+.0f%%" % ((statistics.median(log_on) / statistics.median(log_off) - 1) * 100)),
            Row("hash chain: bulk append as import writes", 5000 if args.quick else 100000, "rec/s",
                Stat(bulk_on), "same without the chain", Stat(bulk_off), target="overhead < 10%")]
    overhead = statistics.median(bulk_off) / statistics.median(bulk_on) - 1
    rows[-1].met = ("yes" if overhead < 0.10 else "no") + " (%+.1f%% time)" % (overhead * 100)
    rows.append(Row("verify (recompute the chain)", records, "s", Stat(verify), target="1M records < 5 s",
                    met=("yes" if records >= 1000000 and statistics.median(verify) < 5 else
                         "no" if records >= 1000000 else "n/a at this size") + " (%d chain records)" % links))
    return rows


EXPORT_LINE = re.compile(r"^(sqlite3 -csv|sqlite3 -json|export \S+|report \S+)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)\s+([\d.]+)\s+([\d.]+)")


def export_bench(args, work):
    """Issue 7: drives bench/export_bench.sh (each export format against sqlite3 -csv / -json dumping the
    same rows from the same file, then both reports), one run per size; the runs give min and max."""
    script = os.path.join(HERE, "export_bench.sh")
    if not os.path.exists(script):
        return []
    rows = []
    sizes = [n for n in args.sizes if n <= (10000 if args.quick else 1000000)]
    env = dict(os.environ)
    build = os.path.dirname(os.path.dirname(args.binary))
    env["CASETRAIL_BENCH_BUILD"] = build
    for n in sizes:
        results = {}  # name -> list of (wall, rss_kb, out_mb)
        runs = 1 if args.quick else min(args.runs, 3)
        began = time.perf_counter()
        for _ in range(runs):
            proc = subprocess.Popen([script, str(n)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    start_new_session=True, env=env)
            try:
                out, err = proc.communicate(timeout=args.max_seconds)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.communicate()
                break
            if proc.returncode != 0:
                raise Failed("export_bench.sh exited %d: %s" % (proc.returncode, err.decode()[-400:]))
            for line in out.decode().splitlines():
                m = EXPORT_LINE.match(line)
                if m:
                    results.setdefault(m.group(1), []).append(
                        (float(m.group(3)), float(m.group(6)) * 1024, float(m.group(7))))
            if time.perf_counter() - began > args.max_seconds:
                break
        if not results:
            rows.append(Row("export and report (export_bench.sh)", n,
                            met="not run: one run took over %d s" % args.max_seconds))
            break
        stat = lambda name, i=0: Stat([r[i] for r in results[name]])
        for name, res in results.items():
            if not name.startswith("export "):
                continue
            base = "sqlite3 -csv" if name.endswith("csv") else "sqlite3 -json"
            row = Row(name, n, "s", stat(name), base + " of the same rows", stat(base),
                      ours_rss=statistics.median(r[1] for r in res),
                      base_rss=statistics.median(r[1] for r in results[base]),
                      target="<= the sqlite3 dump; constant memory" if name in ("export csv", "export jsonl") else "")
            if name in ("export csv", "export jsonl"):
                ratio = row.ours.median / row.base.median
                row.met = ("yes" if ratio <= 1 else "no") + " (%.2fx the dump's time)" % ratio
            rows.append(row)
        for name in ("report html", "report md"):
            if name in results:
                size_mb = statistics.median(r[2] for r in results[name])
                row = Row(name, n, "s", stat(name), ours_rss=statistics.median(r[1] for r in results[name]),
                          target="100k: < 3 s, file < 5 MB" if name == "report html" else "",
                          note="%.1f MB" % size_mb)
                if name == "report html":
                    row.met = ("n/a at this size" if n != 100000 else
                               "yes" if row.ours.median < 3 and size_mb < 5 else "no") + " (file %.1f MB)" % size_mb
                rows.append(row)
    return rows


def pending(args, work):
    """Listed, never estimated: until scripts/bench drives a benchmark, its row says why it is empty."""
    rows = []
    for workload, target, files in PENDING:
        found = present(*files)
        if found == "import_bench.sh":
            continue  # driven by import_bench()
        if found == "export_bench.sh":
            continue  # driven by export_bench()
        if found == "chain_cost.cpp" and os.path.exists(os.path.join(
                os.path.dirname(os.path.dirname(args.binary)), "bench", "chain_cost")):
            continue  # driven by chain_cost()
        if found == "correlate_bench.cpp" and os.path.exists(os.path.join(
                os.path.dirname(os.path.dirname(args.binary)), "bench", "casetrail_bench_correlate")):
            continue  # driven by correlate_bench()
        if found:
            rows.append(Row(workload, target=target, met="not driven by scripts/bench yet: run bench/%s" % found))
        else:
            rows.append(unavailable(workload, target, "bench/%s missing" % files[0]))
    return rows


# --- output ----------------------------------------------------------------------

def machine():
    def out(cmd):
        try:
            return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, shell=True).stdout.decode().strip()
        except OSError:
            return "?"
    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cores": out("nproc"),
        "cpu": out("sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1"),
        "memory": out("free -h | awk '/^Mem:/ {print $2}'"),
        "disk": out("df -h --output=source,fstype,size . | tail -n 1 | awk '{print $1, $2, $3}'"),
        "kernel": platform.release(),
        "commit": out("git -C '%s' rev-parse --short HEAD" % ROOT),
    }


def text_table(rows):
    cells = [HEADER] + [r.cells() for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(HEADER))]
    lines = []
    for n, c in enumerate(cells):
        lines.append("  ".join(x.ljust(w) for x, w in zip(c, widths)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def md_table(rows):
    esc = lambda s: s.replace("|", "\\|")
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(esc(x) for x in r.cells()) + " |" for r in rows]
    return "\n".join(lines)


# --only names for the steps of main().
STEP_KEYS_BY_NAME = {"ATT&CK import": "attack", "import": "import", "import_bench": "import_bench",
                     "correlate": "correlate", "hash chain": "chain", "export and report": "export",
                     "import (callgrind)": "callgrind"}
STEP_KEYS = list(STEP_KEYS_BY_NAME.values())


def main(argv):
    p = argparse.ArgumentParser()
    p.add_argument("--binary", required=True)
    p.add_argument("--quick", action="store_true", help="10k records only, one run")
    p.add_argument("--runs", type=int)
    p.add_argument("--sizes")
    p.add_argument("--data", default=os.path.join(ROOT, "build", "bench-data"))
    p.add_argument("--out", default=os.path.join(ROOT, "build", "bench"))
    p.add_argument("--no-callgrind", dest="callgrind", action="store_false")
    p.add_argument("--only", help="comma-separated steps to run (default: all): " + ", ".join(STEP_KEYS))
    p.add_argument("--max-seconds", type=int, default=900,
                   help="per workload and size: stop repeating runs after this long, and skip a larger size "
                        "whose one run is predicted (from the growth seen) to take longer")
    args = p.parse_args(argv)
    args.binary = os.path.abspath(args.binary)
    args.runs = args.runs or (1 if args.quick else 5)
    args.sizes = [int(s) for s in (args.sizes or ("10000" if args.quick else "10000,100000,1000000")).split(",")]
    os.makedirs(args.data, exist_ok=True)
    os.makedirs(args.out, exist_ok=True)
    if not os.access(GNU_TIME, os.X_OK):
        print("bench: %s (GNU time) is missing: scripts/setup installs it" % GNU_TIME, file=sys.stderr)
        return 1
    rows, failed = [], False
    with tempfile.TemporaryDirectory(prefix="casetrail-bench-") as work:
        steps = [("ATT&CK import", attack_import), ("import", imports), ("import_bench", import_bench),
                 ("correlate", correlate_bench), ("hash chain", chain_cost),
                 ("export and report", export_bench)]
        if args.callgrind:
            steps.append(("import (callgrind)", import_callgrind))
        if args.only:
            wanted = [k.strip() for k in args.only.split(",") if k.strip()]
            unknown = [k for k in wanted if k not in STEP_KEYS]
            if unknown:
                print("bench: unknown step %s (steps: %s)" % (", ".join(unknown), ", ".join(STEP_KEYS)),
                      file=sys.stderr)
                return 2
            steps = [(name, fn) for name, fn in steps if STEP_KEYS_BY_NAME[name] in wanted]
        else:
            steps.append(("pending", pending))
        for name, fn in steps:
            print("bench: %s ..." % name, file=sys.stderr, flush=True)
            try:
                rows += fn(args, work)
            except (Failed, subprocess.CalledProcessError, OSError, ValueError) as e:
                failed = True
                rows.append(Row(name, met="ERROR", note=str(e)))
                print("bench: %s failed: %s" % (name, e), file=sys.stderr)
    info = machine()
    head = ("casetrail benchmarks, %s, commit %s; %s cores (%s), %s RAM, disk %s; %s run(s) each, sizes %s%s%s" % (
        info["date"], info["commit"], info["cores"], info["cpu"], info["memory"], info["disk"], args.runs,
        ",".join(map(str, args.sizes)), " (--quick)" if args.quick else "",
        "; steps: " + args.only if args.only else ""))
    print(head)
    print()
    print(text_table(rows))
    errors = [r for r in rows if r.met == "ERROR"]
    failed = failed or bool(errors)
    for r in errors:
        print("\nERROR in %s: %s" % (r.workload, r.note))
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write(head + "\n\n" + md_table(rows) + "\n")
        for r in errors:
            f.write("\nERROR in %s: %s\n" % (r.workload, r.note))
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump({"machine": info, "runs": args.runs, "sizes": args.sizes, "quick": args.quick,
                   "rows": [r.as_json() for r in rows]}, f, indent=1, default=str)
    print("\nwritten: %s" % os.path.join(args.out, "results.md"), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
