#!/usr/bin/env python3
"""Check every story under Vectors/hpack/*/ (run from anywhere).

    python3 Vectors/hpack/check_vectors.py

For each JSON file: it parses; the top level is {"description", "cases"};
seqno runs 0, 1, 2, ...; wire is lowercase hex; headers are one-key
objects; a case with "error" is the last of its story and has no headers.
Then each story is decoded twice:

  * with reference_decoder.py (strict, written from RFC 7541): positive
    cases must give exactly their headers, the negative case exactly its
    error code;
  * with Python hpack 4.2.0: positive cases must give exactly their
    headers, the negative case must be rejected (any exception), except for
    the stories listed in generate_edge.PYTHON_HPACK_DISAGREES.

Prints per-folder counts and exits non-zero on any failure.
"""

from __future__ import annotations

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import reference_decoder as ref  # noqa: E402
import story_util as su  # noqa: E402

FOLDERS = ["rfc7541", "python-hpack", "negative", "edge"]
ERROR_CODES = {"integer-overflow", "integer-too-long", "truncated", "invalid-index",
               "huffman-padding-too-long", "huffman-invalid-padding", "huffman-eos",
               "table-size-update-not-at-start", "table-size-update-too-large",
               "missing-table-size-update", "header-list-too-large"}


def main() -> int:
    su.check_hpack_version()
    failures = []
    base = su.vectors_dir()
    grand = [0, 0, 0]
    for folder in FOLDERS:
        d = os.path.join(base, folder)
        files = sorted(f for f in os.listdir(d) if f.endswith(".json"))
        n_cases = n_bytes = 0
        errors: dict[str, int] = {}
        stats: dict[str, int] = {}
        for f in files:
            path = os.path.join(d, f)
            where = f"{folder}/{f}"
            n_bytes += os.path.getsize(path)
            try:
                with open(path, encoding="utf-8") as fh:
                    story = json.load(fh)
                su.check_story_shape(story, where)
            except Exception as e:  # noqa: BLE001
                failures.append(f"{where}: {e}")
                continue
            n_cases += len(story["cases"])
            last = story["cases"][-1]
            if "error" in last:
                if last["error"] not in ERROR_CODES:
                    failures.append(f"{where}: unknown error code {last['error']}")
                errors[last["error"]] = errors.get(last["error"], 0) + 1
                if folder != "negative":
                    failures.append(f"{where}: negative case outside negative/")
            elif folder == "negative":
                failures.append(f"{where}: no negative case")
            ok, detail, st = ref.run_story(story, su.headers_pairs)
            for k, v in st.items():
                stats[k] = stats.get(k, 0) + v
            if not ok:
                failures.append(f"{where}: reference decoder: {detail}")
            ok, detail = su.python_decode_story(story)
            if not ok:
                failures.append(f"{where}: Python hpack: {detail}")
            elif detail and "error" not in last:
                failures.append(f"{where}: Python hpack: {detail}")
        grand[0] += len(files)
        grand[1] += n_cases
        grand[2] += n_bytes
        print(f"{folder}: {len(files)} stories, {n_cases} cases, {n_bytes} bytes")
        if stats:
            print("    representations: " + ", ".join(f"{k} {v}" for k, v in sorted(stats.items())))
        if errors:
            print("    expected errors: " + ", ".join(f"{k} x{v}" for k, v in sorted(errors.items())))
    print(f"total: {grand[0]} stories, {grand[1]} cases, {grand[2]} bytes")
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
