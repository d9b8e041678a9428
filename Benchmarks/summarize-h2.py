#!/usr/bin/env python3
"""Prints the frame, engine and idle-stream tables from the rounds of run.sh.

usage: summarize-h2.py RESULTS_DIR
RESULTS_DIR holds run-*/h2/ (a `swift package benchmark --target H2Bench --format jmh`
export per round), run-*/idle.txt (`h2-profile idle` and `nio-idle` RESULT lines) and,
optionally, callgrind.txt (profile.sh's RESULT lines). Every benchmark figure is the p50
over the iterations of one round, then the median over the rounds; the spread over rounds
is shown too.
"""
import glob
import json
import os
import re
import statistics
import sys

LIBS = ("ours", "NIOHTTP2")
KINDS = ("ping", "window-update", "rst-stream", "settings-ack", "mixed", "mixed-3")
BATCH = 100
CONTROL_FRAMES = 10_000
IDLE_STREAMS = 10_000


def load_rounds(results):
    rounds = []
    for run in sorted(p for p in glob.glob(os.path.join(results, "run-*")) if os.path.isdir(p)):
        figures = {}
        for path in glob.glob(os.path.join(run, "h2", "*.jmh.json")):
            for element in json.load(open(path)):
                name = element["benchmark"]
                if ".H2Bench." not in name:
                    continue
                op, kind, lib = name.rsplit(".", 1)[-1].split("_")
                p50 = {"throughput": element["primaryMetric"]["scorePercentiles"]["50.0"]}
                # package-benchmark 1.38.1's JMH export carries metrics over from one
                # benchmark to the next; read only the ones each benchmark records.
                for metric, data in element["secondaryMetrics"].items():
                    p50[metric] = data["scorePercentiles"]["50.0"]
                figures[op, kind, lib] = p50
        idle = os.path.join(run, "idle.txt")
        if os.path.exists(idle):
            for match in re.finditer(r"^RESULT (\S+) (.*)$", open(idle).read(), re.M):
                values = dict(kv.split("=") for kv in match.group(2).split())
                figures["idle-tool", match.group(1), ""] = {k: float(v) for k, v in values.items()}
        rounds.append(figures)
    return rounds


def main():
    results = sys.argv[1]
    rounds = load_rounds(results)

    def values(op, kind, lib, metric):
        return [r[op, kind, lib][metric] for r in rounds if (op, kind, lib) in r and metric in r[op, kind, lib]]

    def med(op, kind, lib, metric):
        v = values(op, kind, lib, metric)
        return statistics.median(v) if v else None

    def fmt(value, scale, digits=2, suffix=""):
        return "—" if value is None else f"{value / scale:.{digits}f}{suffix}"

    def span(v, scale, digits=2):
        return f"{min(v) / scale:.{digits}f}–{max(v) / scale:.{digits}f}" if v else ""

    def ratio(a, b):
        return "—" if a is None or b is None or b == 0 else f"{a / b:.1f}x"

    fps = "frames/s (CPU)"
    print(f"{len(rounds)} rounds; p50 over a round's iterations, median over rounds; CPU time of the thread.")
    print()
    print("### Control frames: M frames/s (CPU), 10,000 frames per pass")
    print()
    print("| frames | parse ours | parse NIOHTTP2 | ratio | parse in 1 KiB chunks ours | 1 KiB chunks NIOHTTP2 | ratio "
          "| write ours | write NIOHTTP2 | ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for kind in KINDS:
        row = [kind]
        for op in ("parse", "parse-1KiB", "write"):
            ours = med(op, kind, "ours", fps)
            nio = med(op, kind, "NIOHTTP2", fps)
            row += [fmt(ours, 1e6), fmt(nio, 1e6), ratio(ours, nio)]
        print("| " + " | ".join(row) + " |")
    print()
    print("Spread over rounds (ours parse / write, M frames/s): " + "; ".join(
        f"{kind} {span(values('parse', kind, 'ours', fps), 1e6)} / {span(values('write', kind, 'ours', fps), 1e6)}"
        for kind in KINDS if values("write", kind, "ours", fps)))
    print()
    mallocs = []
    for lib in LIBS:
        for op in ("parse", "parse-1KiB", "write"):
            v = [med(op, k, lib, "Malloc (total)") for k in KINDS]
            v = [x for x in v if x is not None]
            if v:
                mallocs.append(f"{lib} {op} {min(v) / CONTROL_FRAMES:.3f}–{max(v) / CONTROL_FRAMES:.3f}")
    print("Mallocs per frame: " + "; ".join(mallocs))
    print()

    mbs = "MB/s (CPU)"
    print("### DATA, 16 KiB frames: GB/s of payload (CPU), 1 MiB per pass")
    print()
    print("| operation | ours | NIOHTTP2 | ratio | ours rounds | NIOHTTP2 rounds | mallocs/frame ours | mallocs/frame NIOHTTP2 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for op, label in (("parse", "parse, whole buffer"), ("parse-16KiB", "parse, 16 KiB chunks"), ("write", "write (writeData)")):
        ours = med(op, "data", "ours", mbs)
        nio = med(op, "data", "NIOHTTP2", mbs)
        mo = med(op, "data", "ours", "Malloc (total)")
        mn = med(op, "data", "NIOHTTP2", "Malloc (total)")
        print(f"| {label} | {fmt(ours, 1e3)} | {fmt(nio, 1e3)} | {ratio(ours, nio)} "
              f"| {span(values(op, 'data', 'ours', mbs), 1e3)} | {span(values(op, 'data', 'NIOHTTP2', mbs), 1e3)} "
              f"| {fmt(mo, 64, 2)} | {fmt(mn, 64, 2)} |")
    print()

    nsr = "ns/request (CPU)"
    print("### Engine, server role: per request (batches of 100)")
    print()
    print("| library | ns/request (CPU) | rounds | wall clock ns/request | mallocs/request |")
    print("|---|---:|---:|---:|---:|")
    for lib in LIBS:
        cpu = med("engine", "request", lib, nsr)
        wall = med("engine", "request", lib, "Time (wall clock)")
        wall_unit = 1e3  # μs per batch -> ns per request: *1000/100
        m = med("engine", "request", lib, "Malloc (total)")
        print(f"| {lib} | {fmt(cpu, 1, 0)} | {span(values('engine', 'request', lib, nsr), 1, 0)} "
              f"| {fmt(None if wall is None else wall * wall_unit / BATCH, 1, 0)} | {fmt(m, BATCH, 2)} |")
    ours = med("engine", "request", "ours", nsr)
    nio = med("engine", "request", "NIOHTTP2", nsr)
    if ours and nio:
        per_round = [r["engine", "request", "NIOHTTP2"][nsr] / r["engine", "request", "ours"][nsr]
                     for r in rounds if ("engine", "request", "ours") in r and ("engine", "request", "NIOHTTP2") in r]
        print()
        print(f"NIOHTTP2 / ours = {nio / ours:.1f}x CPU per request (rounds {span(per_round, 1, 1)}x); "
              f"target <= 1000 ns/request: {'met' if ours <= 1000 else 'MISSED'} ({ours:.0f} ns)")
    print()

    print("### Memory per idle stream (10,000 open streams, HEADERS with END_STREAM, no response)")
    print()
    print("| library | heap growth (interposer: requested − freed) | heap growth (glibc mallinfo2) | RSS growth | mallocs/stream |")
    print("|---|---:|---:|---:|---:|")
    leaked_key = "Malloc / free Δ (bytes)"  # memoryLeakedBytes
    for lib, tool in (("ours", "idle"), ("NIOHTTP2", "nio-idle")):
        heap = med("idle", "stream", lib, leaked_key) if leaked_key else None
        mi = med("idle-tool", tool, "", "heap_bytes_per_stream")
        rss = med("idle-tool", tool, "", "rss_bytes_per_stream")
        m = med("idle", "stream", lib, "Malloc (total)")
        print(f"| {lib} | {fmt(heap, IDLE_STREAMS, 0, ' B')} | {fmt(mi, 1, 0, ' B')} | {fmt(rss, 1, 0, ' B')} "
              f"| {fmt(m, IDLE_STREAMS, 3)} |")
    print()
    print("Spread over rounds: " + "; ".join(
        f"{tool} mallinfo2 {span(values('idle-tool', tool, '', 'heap_bytes_per_stream'), 1, 0)} B, "
        f"RSS {span(values('idle-tool', tool, '', 'rss_bytes_per_stream'), 1, 0)} B" for tool in ("idle", "nio-idle")))

    callgrind = os.path.join(results, "callgrind.txt")
    if os.path.exists(callgrind):
        print()
        print("### Instructions per request (callgrind)")
        print()
        for line in open(callgrind):
            if line.startswith("RESULT "):
                print("- " + line[len("RESULT "):].strip())


if __name__ == "__main__":
    main()
