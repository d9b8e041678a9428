#!/usr/bin/env bash
# One campaign run of one fuzz target, measured in CPU time rather than wall time.
#
#   Fuzz/campaign.sh CPU_SECONDS TARGET        from the repository root or anywhere
#
# Builds TARGET as run.sh does, writes its seeds, copies the binary aside (so a later
# build cannot change it under the run), and runs it under `nice -n 19` (it only takes
# CPU the rest of the machine leaves) on Fuzz/Corpus/<target>/, Fuzz/Regressions/<target>/
# and the seeds, until the process has used CPU_SECONDS of CPU (utime + stime of
# /proc/PID/stat, every thread of it) and then stops it with SIGINT (libFuzzer prints its
# final stats). Then it minimizes Fuzz/Corpus/<target>/ with what the run found (-merge=1,
# the seeds left out as in run.sh) and appends one line to Fuzz/campaign.log:
#
#   date target commit sources cpu_s wall_s execs cov ft counters corpus findings result
#
# `commit` is HEAD; `sources` is "clean" or "dirty:<hash>" (a hash of `git diff HEAD` of
# Sources/ and Package.swift: the build uses the working tree, which may hold other
# people's uncommitted changes). `findings` counts the crash-/leak-/timeout-/oom- files
# the run wrote to Fuzz/artifacts/<target>/. A finding also stops the run (libFuzzer
# exits on the first one); minimize it and put it in Fuzz/Regressions/ (README.md).
#
# Environment:
#   CAMPAIGN_DEADLINE=HH:MM   also stop at this wall-clock time (UTC), whatever the CPU
#   CAMPAIGN_WORK=DIR         the work folder inside Fuzz/ (default campaign)
#   CAMPAIGN_MERGE=0          skip the corpus merge
#   CAMPAIGN_TIMEOUT=S        libFuzzer's -timeout (wall seconds per input), default 60:
#                             under nice on a busy machine an input can wait seconds for
#                             a CPU, and run.sh's 10 s gave false timeouts
#   FUZZ_FLAGS="..."          extra libFuzzer flags
set -uo pipefail

if [[ $# -ne 2 || ! $1 =~ ^[0-9]+$ ]]; then
    echo "usage: Fuzz/campaign.sh CPU_SECONDS TARGET" >&2
    exit 2
fi
budget=$1
target=$2

FUZZ_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$FUZZ_DIR" || exit 2

work="${CAMPAIGN_WORK:-campaign}/$target"
mkdir -p "$work/corpus" "$work/seeds" "$work/bin" "artifacts/$target"
exec {lock}>"$work/.lock"
flock -n "$lock" || { echo "campaign.sh: another run uses Fuzz/$work" >&2; exit 2; }

scratch=.build-fuzz
build=(swift build -c release --scratch-path "$scratch" --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address
    -Xswiftc -enable-testing)
echo "=== $target: build"
if ! nice -n 19 "${build[@]}" --product "$target" >"$work/build.log" 2>&1; then
    grep -E "error:" "$work/build.log" | head -20
    echo "=== $target: BUILD FAILED (Fuzz/$work/build.log)"
    exit 1
fi
cp "$scratch/release/$target" "$work/bin/$target"
binary="$work/bin/$target"

commit=$(git rev-parse --short=12 HEAD)
if git diff --quiet HEAD -- ../Sources ../Package.swift; then
    sources=clean
else
    sources="dirty:$(git diff HEAD -- ../Sources ../Package.swift | sha1sum | cut -c1-10)"
fi

rm -f "$work/seeds"/*
python3 seeds.py "$target" "$work/seeds" >/dev/null || echo "=== $target: seed writer failed, going on without"
corpora=("$work/corpus")
[[ -d Corpus/$target ]] && corpora+=("Corpus/$target")
[[ -d Regressions/$target ]] && corpora+=("Regressions/$target")
corpora+=("$work/seeds")

target_flags=()
[[ $target == fuzz-server-channel ]] && target_flags+=(-detect_leaks=0)   # see run.sh
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:handle_abort=1}

artifacts_before=$(find "artifacts/$target" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
log="$work/fuzz-$(date -u +%Y%m%dT%H%M%S).log"
deadline_epoch=
if [[ -n ${CAMPAIGN_DEADLINE:-} ]]; then
    deadline_epoch=$(date -u -d "$CAMPAIGN_DEADLINE" +%s) || exit 2
fi
echo "=== $target: fuzzing until ${budget} CPU s${CAMPAIGN_DEADLINE:+ or $CAMPAIGN_DEADLINE UTC} (log: Fuzz/$log; $commit $sources)"

start=$(date +%s)
# shellcheck disable=SC2086
nice -n 19 "$binary" -rss_limit_mb=2048 -timeout="${CAMPAIGN_TIMEOUT:-60}" -print_final_stats=1 -max_total_time=86400 \
    -artifact_prefix="artifacts/$target/" "${target_flags[@]}" ${FUZZ_FLAGS:-} "${corpora[@]}" >"$log" 2>&1 &
pid=$!
ticks=$(getconf CLK_TCK)
cpu=0
stop_reason=
# CPU time of the process (all threads): fields 14 and 15 of /proc/PID/stat, after the
# ")" that ends the command name (which may hold spaces).
cpu_of() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    # shellcheck disable=SC2086
    set -- $stat
    echo $(( (${12} + ${13}) / ticks ))
}
while kill -0 "$pid" 2>/dev/null; do
    if now_cpu=$(cpu_of "$pid"); then cpu=$now_cpu; fi
    if (( cpu >= budget )); then stop_reason="cpu"; break; fi
    if [[ -n $deadline_epoch ]] && (( $(date -u +%s) >= deadline_epoch )); then stop_reason="deadline"; break; fi
    sleep 2
done
if [[ -n $stop_reason ]]; then
    kill -INT "$pid" 2>/dev/null
    for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
fi
wait "$pid"
code=$?
wall=$(( $(date +%s) - start ))

counters=$(grep -a -m1 -oE 'Loaded 1 modules +\([0-9]+ inline 8-bit counters\)' "$log" | grep -oE '[0-9]+ inline' | grep -oE '[0-9]+')
last=$(grep -a -E '^#[0-9]+' "$log" | tail -1)
execs=$(grep -a -oE 'stat::number_of_executed_units: [0-9]+' "$log" | grep -oE '[0-9]+$')
[[ -z $execs ]] && execs=$(sed -nE 's/^#([0-9]+).*/\1/p' <<<"$last")
cov=$(grep -oE 'cov: [0-9]+' <<<"$last" | grep -oE '[0-9]+')
ft=$(grep -oE 'ft: [0-9]+' <<<"$last" | grep -oE '[0-9]+')
corp=$(grep -oE 'corp: [0-9]+/[0-9]+[a-zA-Z]*' <<<"$last" | cut -d' ' -f2)
artifacts_after=$(find "artifacts/$target" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
findings=$((artifacts_after - artifacts_before))

if [[ $findings -gt 0 ]]; then
    result="FINDING"
    grep -a -E 'ERROR: |SUMMARY: |invariant broken|Fatal error|Test unit written' "$log" | head -20
elif [[ -n $stop_reason ]]; then
    result="stopped-at-$stop_reason"
else
    result="exited-$code"
fi
echo "=== $target: $result, cpu ${cpu}s wall ${wall}s execs ${execs:-?} cov ${cov:-?} ft ${ft:-?} counters ${counters:-?} corpus ${corp:-?}"

if [[ ${CAMPAIGN_MERGE:-1} == 1 && $findings -eq 0 ]]; then
    merged="$work/merged"
    rm -rf "$merged" && mkdir -p "$merged"
    cp -r "$work/seeds"/. "$merged"/
    sources_dirs=("$work/corpus")
    [[ -d Corpus/$target ]] && sources_dirs+=("Corpus/$target")
    if nice -n 19 "$binary" -merge=1 -rss_limit_mb=2048 -timeout=10 "${target_flags[@]}" "$merged" "${sources_dirs[@]}" \
        >"$work/merge.log" 2>&1; then
        for seed in "$work/seeds"/*; do rm -f "$merged/$(basename "$seed")"; done
        rm -rf "Corpus/$target" && mkdir -p Corpus && mv "$merged" "Corpus/$target"
        echo "=== $target: Fuzz/Corpus/$target now $(find "Corpus/$target" -type f | wc -l) files," \
            "$(du -sb "Corpus/$target" | cut -f1) bytes"
    else
        echo "=== $target: merge failed, see Fuzz/$work/merge.log"
    fi
fi

printf '%s %s commit %s sources %s cpu_s %s wall_s %s execs %s cov %s ft %s counters %s corpus %s findings %s %s\n' \
    "$(date -u +%Y-%m-%dT%H:%MZ)" "$target" "$commit" "$sources" "$cpu" "$wall" "${execs:-?}" "${cov:-?}" \
    "${ft:-?}" "${counters:-?}" "${corp:-?}" "$findings" "$result" >>campaign.log
[[ $findings -eq 0 ]]
