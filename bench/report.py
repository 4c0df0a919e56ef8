"""Turn one bench/commands.sh run (a results directory) into the Markdown report.

Reads, from the directory given as the only argument: meta.tsv (versions, sizes), notes.tsv
(why a tool skipped a case), CASE.json (hyperfine's export) and CASE.TOOL.rss (peak resident
memory in KiB from GNU time). Prints the report on stdout. Standard library only.
"""

import json
import os
import sys

TOOLS = ["ours", "original", "aws", "s5cmd"]
TOOL_TITLES = {"ours": "this tool", "original": "original 0.17", "aws": "aws", "s5cmd": "s5cmd"}

# case -> (title, kind, speed-up target against the original, (ms, KiB) budget for ours,
# peer target). kind: "cmd" (a single command), "small" (many small files), "big" (one big
# file). Speed-up and startup budgets are the distribution issue's; the peer targets and
# the 32 MiB for big transfers are the object-transfer issue's (bench/README.md): at least
# s5cmd's files/s for small files, at least the fastest peer's MB/s for big ones.
CASES = [
    ("version", "`--version`", "cmd", 50, (2.0, 4096), None),
    ("policy", "`policy my-bucket`", "cmd", 50, (2.0, 4096), None),
    ("create-dry-run", "`create my-bucket --dry-run`", "cmd", None, None, None),
    ("whoami", "`whoami` (moto)", "cmd", 3, None, None),
    ("list-buckets", "`list-buckets` (moto, 4 buckets)", "cmd", 3, None, None),
    ("create", "`create bench-create` (moto: user, policy, key)", "cmd", None, None, None),
    ("put-small", "upload {small} × 4 KiB (s3s-fs)", "small", None, None, "s5cmd"),
    ("get-small", "download {small} × 4 KiB (s3s-fs)", "small", None, None, "s5cmd"),
    ("put-big", "upload {big} (s3s-fs)", "big", None, (None, 32768), "fastest"),
    ("get-big", "download {big} (s3s-fs)", "big", None, (None, 32768), "fastest"),
]


def read_tsv(path):
    rows = []
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\n")
                if line:
                    rows.append(line.split("\t"))
    return rows


def fmt_time(seconds):
    if seconds < 0.01:
        return f"{seconds * 1000:.2f} ms"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s"


def fmt_count(x):
    return f"{x:,.0f}"


def main(out):
    meta = dict((row[0], row[1]) for row in read_tsv(os.path.join(out, "meta.tsv")) if len(row) > 1)
    notes = read_tsv(os.path.join(out, "notes.tsv"))
    small = int(meta.get("small", "1000"))
    big_mib = int(meta.get("big_mib", "1024"))
    big_title = "1 GiB" if big_mib == 1024 else f"{big_mib} MiB"

    medians, runs, rss = {}, {}, {}
    for case, *_ in CASES:
        path = os.path.join(out, f"{case}.json")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                for result in json.load(f)["results"]:
                    tool = result["command"]
                    medians[case, tool] = result["median"]
                    runs[case, tool] = len(result["times"])
        for tool in TOOLS:
            p = os.path.join(out, f"{case}.{tool}.rss")
            if os.path.exists(p):
                with open(p, encoding="utf-8") as f:
                    lines = [x for x in f.read().split() if x.isdigit()]
                if lines:
                    rss[case, tool] = int(lines[-1])

    # Footnotes for skipped cases, numbered in order of appearance.
    reasons = {}
    skipped = {}
    for tool, case, why in (n for n in notes if len(n) == 3):
        for t in TOOLS if tool == "*" else [tool]:
            for c in [c for c, *_ in CASES] if case == "*" else [case]:
                if (c, t) not in skipped:
                    number = reasons.setdefault(why, len(reasons) + 1)
                    skipped[c, t] = number

    def cell(case, tool, kind):
        if (case, tool) in medians:
            m = medians[case, tool]
            text = fmt_time(m)
            if kind == "small":
                text += f" · {fmt_count(small / m)} files/s · {small * 4096 / m / 1e6:.1f} MB/s"
            elif kind == "big":
                text += f" · {big_mib * 1048576 / m / 1e6:.0f} MB/s"
            return text
        if (case, tool) in skipped:
            return f"skipped [{skipped[case, tool]}]"
        return "–"

    lines = []
    lines.append("| case | " + " | ".join(TOOL_TITLES[t] for t in TOOLS[:2]) +
                 " | speed-up | target | " + " | ".join(TOOL_TITLES[t] for t in TOOLS[2:]) + " |")
    lines.append("|---|---|---|---|---|---|---|")
    for case, title, kind, target, budget, peer in CASES:
        title = title.format(small=fmt_count(small), big=big_title)
        if not any((case, t) in medians or (case, t) in skipped for t in TOOLS):
            continue
        ratio = ""
        if medians.get((case, "ours")) and (case, "original") in medians:
            r = medians[case, "original"] / medians[case, "ours"]
            ratio = f"{r:.1f}×" if r < 10 else f"{r:.0f}×"
        goals = []
        if target is not None:
            mark = ""
            if ratio:
                mark = " ✓" if medians[case, "original"] >= target * medians[case, "ours"] else " ✗"
            goals.append(f"≥ {target}×{mark}")
        if peer is not None:
            peers = ["s5cmd"] if peer == "s5cmd" else [t for t in TOOLS if t != "ours"]
            timed = [medians[case, t] for t in peers if (case, t) in medians]
            mark = ""
            if (case, "ours") in medians and timed:
                mark = " ✓" if medians[case, "ours"] <= min(timed) else " ✗"
            goals.append(("≥ s5cmd" if peer == "s5cmd" else "≥ fastest peer") + mark)
        if budget is not None:
            ms, kib = budget
            mark = ""
            if ms is not None:
                if (case, "ours") in medians:
                    mark = " ✓" if medians[case, "ours"] * 1000 < ms else " ✗"
                goals.append(f"< {ms:g} ms{mark}")
            mark = ""
            if (case, "ours") in rss:
                mark = " ✓" if rss[case, "ours"] < kib else " ✗"
            goals.append(f"< {kib // 1024} MiB{mark}")
        row = [title, cell(case, "ours", kind), cell(case, "original", kind), ratio or "–",
               ", ".join(goals) or "–", cell(case, "aws", kind), cell(case, "s5cmd", kind)]
        lines.append("| " + " | ".join(row) + " |")

    mem = ["| case | " + " | ".join(TOOL_TITLES[t] for t in TOOLS) + " |", "|---|---|---|---|---|"]
    for case, title, *_ in CASES:
        if not any((case, t) in rss for t in TOOLS):
            continue
        title = title.format(small=fmt_count(small), big=big_title)
        row = [title] + [f"{rss[case, t] / 1024:.1f} MiB" if (case, t) in rss else "–" for t in TOOLS]
        mem.append("| " + " | ".join(row) + " |")

    print("### Wall time (median)\n")
    print("\n".join(lines))
    print("\n### Peak memory (maximum resident set, one checked run)\n")
    print("\n".join(mem))
    if reasons:
        print("\nSkipped:")
        for why, number in sorted(reasons.items(), key=lambda kv: kv[1]):
            print(f"[{number}] {why}")
    spans = []
    for case, *_ in CASES:
        counts = sorted(n for (c, _), n in runs.items() if c == case)
        if counts:
            low, high = counts[0], counts[-1]
            spans.append(f"{case} {low:,}" if low == high else f"{case} {low:,}–{high:,}")
    print("\nTimed runs per command: " + ", ".join(spans))
    print("\nSetup:")
    for key in ["date", "machine", "ours", "original", "aws", "s5cmd", "servers", "tools"]:
        if key in meta:
            print(f"- {key}: {meta[key]}")
    print("- speed-up = original's median / this tool's median; MB = 10^6 bytes; "
          "transfer medians include process start and all requests")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: report.py RESULTS_DIR")
    main(sys.argv[1])
