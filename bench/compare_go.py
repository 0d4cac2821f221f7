#!/usr/bin/env python3
"""compare_go.py GO_BENCH_OUTPUT CGOSAN_JSON... — cgosan beside Go 1.19.

Prints one row per operation measured both by cgosan's benchmark programs
(their Google Benchmark JSON, --benchmark_out_format=json) and by the Go
benchmarks of bench/go (the text `go test -bench` prints), taken in the same
scripts/bench run: both figures in ns and the ratio Go / cgosan, so that
"how many times faster than Go's cgo" is read off, not guessed. Figures are
reported, never asserted. Standard library only.
"""
import json
import os
import re
import sys

# (operation, cgosan benchmark, Go benchmark or None when Go 1.19 has no twin)
ROWS = [
    ("cgo call, empty", "BM_Cgocall", "CgoCallEmpty"),
    ("cgo call + C (non-managed) pointer", "BM_CgocallArg_NotManaged",
     "CgoCallCPointer"),
    ("cgo call + 64 B pointer-free object", "BM_CgocallArg_PointerFree64",
     "CgoCallPointerFree64"),
    ("cgo call + 1 KiB, 16 nil pointers", "BM_CgocallArg_Slots16_Nil",
     "CgoCallSlots16Nil"),
    ("cgo call + 1 KiB, 16 pinned pointers", "BM_CgocallArg_Slots16_Pinned",
     None),
    ("callback round trip (C -> managed)", "BM_CallbackInCall", "Callback"),
    ("allocate 16 B (GC included)", "BM_CgosanNew/16", "New16"),
    ("allocate 64 B (GC included)", "BM_CgosanNew/64", "New64"),
]

NS_PER_UNIT = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
GO_LINE = re.compile(r"^Benchmark(\w+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op")


def benchmark_key(name):
    """BM_CgosanNew/16/min_time:0.200/manual_time -> BM_CgosanNew/16."""
    parts = [p for p in name.split("/")
             if ":" not in p and p not in ("manual_time", "real_time")]
    return "/".join(parts)


def cgosan_figures(paths):
    sums = {}
    # A program whose filter matched nothing writes an empty file, one given
    # its own --benchmark_out none here: their rows say "not run".
    for path in paths:
        if not os.path.exists(path) or os.path.getsize(path) == 0:
            continue
        with open(path) as f:
            for b in json.load(f).get("benchmarks", []):
                if b.get("run_type") != "iteration" or b.get("error_occurred"):
                    continue
                ns = b["real_time"] * NS_PER_UNIT[b.get("time_unit", "ns")]
                total, n = sums.get(benchmark_key(b["name"]), (0.0, 0))
                sums[benchmark_key(b["name"])] = (total + ns, n + 1)
    return {k: total / n for k, (total, n) in sums.items()}


def go_figures(path):
    figures = {}
    with open(path) as f:
        for line in f:
            m = GO_LINE.match(line)
            if m:
                figures[m.group(1)] = float(m.group(2))
    return figures


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__.splitlines()[0])
    go = go_figures(argv[1])
    ours = cgosan_figures(argv[2:])
    print("\ncgosan vs Go 1.19 (GODEBUG=cgocheck=1), same run; "
          "ratio = Go / cgosan (> 1: cgosan is faster)")
    fmt = "%-38s %10s %10s %8s"
    print(fmt % ("operation", "cgosan ns", "Go ns", "Go/ours"))
    print(fmt % ("-" * 38, "-" * 10, "-" * 10, "-" * 8))
    for what, ours_name, go_name in ROWS:
        mine = ours.get(ours_name)
        theirs = go.get(go_name) if go_name else None
        ratio = "%.1fx" % (theirs / mine) if mine and theirs else "-"
        print(fmt % (what,
                     "%.2f" % mine if mine is not None else "not run",
                     "%.2f" % theirs if theirs is not None
                     else ("not run" if go_name else "n/a"),
                     ratio))
    print("n/a: Go 1.19 has no runtime.Pinner (Go 1.21), so it cannot pass an "
          "object holding Go pointers at all.")


if __name__ == "__main__":
    main(sys.argv)
