#!/usr/bin/env python3
"""Prints the figures table from the rounds of run.sh.

usage: summarize.py RESULTS_DIR
RESULTS_DIR holds corpus.txt (the `hpack-profile check` line) and run-*/, one per round, each
with a `swift package benchmark --format jmh` export and nghttp2.txt (run-nghttp2.sh's output).
Every figure is the p50 over the passes of one round (one benchmark iteration is one pass
over the corpus), then the median over the rounds.
"""
import glob
import json
import os
import re
import statistics
import sys

LIBS = ("ours", "NIOHPACK", "libnghttp2")
OPS = ("decode", "encode")
TARGETS = {"decode": 1.5, "encode": 3.0}


def main():
    results = sys.argv[1]
    corpus = dict(kv.split("=") for kv in open(os.path.join(results, "corpus.txt")).read().split())
    headers, blocks = int(corpus["headers"]), int(corpus["blocks"])

    # rounds[i][lib, op] = {"cpu": headers/s, "wall": headers/s, "mallocs": per block}
    rounds = []
    ng_encoded = 0
    for run in sorted(p for p in glob.glob(os.path.join(results, "run-*")) if os.path.isdir(p)):
        figures = {}
        for path in glob.glob(os.path.join(run, "*.jmh.json")):
            for element in json.load(open(path)):
                if ".HPACKBench." not in element["benchmark"]:
                    continue
                op, lib = element["benchmark"].rsplit(".", 1)[-1].split("_", 1)
                p50 = {"throughput": element["primaryMetric"]["scorePercentiles"]["50.0"]}
                for metric, data in element["secondaryMetrics"].items():
                    p50[metric] = data["scorePercentiles"]["50.0"]
                figures[lib, op] = {
                    "cpu": p50["headers/s (CPU)"],
                    "wall": p50["throughput"] * headers,  # passes/s
                    "mallocs": p50["Malloc (total)"] / blocks,  # mallocs per pass
                }
        text = open(os.path.join(run, "nghttp2.txt")).read()
        ng = {k: float(v) for k, v in (kv.split("=") for kv in
                                        re.search(r"^RESULT nghttp2 (.*)$", text, re.M).group(1).split())}
        ng_encoded = int(ng["encoded_bytes"])
        for op in OPS:
            figures["libnghttp2", op] = {"cpu": ng[f"{op}_cpu"], "wall": ng[f"{op}_wall"],
                                         "mallocs": ng[f"{op}_mallocs_per_block"]}
        rounds.append(figures)

    def values(lib, op, key):
        return [r[lib, op][key] for r in rounds if (lib, op) in r]

    def med(lib, op, key):
        v = values(lib, op, key)
        return statistics.median(v) if v else float("nan")

    def span(v, scale=1e6, fmt="{:.2f}"):
        return (fmt.format(min(v) / scale) + "–" + fmt.format(max(v) / scale)) if v else ""

    print(f"corpus: {corpus['stories']} stories, {blocks} header blocks, {headers} headers per pass; "
          f"{len(rounds)} rounds (p50 over the passes of a round, median over rounds)")
    print()
    print("| library | decode headers/s (CPU) | encode headers/s (CPU) | decode (wall) | encode (wall) "
          "| decode mallocs/block | encode mallocs/block | decode rounds (CPU) | encode rounds (CPU) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for lib in LIBS:
        print(f"| {lib} | {med(lib, 'decode', 'cpu') / 1e6:.2f} M | {med(lib, 'encode', 'cpu') / 1e6:.2f} M "
              f"| {med(lib, 'decode', 'wall') / 1e6:.2f} M | {med(lib, 'encode', 'wall') / 1e6:.2f} M "
              f"| {med(lib, 'decode', 'mallocs'):.2f} | {med(lib, 'encode', 'mallocs'):.2f} "
              f"| {span(values(lib, 'decode', 'cpu'))} M | {span(values(lib, 'encode', 'cpu'))} M |")
    print()
    for op in OPS:
        line = []
        for other in ("NIOHPACK", "libnghttp2"):
            for key in ("cpu", "wall"):
                ratio = med("ours", op, key) / med(other, op, key)
                per_round = [r["ours", op][key] / r[other, op][key] for r in rounds]
                text = f"ours/{other} = {ratio:.2f}x by {key} (rounds {span(per_round, 1, '{:.2f}')}x)"
                if other == "NIOHPACK" and key == "cpu":
                    text += f" [target >= {TARGETS[op]}x: {'met' if ratio >= TARGETS[op] else 'MISSED'}]"
                line.append(text)
        print(f"{op}: " + "; ".join(line))
    print()
    print(f"encoded size of the corpus: ours {corpus['ours_encoded_bytes']} bytes, NIOHPACK "
          f"{corpus['nio_encoded_bytes']}, libnghttp2 {ng_encoded}, the stories' own wire {corpus['wire_bytes']}")


if __name__ == "__main__":
    main()
