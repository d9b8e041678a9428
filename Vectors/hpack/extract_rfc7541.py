#!/usr/bin/env python3
"""Extract the RFC 7541 Appendix C header-block examples as HPACK stories.

Usage (from the repository root):

    python3 Vectors/hpack/extract_rfc7541.py [path/to/rfc7541.txt]

The RFC text defaults to ../shared/spec/rfc7541.txt relative to the
repository root.  Output goes to Vectors/hpack/rfc7541/.

For every example C.2.1 .. C.6.3 the script reads three things from the RFC
text: the "Header list to encode", the "Hex dump of encoded data" and the
"Decoded header list".  It then checks, before writing anything:

  * the hex dump equals the concatenation of the hex column of the
    "Decoding process" listing (two independent copies in the RFC);
  * the header list to encode equals the decoded header list;
  * Python's hpack Decoder decodes each story to exactly those headers, with
    the dynamic table size after each block equal to the RFC's
    "Table size:" line;
  * a few wire strings are compared with values typed in by hand.

Stories: C.2.x are independent one-case stories; C.3 .. C.6 are one story
each (three blocks sharing one decoder).  C.5 and C.6 run with
SETTINGS_HEADER_TABLE_SIZE = 256 from the start, so every case carries
"header_table_size": 256 and the blocks contain no size update (the decoder
starts with a 256-octet table; see README.md).
"""

from __future__ import annotations

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from hpack import Decoder  # noqa: E402

import story_util as su  # noqa: E402

HEADING = re.compile(r"^(C\.(\d+)\.(\d+))\.\s+(.*\S)\s*$")
TOP_HEADING = re.compile(r"^(C\.(\d+))\.\s+(.*\S)\s*$")
HEX_COLUMN = re.compile(r"^[0-9a-f]{2}(?:[0-9a-f]{2})?(?: [0-9a-f]{2}(?:[0-9a-f]{2})?)*$")

# Output files: (section prefix, file name, header_table_size, what it shows)
STORIES = [
    ("C.2.1", "c2-1-literal-with-indexing.json", 4096, None),
    ("C.2.2", "c2-2-literal-without-indexing.json", 4096, None),
    ("C.2.3", "c2-3-literal-never-indexed.json", 4096, None),
    ("C.2.4", "c2-4-indexed.json", 4096, None),
    ("C.3", "c3-requests-plain.json", 4096,
     "three requests on one connection, no Huffman coding"),
    ("C.4", "c4-requests-huffman.json", 4096,
     "three requests on one connection, Huffman-coded literals"),
    ("C.5", "c5-responses-plain-256.json", 256,
     "three responses on one connection, no Huffman coding, "
     "SETTINGS_HEADER_TABLE_SIZE 256 (evictions)"),
    ("C.6", "c6-responses-huffman-256.json", 256,
     "three responses on one connection, Huffman-coded literals, "
     "SETTINGS_HEADER_TABLE_SIZE 256 (evictions)"),
]

# Typed in by hand from the RFC, as an independent check of the extraction.
KNOWN_WIRE = {
    "C.2.4": "82",
    "C.3.1": "828684410f7777772e6578616d706c652e636f6d",
    "C.3.2": "828684be58086e6f2d6361636865",
    "C.4.1": "828684418cf1e3c2e5f23a6ba0ab90f4ff",
    "C.5.2": "4803333037c1c0bf",
    "C.6.2": "4883640effc1c0bf",
}


def parse_header_line(line: str) -> tuple[str, str]:
    text = line.strip()
    # Pseudo-header names start with ':'; the separator is the first ": "
    # after the first character.
    sep = text.find(": ", 1)
    if sep < 0:
        raise ValueError(f"not a header line: {line!r}")
    return text[:sep], text[sep + 2:]


def block_after(lines: list[str], start: int, label: str, stop: int) -> tuple[list[str], int]:
    """Lines of the indented block following `label` (searched from start)."""
    i = start
    while i < stop and lines[i].strip() != label:
        i += 1
    if i == stop:
        raise ValueError(f"{label!r} not found")
    i += 1
    while i < stop and not lines[i].strip():
        i += 1
    out = []
    while i < stop and lines[i].strip():
        out.append(lines[i])
        i += 1
    return out, i


def hex_of_dump(dump_lines: list[str]) -> str:
    out = []
    for line in dump_lines:
        left = line.partition(" | ")[0].strip()
        if not HEX_COLUMN.match(left):
            raise ValueError(f"bad hex dump line: {line!r}")
        out.append(left.replace(" ", ""))
    return "".join(out)


def hex_of_decoding_process(lines: list[str], start: int, stop: int) -> str:
    i = start
    while lines[i].strip() != "Decoding process:":
        i += 1
    i += 1
    out = []
    while i < stop:
        s = lines[i].strip()
        if s.startswith("Dynamic Table") or s.startswith("Dynamic table") \
                or s == "Decoded header list:":
            break
        if "|" in lines[i]:
            left = lines[i].partition("|")[0].strip()
            if left:
                if not HEX_COLUMN.match(left):
                    raise ValueError(f"bad decoding-process line: {lines[i]!r}")
                out.append(left.replace(" ", ""))
        i += 1
    return "".join(out)


def table_size_after(lines: list[str], start: int, stop: int) -> int:
    for i in range(start, stop):
        s = lines[i].strip()
        if s == "Dynamic table (after decoding): empty.":
            return 0
        m = re.match(r"^Table size:\s+(\d+)$", s)
        if m:
            return int(m.group(1))
    raise ValueError("no table size line")


def extract(rfc_path: str) -> dict[str, dict]:
    with open(rfc_path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    try:
        app_c = next(i for i, l in enumerate(lines) if l.startswith("Appendix C."))
    except StopIteration:
        raise SystemExit(f"{rfc_path}: no 'Appendix C.' heading")
    try:
        end = next(i for i in range(app_c, len(lines)) if lines[i].startswith("Acknowledgments"))
    except StopIteration:
        end = len(lines)

    starts = []  # (line index, section id, title)
    titles = {}
    for i in range(app_c, end):
        m = HEADING.match(lines[i])
        if m:
            starts.append((i, m.group(1), m.group(4)))
            titles[m.group(1)] = m.group(4)
            continue
        m = TOP_HEADING.match(lines[i])
        if m:
            titles[m.group(1)] = m.group(3)

    examples = {}
    for k, (i, sec, title) in enumerate(starts):
        stop = starts[k + 1][0] if k + 1 < len(starts) else end
        if not sec.startswith(("C.2.", "C.3.", "C.4.", "C.5.", "C.6.")):
            continue  # C.1 holds integer examples, not header blocks
        enc, j = block_after(lines, i, "Header list to encode:", stop)
        dump, j = block_after(lines, j, "Hex dump of encoded data:", stop)
        wire = hex_of_dump(dump)
        proc = hex_of_decoding_process(lines, j, stop)
        if proc != wire:
            raise AssertionError(f"{sec}: hex dump {wire} != decoding process {proc}")
        dec, _ = block_after(lines, j, "Decoded header list:", stop)
        headers = [parse_header_line(l) for l in enc]
        if headers != [parse_header_line(l) for l in dec]:
            raise AssertionError(f"{sec}: header list to encode != decoded header list")
        examples[sec] = {
            "title": title,
            "wire": wire,
            "headers": headers,
            "table_size": table_size_after(lines, j, stop),
        }
    for sec, wire in KNOWN_WIRE.items():
        if examples[sec]["wire"] != wire:
            raise AssertionError(f"{sec}: extracted {examples[sec]['wire']} != {wire}")
    return {"examples": examples, "titles": titles}


def build_stories(data: dict) -> dict[str, tuple[dict, list[int]]]:
    examples, titles = data["examples"], data["titles"]
    out = {}
    for prefix, fname, hts, what in STORIES:
        secs = sorted((s for s in examples if s == prefix or s.startswith(prefix + ".")),
                      key=lambda s: [int(x) for x in s[2:].split(".")])
        if not secs:
            raise AssertionError(f"no examples for {prefix}")
        if len(secs) == 1:
            desc = f"RFC 7541 Appendix {prefix}: {examples[secs[0]]['title']}"
        else:
            desc = (f"RFC 7541 Appendix {prefix} ({titles.get(prefix, '')}), "
                    f"{', '.join(secs)}: {what}")
        cases = [su.make_case(n, bytes.fromhex(examples[s]["wire"]),
                              examples[s]["headers"], header_table_size=hts)
                 for n, s in enumerate(secs)]
        out[fname] = ({"description": desc, "cases": cases},
                      [examples[s]["table_size"] for s in secs])
    return out


def self_check(fname: str, story: dict, table_sizes: list[int]) -> None:
    su.check_story_shape(story, fname)
    ok, detail = su.python_decode_story(story)
    if not ok or detail:
        raise AssertionError(f"{fname}: {detail}")
    # Second pass: the dynamic table size after each block must match the RFC.
    hts = story["cases"][0]["header_table_size"]
    dec = Decoder()
    dec.header_table_size = hts
    dec.max_allowed_table_size = hts
    for case, want in zip(story["cases"], table_sizes):
        dec.decode(bytes.fromhex(case["wire"]), raw=True)
        got = sum(32 + len(n) + len(v) for n, v in dec.header_table.dynamic_entries)
        if got != want:
            raise AssertionError(f"{fname}: seqno {case['seqno']}: table size {got} != RFC {want}")


def main(argv: list[str]) -> int:
    su.check_hpack_version()
    rfc = argv[1] if len(argv) > 1 else os.path.join(
        su.repo_root(), "..", "shared", "spec", "rfc7541.txt")
    data = extract(rfc)
    stories = build_stories(data)
    outdir = os.path.join(su.vectors_dir(), "rfc7541")
    for fname, (story, sizes) in stories.items():
        self_check(fname, story, sizes)
    for fname, (story, _) in stories.items():
        su.write_story(os.path.join(outdir, fname), story)
        print(f"rfc7541/{fname}: {len(story['cases'])} case(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
