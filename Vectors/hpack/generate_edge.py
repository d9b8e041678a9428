#!/usr/bin/env python3
"""Generate positive edge-case HPACK vectors under Vectors/hpack/edge/.

Usage (from the repository root; needs `pip install hpack==4.2.0`):

    python3 Vectors/hpack/generate_edge.py

Every case here is valid RFC 7541 input and must decode to its headers.
Blocks are built by hand (story_util.py helpers; Huffman strings with
hpack's Huffman encoder).  Each story is then decoded with Python's hpack
Decoder as a cross-check.  Should Python hpack ever reject one of these, the
story stays if the RFC clearly allows it and the disagreement is listed in
PYTHON_HPACK_DISAGREES below (and printed); currently the list is empty.

Header names and values are bytes; the JSON strings map each byte to one
code point U+0000..U+00FF.  The huffman-every-byte-* stories are the only
ones with control characters or bytes >= 0x80: they are legal HPACK string
contents even though HTTP/2 (RFC 9113 8.2.1) would reject some of them at
the field-validation layer above HPACK.
"""

from __future__ import annotations

import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import story_util as su  # noqa: E402
from story_util import (LIT_INCREMENTAL, LIT_NEVER_INDEXED,  # noqa: E402
                        LIT_WITHOUT_INDEXING, huffman_bits, indexed, literal,
                        size_update, str_lit)

OUT = os.path.join(su.vectors_dir(), "edge")
SEED = 7541

# Stories that Python hpack 4.2.0 rejects although RFC 7541 allows them:
# {story name: reason}.  None at present.
PYTHON_HPACK_DISAGREES: dict[str, str] = {}

STORIES: list[tuple[str, dict]] = []


def story(name: str, description: str, cases: list[dict]) -> None:
    STORIES.append((name, {"description": description, "cases": cases}))


def case(seqno, parts, headers, **kw):
    return su.make_case(seqno, b"".join(parts), headers, **kw)


STATIC = su.static_table()

# ---------------------------------------------------------------------------
# Empty names and values.
# ---------------------------------------------------------------------------

story("empty-strings",
      "Empty names and values in every literal form, plain and with the Huffman bit set on a "
      "zero-length string; entries of size 32 in the dynamic table and references to them",
      [case(0, [b"\x40\x00\x00",            # incremental, empty name, empty value
                b"\x00\x00\x00",            # without indexing
                b"\x10\x00\x00",            # never indexed
                b"\x40\x80\x80",            # incremental, Huffman bit, length 0 twice
                literal(LIT_INCREMENTAL, 4, ""),   # :path with empty value
                literal(LIT_WITHOUT_INDEXING, "x", ""),
                literal(LIT_WITHOUT_INDEXING, "", "v"),
                literal(LIT_NEVER_INDEXED, "", "", name_huff=True, value_huff=True),
                indexed(62), indexed(63), indexed(64)],
            [("", ""), ("", ""), ("", ""), ("", ""), (":path", ""), ("x", ""), ("", "v"),
             ("", ""), (":path", ""), ("", ""), ("", "")]),
       case(1, [indexed(64), indexed(62), literal(LIT_INCREMENTAL, 63, "not-empty"),
                indexed(62)],
            [("", ""), (":path", ""), ("", "not-empty"), ("", "not-empty")])])

story("empty-block",
      "Header blocks with no representations at all (empty wire) between normal blocks",
      [case(0, [], []),
       case(1, [indexed(2), literal(LIT_INCREMENTAL, 1, "example.com")],
            [(":method", "GET"), (":authority", "example.com")]),
       case(2, [], []),
       case(3, [indexed(62)], [(":authority", "example.com")])])

# ---------------------------------------------------------------------------
# Dynamic table size updates.
# ---------------------------------------------------------------------------

story("size-update-only-blocks",
      "Blocks that consist of nothing but dynamic table size updates (one or two), with the "
      "table state checked by the blocks in between",
      [case(0, [literal(LIT_INCREMENTAL, "x-a", "1"), literal(LIT_INCREMENTAL, "x-b", "2")],
            [("x-a", "1"), ("x-b", "2")], header_table_size=4096),
       case(1, [size_update(36)], [], header_table_size=4096),   # keeps only x-b (36)
       case(2, [indexed(62)], [("x-b", "2")]),
       case(3, [size_update(0)], []),
       case(4, [literal(LIT_INCREMENTAL, "x-c", "3")], [("x-c", "3")]),
       case(5, [size_update(256), size_update(4096)], []),
       case(6, [literal(LIT_INCREMENTAL, "x-d", "4"), indexed(62)], [("x-d", "4"), ("x-d", "4")])])

story("zero-size-table",
      "A size update to 0 (header_table_size stays 4096); literals with incremental indexing "
      "are then evicted at once (RFC 7541 4.4) and only the static table is usable; later the "
      "size goes back to 4096",
      [case(0, [size_update(0), literal(LIT_INCREMENTAL, "x-a", "1"),
                literal(LIT_INCREMENTAL, 1, "example.com"), indexed(2),
                literal(LIT_INCREMENTAL, "x-a", "1")],
            [("x-a", "1"), (":authority", "example.com"), (":method", "GET"), ("x-a", "1")],
            header_table_size=4096),
       case(1, [literal(LIT_INCREMENTAL, 1, "example.com"), indexed(61)],
            [(":authority", "example.com"), ("www-authenticate", "")]),
       case(2, [size_update(4096), literal(LIT_INCREMENTAL, "x-a", "1"), indexed(62)],
            [("x-a", "1"), ("x-a", "1")])])

story("zero-size-table-limit",
      "header_table_size 0 from the first block (the table starts with maximum 0): "
      "incremental indexing is legal and evicts at once; a size update to 0 is allowed",
      [case(0, [literal(LIT_INCREMENTAL, "x-a", "1"), indexed(2)],
            [("x-a", "1"), (":method", "GET")], header_table_size=0),
       case(1, [size_update(0), literal(LIT_INCREMENTAL, "x-a", "1"),
                literal(LIT_INCREMENTAL, "x-a", "1")],
            [("x-a", "1"), ("x-a", "1")], header_table_size=0)])

_k_value = "v" * (64 - 32 - 1)
story("entry-exactly-table-size",
      "Table size 64 and an entry of exactly 64 octets (name k, 31-octet value): it is kept; "
      "a second entry then evicts it; two 36-octet entries fit a 72-octet table exactly",
      [case(0, [size_update(64), literal(LIT_INCREMENTAL, "k", _k_value), indexed(62)],
            [("k", _k_value), ("k", _k_value)]),
       case(1, [indexed(62), literal(LIT_INCREMENTAL, "x-a", "1"), indexed(62)],
            [("k", _k_value), ("x-a", "1"), ("x-a", "1")]),
       case(2, [size_update(72), literal(LIT_INCREMENTAL, "x-b", "2"), indexed(62), indexed(63)],
            [("x-b", "2"), ("x-b", "2"), ("x-a", "1")])])

_v65 = "v" * (65 - 32 - 5)
_v4097 = "w" * (4097 - 32 - 5)
story("entry-larger-than-table",
      "An entry larger than the table's maximum empties the table and is not added "
      "(RFC 7541 4.4), but the field itself is still emitted; first with a 64-octet table "
      "and a 65-octet entry, then with the default 4096 table and a 4097-octet entry",
      [case(0, [size_update(64), literal(LIT_INCREMENTAL, "x-a", "1"), indexed(62)],
            [("x-a", "1"), ("x-a", "1")]),
       case(1, [literal(LIT_INCREMENTAL, "x-big", _v65), literal(LIT_INCREMENTAL, "x-b", "2"),
                indexed(62)],
            [("x-big", _v65), ("x-b", "2"), ("x-b", "2")]),
       case(2, [size_update(4096), literal(LIT_INCREMENTAL, "x-c", "3"), indexed(63)],
            [("x-c", "3"), ("x-b", "2")]),
       case(3, [literal(LIT_INCREMENTAL, "x-big", _v4097, value_huff=True),
                literal(LIT_INCREMENTAL, "x-d", "4"), indexed(62)],
            [("x-big", _v4097), ("x-d", "4"), ("x-d", "4")])])

story("two-size-updates",
      "Two dynamic table size updates at the start of one block, smaller then larger "
      "(RFC 7541 4.2): the first evicts, the second raises the maximum again",
      [case(0, [literal(LIT_INCREMENTAL, "custom-key", "custom-header"),
                literal(LIT_INCREMENTAL, "x-a", "1")],
            [("custom-key", "custom-header"), ("x-a", "1")], header_table_size=4096),
       case(1, [size_update(0), size_update(4096), literal(LIT_INCREMENTAL, "x-b", "2"),
                indexed(62)],
            [("x-b", "2"), ("x-b", "2")], header_table_size=4096),
       case(2, [size_update(36), size_update(256), literal(LIT_INCREMENTAL, "x-c", "3"),
                indexed(62), indexed(63)],
            [("x-c", "3"), ("x-c", "3"), ("x-b", "2")], header_table_size=256),
       # 64 evicts x-b (36 + 36 > 64), 4096 raises the maximum again
       case(3, [size_update(64), size_update(4096), indexed(62)], [("x-c", "3")],
            header_table_size=4096)])

story("limit-changes",
      "header_table_size moves without always needing a size update: the encoder chose 256 "
      "itself, so lowering the limit to 1024 needs none; raising it to 8192 needs none (the "
      "table stays 256 until the encoder updates); lowering it to 128 does, and the block "
      "has it",
      [case(0, [size_update(256), literal(LIT_INCREMENTAL, "x-a", "1"),
                literal(LIT_INCREMENTAL, "x-b", "2")],
            [("x-a", "1"), ("x-b", "2")], header_table_size=4096),
       case(1, [indexed(62), indexed(63)], [("x-b", "2"), ("x-a", "1")], header_table_size=1024),
       case(2, [indexed(63), literal(LIT_INCREMENTAL, "x-c", "3")], [("x-a", "1"), ("x-c", "3")],
            header_table_size=8192),
       case(3, [size_update(8192), indexed(64)], [("x-a", "1")], header_table_size=8192),
       case(4, [size_update(128), indexed(62), indexed(63)], [("x-c", "3"), ("x-b", "2")],
            header_table_size=128)])

story("size-update-max-uint32",
      "header_table_size 2^32-1 and a size update to 2^32-1 (3f e0 ff ff ff 0f): the largest "
      "value that fits in 32 bits must not be reported as an integer overflow",
      [case(0, [size_update(2 ** 32 - 1), literal(LIT_INCREMENTAL, "x-a", "1"), indexed(62)],
            [("x-a", "1"), ("x-a", "1")], header_table_size=2 ** 32 - 1),
       case(1, [indexed(62)], [("x-a", "1")], header_table_size=2 ** 32 - 1)])

# ---------------------------------------------------------------------------
# Integer encodings: prefix boundaries and 5 continuation octets.
# ---------------------------------------------------------------------------

_fill = [(f"x-{i:02d}", f"{i}") for i in range(66)]  # 66 entries: indices 62..127
# After filling, index 62 is x-65 (newest) and index 127 is x-00 (oldest).
_v127 = "z" * 127
_v127h = "h" * 158  # 158 x 5 bits = 790 bits -> 99 octets; not a boundary value
assert su.hpack_int(127, 7) == b"\x7f\x00"


def n_continuations(wire_int: bytes) -> int:
    return len(wire_int) - 1


def int_value(wire_int: bytes, prefix: int) -> int:
    v = wire_int[0] & ((1 << prefix) - 1)
    for k, b in enumerate(wire_int[1:]):
        v += (b & 0x7F) << (7 * k)
    return v


# The hand-written 5-continuation-octet integers used below.
for _w, _p, _v in [("ff8080808000", 7, 127), ("0f8080808000", 4, 15), ("1f8080808000", 4, 15),
                   ("7f8080808000", 7, 127), ("3fe19f808000", 5, 4096),
                   ("7f8080808000", 6, 63)]:
    assert n_continuations(bytes.fromhex(_w)) == 5 and int_value(bytes.fromhex(_w), _p) == _v
story("integer-boundaries",
      "Integers at the prefix boundaries (2^N-1 needs a continuation octet 0x00, 2^N-2 does "
      "not) and integers written with 5 continuation octets (value still small, maximum "
      "allowed length): index 127, name index 63 (6-bit) and 15 (4-bit), string length 127, "
      "size update 31 and 4096",
      [case(0, [literal(LIT_INCREMENTAL, n, v) for n, v in _fill], _fill,
            header_table_size=4096),
       # minimal encodings at the boundaries
       case(1, [indexed(126), indexed(127),                        # fe / ff 00
                literal(LIT_INCREMENTAL, 62, "a"),                 # 7e (fits)
                literal(LIT_WITHOUT_INDEXING, 14, "b"),            # 0e
                literal(LIT_WITHOUT_INDEXING, 15, "c"),            # 0f 00
                literal(LIT_NEVER_INDEXED, 15, "d"),               # 1f 00
                literal(LIT_WITHOUT_INDEXING, "x-len-127", _v127)],  # length 7f 00
            [("x-01", "1"), ("x-00", "0"), ("x-65", "a"), (STATIC[13][0], "b"),
             (STATIC[14][0], "c"), (STATIC[14][0], "d"), ("x-len-127", _v127)]),
       # 7f 00 = name index 63, which is x-65: 65 after case 1 added x-65: a at 62
       case(2, [literal(LIT_INCREMENTAL, 63, "e")], [("x-65", "e")]),
       # 5 continuation octets, value unchanged
       case(3, [bytes.fromhex("ff8080808000"),                     # index 127
                bytes.fromhex("0f8080808000") + str_lit("f"),      # name index 15
                bytes.fromhex("1f8080808000") + str_lit("g"),      # never indexed, name 15
                b"\x00" + str_lit("x-len-127") + bytes.fromhex("7f8080808000") + _v127.encode()],
            [("x-02", "2"), (STATIC[14][0], "f"), (STATIC[14][0], "g"),
             ("x-len-127", _v127)]),
       case(4, [bytes.fromhex("3fe19f808000"),                     # size update 4096
                bytes.fromhex("7f8080808000") + str_lit("h"),      # incremental, name index 63
                indexed(62)],
            [("x-65", "h"), ("x-65", "h")]),
       case(5, [size_update(31), size_update(4096),                # 3f 00 then 3f e1 1f
                literal(LIT_INCREMENTAL, "x-huff-127", _v127h, value_huff=True), indexed(62)],
            [("x-huff-127", _v127h), ("x-huff-127", _v127h)])])

# ---------------------------------------------------------------------------
# Huffman strings.
# ---------------------------------------------------------------------------

_rng = random.Random(SEED)
_ALPHA = "abcdefghijklmnopqrstuvwxyz0123456789-./:;=?&%_ ,"


def strings_with_padding(pad: int, count: int, lo: int = 1, hi: int = 40,
                         prefix: str = "", alphabet: str = _ALPHA) -> list[str]:
    """Seeded random strings whose Huffman code needs exactly `pad` padding bits."""
    out = []
    while len(out) < count:
        s = prefix + "".join(_rng.choice(alphabet) for _ in range(_rng.randrange(lo, hi)))
        if (-huffman_bits(s)) % 8 == pad and s not in out:
            out.append(s)
    return out


_boundary_values = ["gzip", "00000000", "aaaaaaaa"] + strings_with_padding(0, 9)
_boundary_names = strings_with_padding(0, 6, 3, 16, prefix="x-",
                                       alphabet="abcdefghijklmnopqrstuvwxyz0123456789-")
for _s in _boundary_values + _boundary_names:
    assert huffman_bits(_s) % 8 == 0, _s
story("huffman-byte-boundary",
      "Huffman-coded names and values whose code bits end exactly on an octet boundary "
      "(no padding at all), e.g. 'gzip' (24 bits)",
      [case(0, [literal(LIT_WITHOUT_INDEXING, "x-v", v, value_huff=True)
                for v in _boundary_values],
            [("x-v", v) for v in _boundary_values]),
       case(1, [literal(LIT_INCREMENTAL, n, str(i), name_huff=True)
                for i, n in enumerate(_boundary_names)] + [indexed(62)],
            [(n, str(i)) for i, n in enumerate(_boundary_names)]
            + [(_boundary_names[-1], str(len(_boundary_names) - 1))])])

_pad_values = [(p, strings_with_padding(p, 2)) for p in range(1, 8)]
story("huffman-padding-1-to-7",
      "Huffman-coded values with every legal padding length, 1 to 7 bits of ones",
      [case(i, [literal(LIT_WITHOUT_INDEXING, f"x-pad-{p}", v, value_huff=True) for v in vs],
            [(f"x-pad-{p}", v) for v in vs])
       for i, (p, vs) in enumerate(_pad_values)])


def every_byte_story(lo: int, hi: int) -> list[dict]:
    cases = []
    seq = 0
    for start in range(lo, hi, 16):
        parts, heads = [], []
        for b in range(start, start + 16):
            name = f"x-byte-{b:02x}"
            value = bytes([b])
            # alternate the three literal kinds and Huffman/plain names
            kind = (LIT_WITHOUT_INDEXING, LIT_NEVER_INDEXED, LIT_INCREMENTAL)[b % 3]
            parts.append(literal(kind, name, value, name_huff=bool(b & 1), value_huff=True))
            heads.append((name, value))
        cases.append(case(seq, parts, heads))
        seq += 1
    allv = bytes(range(lo, hi))
    cases.append(case(seq, [literal(LIT_WITHOUT_INDEXING, "x-all", allv, value_huff=True),
                            literal(LIT_INCREMENTAL, "x-all-rev", allv[::-1], value_huff=True),
                            indexed(62)],
                      [("x-all", allv), ("x-all-rev", allv[::-1]), ("x-all-rev", allv[::-1])]))
    return cases


story("huffman-every-byte-ascii",
      "Every octet 0x00-0x7f as a one-octet Huffman-coded value (8 blocks of 16 fields), then "
      "one value holding all of them; names x-byte-XX. Values include control characters, "
      "which HPACK carries even though HTTP/2 field validation would refuse some",
      every_byte_story(0x00, 0x80))

story("huffman-every-byte-high",
      "Every octet 0x80-0xff as a one-octet Huffman-coded value (JSON strings carry them as "
      "U+0080..U+00FF, one code point per octet), then one value holding all of them",
      every_byte_story(0x80, 0x100))

# ---------------------------------------------------------------------------
# Static table, representation kinds, header list budget.
# ---------------------------------------------------------------------------

story("static-table",
      "Every static table entry 1..61 as an indexed field; every static name with a literal "
      "value in each of the three literal kinds (4-bit and 6-bit name index prefixes, with "
      "continuation octets from 15 / 63 up)",
      [case(0, [indexed(i) for i in range(1, 62)], STATIC),
       case(1, [literal(LIT_WITHOUT_INDEXING, i, f"w{i}") for i in range(1, 62)],
            [(STATIC[i - 1][0], f"w{i}") for i in range(1, 62)]),
       case(2, [literal(LIT_NEVER_INDEXED, i, f"n{i}", value_huff=True) for i in range(1, 62)],
            [(STATIC[i - 1][0], f"n{i}") for i in range(1, 62)]),
       case(3, [literal(LIT_INCREMENTAL, i, f"i{i}") for i in range(1, 62)]
            + [indexed(62), indexed(62 + 60)],
            [(STATIC[i - 1][0], f"i{i}") for i in range(1, 62)]
            + [(STATIC[60][0], "i61"), (STATIC[0][0], "i1")])])

story("header-list-size-limit",
      "Header lists exactly at max_header_list_size are accepted (the limit is the largest "
      "allowed sum of name + value + 32): one field of 137 octets with a budget of 137, then "
      "three :method GET (42 each) with a budget of 126",
      [case(0, [literal(LIT_WITHOUT_INDEXING, "x-big", "v" * 100)], [("x-big", "v" * 100)],
            max_header_list_size=137),
       case(1, [indexed(2)] * 3, [(":method", "GET")] * 3, max_header_list_size=126)])


def main() -> int:
    su.check_hpack_version()
    os.makedirs(OUT, exist_ok=True)
    names = [n for n, _ in STORIES]
    if len(names) != len(set(names)):
        raise AssertionError("duplicate story names")
    for name, st in STORIES:
        su.check_story_shape(st, name)
        good, detail = su.python_decode_story(st)
        if name in PYTHON_HPACK_DISAGREES:
            if good:
                raise AssertionError(f"{name}: Python hpack now accepts it; update the list")
            print(f"note: Python hpack rejects {name}: {PYTHON_HPACK_DISAGREES[name]} ({detail})")
        elif not good or detail:
            raise AssertionError(f"{name}: {detail}")
    for name, st in STORIES:
        su.write_story(os.path.join(OUT, name + ".json"), st)
        print(f"edge/{name}.json: {len(st['cases'])} cases")
    for f in sorted(os.listdir(OUT)):
        if f.endswith(".json") and f[:-5] not in names:
            print(f"warning: stale file edge/{f} (not produced by this script)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
