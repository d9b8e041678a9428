#!/usr/bin/env bash
# libnghttp2's HPACK on the Swift benchmarks' corpus (Benchmarks/corpus.txt), as a yardstick.
# usage: bash Benchmarks/run-nghttp2.sh [passes]     (needs apt's libnghttp2-dev, gcc)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$here/.build/nghttp2-hpack"
mkdir -p "$work"
if ! [ -e /usr/include/nghttp2/nghttp2.h ]; then
    echo "libnghttp2-dev is missing: apt-get install -y libnghttp2-dev" >&2
    exit 1
fi
python3 "$here/nghttp2-hpack/corpus2bin.py" "$here/corpus.txt" "$here/../Vectors/hpack/python-hpack" "$work/corpus.bin"
gcc -O2 -Wall -Wextra -o "$work/bench" "$here/nghttp2-hpack/bench.c" -lnghttp2
"$work/bench" "$work/corpus.bin" "${1:-2000}"
