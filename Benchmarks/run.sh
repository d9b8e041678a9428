#!/usr/bin/env bash
# Runs the HPACK benchmarks (ours and NIOHPACK side by side, then libnghttp2) and prints the
# figures. usage: bash Benchmarks/run.sh
# Environment: RUNS=5 rounds; each round runs `swift package benchmark` (ours and NIOHPACK) and
# then libnghttp2 (NGHTTP2_PASSES=2000 passes), so that the three see about the same machine
# load; the figures are medians over the rounds (summarize.py).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
runs="${RUNS:-5}"
results="$here/.build/results"
rm -rf "$results"
mkdir -p "$results"

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "== building (release)"
swift build -c release --product hpack-profile
echo "== checking the corpus round-trips through both libraries"
"$here/.build/release/hpack-profile" check | tee "$results/corpus.txt"

for i in $(seq 1 "$runs"); do
    echo "== round $i of $runs: swift package benchmark"
    mkdir -p "$results/run-$i"
    swift package --allow-writing-to-package-directory benchmark --no-progress \
        --format jmh --path "$results/run-$i" > "$results/run-$i/benchmark.log" 2>&1 \
        || { cat "$results/run-$i/benchmark.log"; exit 1; }
    echo "== round $i of $runs: libnghttp2"
    bash "$here/run-nghttp2.sh" "${NGHTTP2_PASSES:-2000}" | tee "$results/run-$i/nghttp2.txt" \
        | grep -v '^RESULT'
done

echo
echo "== figures"
python3 "$here/summarize.py" "$results" | tee "$results/summary.md"
