#!/usr/bin/env bash
# Builds and runs the fuzz targets of this package (libFuzzer), one after the other.
#
#   Fuzz/run.sh [SECONDS] [TARGET...]       from the repository root or anywhere
#
# SECONDS (default 20) is each target's fuzzing time (-max_total_time); building comes on
# top. With no TARGET, every executable target named fuzz-* in Fuzz/Package.swift runs.
# Seeds: Fuzz/Corpus/<target>/ (committed, minimized), Fuzz/Regressions/<target>/ (past
# findings, committed) and Fuzz/work/<target>/seeds/ (written from Vectors/ by
# Fuzz/seeds.py on each run); new inputs go to
# Fuzz/work/<target>/corpus/, crashes to Fuzz/artifacts/<target>/ (both gitignored).
# Exits non-zero if a build fails or any target finds a crash, leak, timeout or OOM, or
# is not instrumented.
#
# Environment:
#   FUZZ_MERGE=1        afterwards, minimize Fuzz/Corpus/<target>/ with what the run found
#                       (libFuzzer -merge=1); commit the result
#   FUZZ_JOBS=N         build jobs (default: all cores)
#   FUZZ_FLAGS="..."    extra libFuzzer flags, e.g. "-max_len=16384 -seed=1"
#   FUZZ_WORK=DIR       the work folder inside Fuzz/ (default work; logs, seeds, new inputs),
#                       for runs side by side in one checkout (each folder takes a lock)
#   FUZZ_KNOWN_ISSUES=  "all" or names from Fuzz/Regressions/open.txt: also run the checks
#                       that those open findings break (off by default, see README.md)
set -uo pipefail

FUZZ_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$FUZZ_DIR" || exit 2

seconds=20
if [[ $# -gt 0 && $1 =~ ^[0-9]+$ ]]; then
    seconds=$1
    shift
fi

if [[ $# -gt 0 ]]; then
    targets=("$@")
else
    # Every executable target whose name starts with fuzz-, as the manifest declares them.
    mapfile -t targets < <(swift package dump-package 2>/dev/null | python3 -c '
import json, sys
package = json.load(sys.stdin)
for target in package["targets"]:
    if target["type"] == "executable" and target["name"].startswith("fuzz-"):
        print(target["name"])')
    if [[ ${#targets[@]} -eq 0 ]]; then
        # Fallback if dump-package is unavailable: the fuzzTarget("...") calls.
        mapfile -t targets < <(grep -oE 'fuzzTarget\("fuzz-[A-Za-z0-9_-]+"' Package.swift | sed -E 's/.*"(.*)"/\1/')
    fi
fi
if [[ ${#targets[@]} -eq 0 ]]; then
    echo "run.sh: no fuzz targets found in Fuzz/Package.swift" >&2
    exit 2
fi

work_root=${FUZZ_WORK:-work}
scratch=.build-fuzz
build=(swift build -c release --scratch-path "$scratch" --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address
    -Xswiftc -enable-testing)   # fuzz-server-channel: @testable import HTTP2Server
[[ -n ${FUZZ_JOBS:-} ]] && build+=(-j "$FUZZ_JOBS")
export SWIFT_BACKTRACE=enable=no   # let libFuzzer/ASan report traps, not Swift's backtracer
# Leak detection stays on (libFuzzer reports a leak as a finding).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:handle_abort=1}

# FUZZ_BUILD_ONLY=1: build every target in one invocation and stop (Scripts/test.sh starts
# this early, next to its own builds; the run later finds the binaries up to date).
if [[ ${FUZZ_BUILD_ONLY:-0} == 1 ]]; then
    echo "=== building every fuzz target"
    mkdir -p "$work_root"
    build_start=$SECONDS
    if "${build[@]}" >"$work_root/build-all.log" 2>&1; then
        echo "=== built in $((SECONDS - build_start)) s"
        exit 0
    fi
    grep -vE "^\[[0-9]+/[0-9]+\]|Cannot export local symbol '__asan_extra_spill_area'" "$work_root/build-all.log" | tail -n 40
    echo "=== BUILD FAILED"
    exit 1
fi

status=0
summary=()
total_build=0
total_fuzz=0
for target in "${targets[@]}"; do
    echo "=== $target: build"
    work="$work_root/$target"
    mkdir -p "$work"
    # One run.sh at a time per work folder: a second one would truncate the first one's log
    # and seeds under it. Wait for it (the lock goes with this shell's file descriptor).
    exec {lock}>"$work/.lock"
    if ! flock -n "$lock"; then
        echo "=== $target: another run.sh is using Fuzz/$work, waiting (or set FUZZ_WORK)"
        flock "$lock"
    fi
    build_start=$SECONDS
    "${build[@]}" --product "$target" >"$work/build.log" 2>&1
    built=$?
    build_seconds=$((SECONDS - build_start))
    total_build=$((total_build + build_seconds))
    # Progress lines and a harmless ASan/gold link warning left out.
    grep -vE "^\[[0-9]+/[0-9]+\]|Cannot export local symbol '__asan_extra_spill_area'" "$work/build.log"
    binary="$scratch/release/$target"
    if [[ $built -ne 0 || ! -x $binary ]]; then
        echo "=== $target: BUILD FAILED"
        summary+=("$(printf '%-26s %s (%ss)' "$target" "build failed" "$build_seconds")")
        status=1
        exec {lock}>&-
        continue
    fi

    mkdir -p "$work/corpus" "$work/seeds" "artifacts/$target"
    rm -f "$work/seeds"/*
    python3 seeds.py "$target" "$work/seeds" || echo "=== $target: seed writer failed, going on without"
    # Open findings (Regressions/open.txt: target, file, issue): their checks are off by
    # default (FUZZ_KNOWN_ISSUES), so they run below as seeds like the others; here each is
    # replayed with its check on, to tell whether it still reproduces. Not a failure.
    if [[ -f Regressions/open.txt ]]; then
        while read -r open_target open_file open_issue; do
            [[ $open_target == "$target" && -f Regressions/$target/$open_file ]] || continue
            if FUZZ_KNOWN_ISSUES=$open_issue "$binary" "Regressions/$target/$open_file" >"$work/open-$open_issue.log" 2>&1; then
                echo "=== $target: open finding $open_issue ($open_file) no longer reproduces: fixed? remove its" \
                    "line from Fuzz/Regressions/open.txt and the FUZZ_KNOWN_ISSUES gate of its check"
            else
                echo "=== $target: open finding $open_issue ($open_file) still reproduces (Fuzz/Regressions/README.md)"
            fi
        done < <(grep -vE '^\s*(#|$)' Regressions/open.txt)
    fi

    corpora=("$work/corpus")
    [[ -d Corpus/$target ]] && corpora+=("Corpus/$target")
    # Past findings run first thing, like every seed: one that crashes again fails the run.
    [[ -d Regressions/$target ]] && corpora+=("Regressions/$target")
    corpora+=("$work/seeds")

    # Per target: fuzz-server-channel leaves allocations of NIO's and Dispatch's threads
    # and caches after an input (malloc and free counts differ), so libFuzzer's per-input
    # leak check would run a full LeakSanitizer scan after nearly every input (7x slower);
    # its own checks catch what outlives an input, and LeakSanitizer still runs at exit.
    target_flags=()
    [[ $target == fuzz-server-channel ]] && target_flags+=(-detect_leaks=0)

    log="$work/fuzz.log"
    echo "=== $target: fuzzing for ${seconds}s (log: Fuzz/$log)"
    fuzz_start=$SECONDS
    times >"$work/cpu.before"   # CPU time of finished children, in this shell (no subshell)
    # shellcheck disable=SC2086
    timeout --kill-after=30 $((seconds + 120)) "$binary" \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="artifacts/$target/" "${target_flags[@]}" ${FUZZ_FLAGS:-} "${corpora[@]}" >"$log" 2>&1
    code=$?
    times >"$work/cpu.after"
    total_fuzz=$((total_fuzz + SECONDS - fuzz_start))
    cpu=$(tail -qn1 "$work/cpu.before" "$work/cpu.after" | awk '
        { t = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); sub("s", "", a[2]); t += a[1] * 60 + a[2] } c[NR] = t }
        END { printf "%.0f", c[2] - c[1] }')

    counters=$(grep -a -m1 -oE 'Loaded 1 modules +\([0-9]+ inline 8-bit counters\)' "$log" | grep -oE '[0-9]+ inline' | grep -oE '[0-9]+')
    last=$(grep -a -E '^#[0-9]+' "$log" | tail -1)
    execs=$(grep -a -oE 'stat::number_of_executed_units: [0-9]+' "$log" | grep -oE '[0-9]+$')
    [[ -z $execs ]] && execs=$(sed -nE 's/^#([0-9]+).*/\1/p' <<<"$last")
    cov=$(grep -oE 'cov: [0-9]+' <<<"$last" | grep -oE '[0-9]+')
    ft=$(grep -oE 'ft: [0-9]+' <<<"$last" | grep -oE '[0-9]+')
    corp=$(grep -oE 'corp: [0-9]+/[0-9]+[a-zA-Z]*' <<<"$last" | cut -d' ' -f2)
    rate=$(grep -oE 'exec/s: [0-9]+' <<<"$last" | grep -oE '[0-9]+')

    result=ok
    if [[ $code -ne 0 ]]; then
        result="FINDING (exit $code)"
        status=1
        grep -a -E 'ERROR: |SUMMARY: |broken|Fatal error|Test unit written|Base64' "$log" | head -20
        echo "=== $target: log tail"
        tail -40 "$log"
    elif [[ -z $counters || $counters -lt 1000 ]]; then
        result="NOT INSTRUMENTED (${counters:-no} counters)"
        status=1
        head -20 "$log"
    fi
    line=$(printf '%-22s %-10s build %4ss cpu %4ss  execs %-9s exec/s %-6s cov %-5s ft %-6s counters %-6s corpus %s' \
        "$target" "$result" "$build_seconds" "$cpu" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${counters:-?}" "${corp:-?}")
    echo "=== $line"
    summary+=("$line")

    if [[ ${FUZZ_MERGE:-0} == 1 && $code -eq 0 ]]; then
        # The seeds go in first so that only inputs adding features beyond them are kept;
        # they are taken out again (run.sh writes them anew each time).
        merged="$work/merged"
        rm -rf "$merged" && mkdir -p "$merged"
        cp "$work/seeds"/. "$merged"/ -r
        sources=("$work/corpus")
        [[ -d Corpus/$target ]] && sources+=("Corpus/$target")
        if "$binary" -merge=1 -rss_limit_mb=2048 -timeout=10 "$merged" "${sources[@]}" >"$work/merge.log" 2>&1; then
            for seed in "$work/seeds"/*; do rm -f "$merged/$(basename "$seed")"; done
            rm -rf "Corpus/$target" && mkdir -p Corpus && mv "$merged" "Corpus/$target"
            echo "=== $target: Fuzz/Corpus/$target now $(find "Corpus/$target" -type f | wc -l) files," \
                "$(du -sb "Corpus/$target" | cut -f1) bytes"
        else
            echo "=== $target: merge failed, see Fuzz/$work/merge.log"
            status=1
        fi
    fi
    exec {lock}>&-
done

echo "=== summary (${seconds}s each)"
printf '%s\n' "${summary[@]}"
echo "=== wall time: builds ${total_build}s, fuzzing ${total_fuzz}s (seeds, replays and merges included), total ${SECONDS}s"
exit $status
