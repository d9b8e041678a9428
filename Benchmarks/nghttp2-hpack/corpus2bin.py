#!/usr/bin/env python3
"""Writes the stories named in Benchmarks/corpus.txt as one binary file for bench.c.

Layout, every integer a little-endian u32:
  "HPK1", story count, then per story: table size, block count, then per block:
  wire length, wire bytes, header count, then per header: name length, name, value length, value.
usage: corpus2bin.py CORPUS_LIST VECTORS_DIR OUT
"""
import json
import os
import struct
import sys


def main():
    corpus_list, vectors, out = sys.argv[1:4]
    names = [line.strip() for line in open(corpus_list)
             if line.strip() and not line.lstrip().startswith("#")]
    u32 = struct.Struct("<I").pack
    parts = [b"HPK1", u32(len(names))]
    for name in names:
        cases = json.load(open(os.path.join(vectors, name)))["cases"]
        parts += [u32(cases[0].get("header_table_size", 4096)), u32(len(cases))]
        for case in cases:
            wire = bytes.fromhex(case["wire"])
            parts += [u32(len(wire)), wire, u32(len(case["headers"]))]
            for field in case["headers"]:
                (key, value), = field.items()
                for text in (key.encode(), value.encode()):
                    parts += [u32(len(text)), text]
    with open(out, "wb") as f:
        f.write(b"".join(parts))


if __name__ == "__main__":
    main()
