#!/usr/bin/env bash
# Instruction profile of our HPACK decode and encode loops over the corpus (callgrind counts
# instructions, so the figures do not depend on the machine's load).
# usage: bash Benchmarks/profile.sh [passes=50] [decode|encode|nio-decode|nio-encode ...]
# Builds hpack-profile in release with debug info in DWARF 4 (valgrind 3.19 cannot read the
# DWARF 5 that clang writes for the C targets by default) under .build/profile, then prints
# the top functions of each loop (collection limited to the pass functions: no JSON loading).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
passes="${1:-50}"
shift || true
modes=(decode encode)
[ $# -gt 0 ] && modes=("$@")
swift build -c release --product hpack-profile --scratch-path .build/profile \
    -Xswiftc -g -Xswiftc -debug-info-format=dwarf -Xswiftc -dwarf-version=4 -Xcc -gdwarf-4
out="$here/.build/profile/callgrind"
mkdir -p "$out"
for mode in "${modes[@]}"; do
    case "$mode" in
        decode) pass='*oursDecodePass*' ;;
        encode) pass='*oursEncodePass*' ;;
        nio-decode) pass='*nioDecodePass*' ;;
        nio-encode) pass='*nioEncodePass*' ;;
        *) echo "unknown mode $mode" >&2; exit 2 ;;
    esac
    valgrind --tool=callgrind --toggle-collect="$pass" --callgrind-out-file="$out/$mode.out" \
        .build/profile/release/hpack-profile "$mode" "$passes" 2>"$out/$mode.valgrind.log"
    echo "== $mode: $passes passes, callgrind data in $out/$mode.out"
    grep -m1 'Collected' "$out/$mode.valgrind.log" || true
    callgrind_annotate --inclusive=no "$out/$mode.out" 2>/dev/null | sed -n '/^Ir/,$p' | head -n 30 | cut -c1-220 || true
done
