#!/usr/bin/env python3
"""Decodes header-block stories with Python's hpack, an encoder we did not write.

Usage: python3 Scripts/check_with_python_hpack.py DIR...
Every *.json story (Vectors/hpack format) below DIR is decoded case by case with one
hpack.Decoder per story; the decoded list must equal the case's headers exactly. A case's
"header_table_size" sets the decoder's allowed size from that case on. Prints one line per
failure and last "N passed, M failed"; exit status 1 on any failure, 2 if hpack is missing.
"""
import json
import pathlib
import sys

try:
    import hpack
except ImportError:
    print("check_with_python_hpack: Python's hpack is missing: python3 -m pip install hpack==4.2.0")
    sys.exit(2)


def octets(text):
    """The format's convention: one octet per code point (ISO-8859-1), else UTF-8."""
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode("utf-8")


def check(path):
    story = json.loads(path.read_text())
    decoder = hpack.Decoder()
    decoder.max_header_list_size = 1 << 30
    passed = failed = 0
    first = True
    for case in story["cases"]:
        size = case.get("header_table_size")
        if size is not None:
            if first:
                decoder.header_table_size = size
            decoder.max_allowed_table_size = size
        first = False
        expected = [tuple(pair.items())[0] for pair in case["headers"]]
        try:
            got = decoder.decode(bytes.fromhex(case["wire"]), raw=True)
        except Exception as error:  # any hpack error is a failure of our encoder
            print(f"FAIL {path} seqno {case['seqno']}: hpack rejected our block: {error!r}")
            failed += 1
            continue
        if [(octets(name), octets(value)) for name, value in expected] != [(n, v) for n, v in got]:
            print(f"FAIL {path} seqno {case['seqno']}: hpack decoded {got[:3]}..., expected {expected[:3]}...")
            failed += 1
        else:
            passed += 1
    return passed, failed


def main(dirs):
    passed = failed = 0
    for root in dirs:
        for path in sorted(pathlib.Path(root).rglob("*.json")):
            p, f = check(path)
            passed += p
            failed += f
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
