#!/usr/bin/env bash
# Instruction profiles (callgrind counts instructions, so the figures do not depend on the
# machine's load) of the measured loops:
#   HPACK (hpack-profile): decode, encode, nio-decode, nio-encode   [N = passes over the corpus]
#   engine (h2-profile):   engine, nio-engine                       [N = batches of 100 requests]
# usage: bash Benchmarks/profile.sh [N=50] [mode ...]     (default modes: decode encode engine)
# Builds in release with debug info in DWARF 4 (valgrind 3.19 cannot read the DWARF 5 that
# clang writes for the C targets by default) under .build/profile, then prints the top
# functions of each loop (collection limited to the measured function: no setup) and, for
# the engine, a RESULT line with instructions per request.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
count="${1:-50}"
shift || true
modes=(decode encode engine)
[ $# -gt 0 ] && modes=("$@")
flags=(-Xswiftc -g -Xswiftc -debug-info-format=dwarf -Xswiftc -dwarf-version=4 -Xcc -gdwarf-4)
# An incremental release build can keep objects of the benchmark targets that inlined the
# layout of an engine type (cross-module optimization) after that layout changed in the root
# package: the binary then writes past its allocations. Their objects are always rebuilt.
for target in H2BenchKit HPACKBenchKit h2_profile hpack_profile; do
    rm -f .build/profile/*/release/"$target".build/*.o
done
swift build -c release --product hpack-profile --scratch-path .build/profile "${flags[@]}"
swift build -c release --product h2-profile --scratch-path .build/profile "${flags[@]}"
out="$here/.build/profile/callgrind"
mkdir -p "$out"
for mode in "${modes[@]}"; do
    tool=hpack-profile
    case "$mode" in
        decode) pass='*oursDecodePass*' ;;
        encode) pass='*oursEncodePass*' ;;
        nio-decode) pass='*nioDecodePass*' ;;
        nio-encode) pass='*nioEncodePass*' ;;
        engine) tool=h2-profile; pass='*OursEngineB0C5batch*' ;;
        nio-engine) tool=h2-profile; pass='*NIOEngineB0C5batch*' ;;
        *) echo "unknown mode $mode" >&2; exit 2 ;;
    esac
    valgrind --tool=callgrind --toggle-collect="$pass" --callgrind-out-file="$out/$mode.out" \
        ".build/profile/release/$tool" "$mode" "$count" 2>"$out/$mode.valgrind.log" >"$out/$mode.stdout"
    echo "== $mode: $count, callgrind data in $out/$mode.out"
    collected=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$out/$mode.valgrind.log")
    echo "Collected: $collected instructions"
    if [ "$tool" = h2-profile ]; then
        # h2-profile runs min(N, 50) warm-up batches first, collected too.
        requests=$(( (count + (count < 50 ? count : 50)) * 100 ))
        echo "RESULT $mode instructions_per_request=$(( collected / requests )) requests=$requests"
    fi
    callgrind_annotate --inclusive=no "$out/$mode.out" 2>/dev/null | sed -n '/^Ir/,$p' | head -n 30 | cut -c1-220 || true
done
