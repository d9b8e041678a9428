#!/usr/bin/env bash
# Runs the benchmarks side by side with swift-nio-http2 1.46.0 and prints the figures.
# usage: bash Benchmarks/run.sh
# Environment:
#   RUNS=5             rounds; every figure is the median over the rounds
#   SUITES="hpack h2"  hpack: HPACK codec vs NIOHPACK, then libnghttp2 (NGHTTP2_PASSES=2000)
#                      h2: frames, engine and idle streams vs NIOHTTP2Handler, plus the
#                      heap/RSS tool for idle streams
#   CALLGRIND=1        after the rounds, instructions per request of both engines (profile.sh)
# Each round runs every suite in turn so that all libraries see about the same machine load.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
runs="${RUNS:-5}"
suites="${SUITES:-hpack h2}"
results="$here/.build/results"
rm -rf "$results"
mkdir -p "$results"
has() { [[ " $suites " == *" $1 "* ]]; }

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== building (release)"
# Objects of the benchmark targets that inlined an engine type's layout can survive an
# incremental release build after that layout changed (see profile.sh): always rebuild them.
for target in H2Bench HPACKBench H2BenchKit HPACKBenchKit h2_profile hpack_profile; do
    rm -f "$here"/.build/*/release/"$target".build/*.o
done
swift build -c release --product hpack-profile
swift build -c release --product h2-profile
if has hpack; then
    echo "== checking the corpus round-trips through both libraries"
    "$here/.build/release/hpack-profile" check | tee "$results/corpus.txt"
fi
if has h2; then
    echo "== checking the frame, engine and idle-stream inputs and outputs of both libraries"
    "$here/.build/release/h2-profile" check | tee "$results/h2-check.txt"
fi

for i in $(seq 1 "$runs"); do
    mkdir -p "$results/run-$i"
    if has hpack; then
        echo "== round $i of $runs: HPACK (swift package benchmark --target HPACKBench)"
        swift package --allow-writing-to-package-directory benchmark --target HPACKBench --no-progress \
            --format jmh --path "$results/run-$i" > "$results/run-$i/benchmark.log" 2>&1 \
            || { cat "$results/run-$i/benchmark.log"; exit 1; }
        echo "== round $i of $runs: libnghttp2"
        bash "$here/run-nghttp2.sh" "${NGHTTP2_PASSES:-2000}" | tee "$results/run-$i/nghttp2.txt" \
            | grep -v '^RESULT'
    fi
    if has h2; then
        echo "== round $i of $runs: frames, engine, idle streams (swift package benchmark --target H2Bench)"
        mkdir -p "$results/run-$i/h2"
        swift package --allow-writing-to-package-directory benchmark --target H2Bench --no-progress \
            --format jmh --path "$results/run-$i/h2" > "$results/run-$i/h2/benchmark.log" 2>&1 \
            || { cat "$results/run-$i/h2/benchmark.log"; exit 1; }
        echo "== round $i of $runs: heap and RSS per idle stream (h2-profile idle, nio-idle)"
        { "$here/.build/release/h2-profile" idle; "$here/.build/release/h2-profile" nio-idle; } \
            | tee "$results/run-$i/idle.txt"
    fi
done

if has h2 && [ "${CALLGRIND:-1}" = 1 ]; then
    echo "== callgrind: instructions per request (profile.sh)"
    bash "$here/profile.sh" 500 engine | grep '^RESULT' | tee "$results/callgrind.txt"
    bash "$here/profile.sh" 100 nio-engine | grep '^RESULT' | tee -a "$results/callgrind.txt"
fi

echo
echo "== figures"
: > "$results/summary.md"
if has hpack; then python3 "$here/summarize.py" "$results" | tee -a "$results/summary.md"; echo | tee -a "$results/summary.md"; fi
if has h2; then python3 "$here/summarize-h2.py" "$results" | tee -a "$results/summary.md"; fi
