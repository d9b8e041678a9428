#!/usr/bin/env python3
"""Generate negative HPACK vectors under Vectors/hpack/negative/.

Usage (from the repository root; needs `pip install hpack==4.2.0`):

    python3 Vectors/hpack/generate_negative.py

Every file is one story whose LAST case is a header block that a decoder
must reject; that case has "error" (one of the codes below) instead of
"headers".  Earlier cases are ordinary positive cases that set up the
dynamic table.  A decoding error is a connection error (RFC 7541 section 2.3
last paragraph / RFC 9113 4.3), so nothing follows it.

Error codes:
  integer-overflow                 prefix integer value > 2^32-1 (5.1)
  integer-too-long                 prefix integer with > 5 continuation octets (5.1)
  truncated                        block ends inside a representation
  invalid-index                    index 0, or beyond static + dynamic table (2.3.3)
  huffman-padding-too-long         8 or more padding bits (5.2)
  huffman-invalid-padding          padding bits that are not all ones (5.2)
  huffman-eos                      the 30-bit EOS code inside a string (5.2)
  table-size-update-not-at-start   size update after a field representation (4.2)
  table-size-update-too-large      size update above the allowed maximum (4.2, 6.3)
  missing-table-size-update        limit dropped below the table maximum and
                                   the next block has no size update (4.2)
  header-list-too-large            decoded list (sum of name+value+32) above
                                   the case's max_header_list_size

Which error a case expects when several could apply: the first one met when
the block is read from its start.  Integer length and overflow are checked
while the integer is read, i.e. before a string length is compared with the
remaining input and before an index is looked up.

Every block is built by hand from the RFC with the helpers in story_util.py
and each story is run through Python's hpack Decoder: positive cases must
decode exactly, the negative case must be rejected (the script reports the
Python exception; Python hpack's error classes are coarser than ours).
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import story_util as su  # noqa: E402
from story_util import (LIT_INCREMENTAL, LIT_NEVER_INDEXED,  # noqa: E402
                        LIT_WITHOUT_INDEXING, BitWriter, indexed, literal, raw_str,
                        size_update, str_lit)

OUT = os.path.join(su.vectors_dir(), "negative")

STORIES: list[tuple[str, dict]] = []


def story(name: str, description: str, cases: list[dict]) -> None:
    STORIES.append((name, {"description": description, "cases": cases}))


def ok(seqno, wire, headers, **kw):
    return su.make_case(seqno, wire, headers, **kw)


def bad(seqno, wire, error, **kw):
    return su.make_case(seqno, wire, error=error, **kw)


# A positive block that puts two entries into the dynamic table:
# custom-key: custom-header (55 octets) then x-a: 1 (36 octets).
SETUP_WIRE = (literal(LIT_INCREMENTAL, "custom-key", "custom-header")
              + literal(LIT_INCREMENTAL, "x-a", "1"))
SETUP_HEADERS = [("custom-key", "custom-header"), ("x-a", "1")]

# ---------------------------------------------------------------------------
# integer-overflow (RFC 7541 5.1: "Integer encodings that exceed
# implementation limits -- in value or octet length -- MUST be treated as
# decoding errors"; our limit is 2^32-1).
# ---------------------------------------------------------------------------

# 0x7f ff ff ff ff 0f with a 7-bit prefix: 127 + (2^32 - 1) = 2^32 + 126.
OVER7 = bytes.fromhex("7fffffffff0f")

story("integer-overflow-string-length",
      "Literal with incremental indexing, new name; the name length is 0x7f ff ff ff ff 0f "
      "= 2^32+126 (RFC 7541 5.1 limit 2^32-1)",
      [bad(0, b"\x40" + OVER7, "integer-overflow")])

story("integer-overflow-value-length",
      "Literal without indexing, name :path (index 4); the value length is 0x7f ff ff ff ff 0f "
      "= 2^32+126",
      [bad(0, b"\x04" + OVER7, "integer-overflow")])

story("integer-overflow-index",
      "Indexed header field whose index is 0xff ff ff ff ff 0f = 2^32+126 (overflow is "
      "reported before any table lookup)",
      [bad(0, b"\xff" + OVER7[1:], "integer-overflow")])

story("integer-overflow-name-index",
      "Literal with incremental indexing, indexed name 0x7f ff ff ff ff 0f (6-bit prefix: "
      "63 + 2^32-1)",
      [bad(0, bytes.fromhex("7fffffffff0f") + str_lit("v"), "integer-overflow")])

# 2^32 exactly, the smallest overflowing value, as a table size update
# (5-bit prefix: 31 + 0xffffffe1).
assert size_update(2 ** 32) == bytes.fromhex("3fe1ffffff0f")
story("integer-overflow-size-update",
      "Dynamic table size update of 2^32 (3f e1 ff ff ff 0f), one above the 32-bit limit, "
      "with header_table_size 4096",
      [bad(0, size_update(2 ** 32), "integer-overflow", header_table_size=4096)])

# ---------------------------------------------------------------------------
# integer-too-long: more than 5 continuation octets, even when the value is
# small (RFC 7541 5.1, octet-length limit).
# ---------------------------------------------------------------------------

story("integer-too-long-name-index",
      "Literal with incremental indexing whose name index is 0x7f 80 80 80 80 80 80 00: "
      "value 63 but 7 continuation octets",
      [bad(0, bytes.fromhex("7f80808080808000") + str_lit("v"), "integer-too-long")])

# The string really has 127 octets after the length, so only the length
# encoding is wrong (6 continuation octets, value 127).
story("integer-too-long-string-length",
      "Literal without indexing, name x; value length 0x7f 80 80 80 80 80 00 = 127 in 6 "
      "continuation octets, followed by the 127 octets",
      [bad(0, b"\x00" + str_lit("x") + bytes.fromhex("7f808080808000") + b"a" * 127,
           "integer-too-long")])

story("integer-too-long-size-update",
      "Dynamic table size update 0x3f 80 80 80 80 80 00 (value 31, 6 continuation octets)",
      [bad(0, bytes.fromhex("3f808080808000"), "integer-too-long", header_table_size=4096)])

# Index 127 is valid once the dynamic table holds 66 entries; the only
# problem in case 1 is the over-long encoding of 127.
_many = [(f"x-{i:02d}", "v") for i in range(66)]
story("integer-too-long-index",
      "Case 0 fills the dynamic table with 66 entries (so index 127 exists); case 1 is the "
      "indexed field 0xff 80 80 80 80 80 00 (index 127, 6 continuation octets)",
      [ok(0, b"".join(literal(LIT_INCREMENTAL, n, v) for n, v in _many), _many),
       bad(1, bytes.fromhex("ff808080808000"), "integer-too-long")])

# ---------------------------------------------------------------------------
# truncated: the block ends inside a representation.
# ---------------------------------------------------------------------------

story("truncated-name-string",
      "Literal with incremental indexing; name length 10 but only 6 octets follow",
      [bad(0, b"\x40\x0a" + b"custom", "truncated")])

story("truncated-value-string",
      "Literal with incremental indexing, name foo; value length 5 but only 3 octets follow",
      [bad(0, b"\x40" + str_lit("foo") + b"\x05bar", "truncated")])

story("truncated-huffman-value",
      "Literal without indexing, name :path; Huffman value length 3 but only 1 octet follows",
      [bad(0, bytes.fromhex("04831f"), "truncated")])

story("truncated-missing-value",
      "Literal with incremental indexing: new name foo, then the block ends (no value)",
      [bad(0, b"\x40" + str_lit("foo"), "truncated")])

story("truncated-indexed-name-no-value",
      "Literal with incremental indexing, indexed name :path (0x44), then the block ends",
      [bad(0, b"\x82\x44", "truncated")])

story("truncated-literal-prefix-only",
      "A block that is only 0x40 (literal with incremental indexing, new name): the name "
      "length is missing",
      [bad(0, b"\x40", "truncated")])

story("truncated-integer-continuation",
      "Literal with incremental indexing, name index 0x7f 80 80: the integer's continuation "
      "never ends",
      [bad(0, bytes.fromhex("7f8080"), "truncated")])

story("truncated-size-update-continuation",
      "Dynamic table size update 0x3f e1 (continuation bit set, then end of block)",
      [bad(0, bytes.fromhex("3fe1"), "truncated", header_table_size=4096)])

story("truncated-string-length-continuation",
      "Literal without indexing, new name; the name length 0xff 80 (Huffman, continuation) "
      "ends the block",
      [bad(0, bytes.fromhex("00ff80"), "truncated")])

story("truncated-after-valid-fields",
      "Two complete fields, then a never-indexed literal cut inside its value",
      [bad(0, indexed(2) + indexed(4) + b"\x10" + str_lit("password") + b"\x06sec",
           "truncated")])

# ---------------------------------------------------------------------------
# invalid-index (RFC 7541 2.3.3: indices beyond static + dynamic table MUST
# be treated as a decoding error; 6.1: index 0 is an error).
# ---------------------------------------------------------------------------

story("invalid-index-zero",
      "Indexed header field with index 0 (0x80), RFC 7541 6.1",
      [bad(0, b"\x80", "invalid-index")])

story("invalid-index-62-empty-table",
      "Indexed header field 0xbe = index 62 with an empty dynamic table",
      [bad(0, b"\xbe", "invalid-index")])

story("invalid-index-literal-name-incremental",
      "Literal with incremental indexing, indexed name 62 (0x7e) with an empty dynamic table",
      [bad(0, literal(LIT_INCREMENTAL, 62, "foo"), "invalid-index")])

story("invalid-index-literal-name-without-indexing",
      "Literal without indexing, indexed name 0x0f 2f = 62 with an empty dynamic table",
      [bad(0, literal(LIT_WITHOUT_INDEXING, 62, "foo"), "invalid-index")])

story("invalid-index-literal-name-never-indexed",
      "Literal never indexed, indexed name 0x1f 2f = 62 with an empty dynamic table",
      [bad(0, literal(LIT_NEVER_INDEXED, 62, "foo"), "invalid-index")])

story("invalid-index-beyond-dynamic-table",
      "Case 0 adds two dynamic entries (indices 62, 63); case 1 uses index 64 (0xc0)",
      [ok(0, SETUP_WIRE, SETUP_HEADERS), ok(1, indexed(62) + indexed(63), SETUP_HEADERS[::-1]),
       bad(2, indexed(64), "invalid-index")])

story("invalid-index-after-size-update-to-zero",
      "Case 0 adds two entries; case 1 starts with a size update to 0 (empties the table, "
      "RFC 7541 4.3) and then uses index 62",
      [ok(0, SETUP_WIRE, SETUP_HEADERS),
       bad(1, size_update(0) + indexed(62), "invalid-index")])

# RFC 7541 4.4: an entry larger than the table's maximum empties the table
# and is not added.  Table 64; x-a: 1 (36) fits; then an entry of 65 octets.
_big_name, _big_value = "x-big", "v" * (65 - 32 - 5)
story("invalid-index-after-oversized-entry",
      "Case 0: size update to 64, x-a: 1 is added (36 octets); case 1 adds x-big with a "
      "28-octet value (entry size 65 > 64), which empties the table and is not added "
      "(RFC 7541 4.4), then uses index 62",
      [ok(0, size_update(64) + literal(LIT_INCREMENTAL, "x-a", "1") + indexed(62),
          [("x-a", "1"), ("x-a", "1")]),
       bad(1, literal(LIT_INCREMENTAL, _big_name, _big_value) + indexed(62), "invalid-index")])

story("invalid-index-evicted-by-smaller-limit",
      "Case 0 adds two entries (91 octets); case 1 has header_table_size 40 and a size "
      "update to 40, which evicts custom-key (55) but keeps x-a (36); it then uses index 63",
      [ok(0, SETUP_WIRE, SETUP_HEADERS),
       bad(1, size_update(40) + indexed(62) + indexed(63), "invalid-index",
           header_table_size=40)])

# ---------------------------------------------------------------------------
# Huffman errors (RFC 7541 5.2).
# ---------------------------------------------------------------------------


def huff_value_block(octets: bytes) -> bytes:
    """Literal without indexing, new name "x", Huffman value `octets`."""
    return b"\x00" + str_lit("x") + raw_str(octets, huff=True)


# 'a' is 00011 (5 bits); one valid padded form is 0x1f.
A_PADDED = BitWriter().symbols(b"a").padded()
assert A_PADDED == b"\x1f"

story("huffman-padding-too-long-extra-byte",
      "Huffman value 1f ff: 'a' followed by 11 padding bits (RFC 7541 5.2: more than 7 bits "
      "of padding is an error)",
      [bad(0, huff_value_block(A_PADDED + b"\xff"), "huffman-padding-too-long")])

story("huffman-padding-too-long-only-padding",
      "Huffman value ff: no symbol, 8 bits of padding",
      [bad(0, huff_value_block(b"\xff"), "huffman-padding-too-long")])

story("huffman-padding-too-long-24-bits",
      "Huffman value 'www' followed by 0xff 0xff 0xff: more than 7 (but fewer than 30) "
      "padding bits",
      [bad(0, huff_value_block(BitWriter().symbols(b"www").padded() + b"\xff\xff\xff"),
           "huffman-padding-too-long")])

story("huffman-padding-too-long-in-name",
      "Literal with incremental indexing whose Huffman-coded NAME is 'a' + 11 padding bits "
      "(1f ff); the value is fine",
      [bad(0, b"\x40" + raw_str(A_PADDED + b"\xff", huff=True) + str_lit("1"),
           "huffman-padding-too-long")])

story("huffman-invalid-padding-zeros",
      "Huffman value 0x18: 'a' (00011) then padding 000 instead of 111",
      [bad(0, huff_value_block(BitWriter().symbols(b"a").padded(pad_bit=0)),
           "huffman-invalid-padding")])

story("huffman-invalid-padding-mixed",
      "Huffman value 0x1e: 'a' (00011) then padding 110",
      [bad(0, huff_value_block(BitWriter().symbols(b"a").bits(0b110, 3).raw()),
           "huffman-invalid-padding")])

# ':' is the 7-bit code 1011100; one padding bit, which must be 1.
assert BitWriter().symbols(b":").nbits == 7
story("huffman-invalid-padding-single-bit",
      "Huffman value 0xb8: ':' (7-bit code 1011100) then a single padding bit 0",
      [bad(0, huff_value_block(BitWriter().symbols(b":").padded(pad_bit=0)),
           "huffman-invalid-padding")])

# Zero padding of 5 or more bits would decode as the symbol '0' (00000), so
# longer bad paddings use patterns that are a proper prefix of a longer code.
assert (-BitWriter().symbols(b"www.example.com").nbits) % 8 == 7
story("huffman-invalid-padding-seven-bits",
      "Huffman value 'www.example.com' (89 bits) with the 7 padding bits 1111110 instead of "
      "1111111 (1111110 is only a prefix of the 8-bit codes 11111100/11111101)",
      [bad(0, huff_value_block(BitWriter().symbols(b"www.example.com").bits(0b1111110, 7).raw()),
           "huffman-invalid-padding")])

assert (-BitWriter().symbols(b"custom-value").nbits) % 8 == 5
story("huffman-invalid-padding-five-bits",
      "Huffman value 'custom-value' (67 bits) with the 5 padding bits 11110 (a prefix of the "
      "7-bit codes 11110xx, not all ones)",
      [bad(0, huff_value_block(BitWriter().symbols(b"custom-value").bits(0b11110, 5).raw()),
           "huffman-invalid-padding")])

story("huffman-eos-only",
      "Huffman value ff ff ff ff: the 30-bit EOS code then 2 padding bits",
      [bad(0, huff_value_block(BitWriter().eos().padded()), "huffman-eos")])

story("huffman-eos-then-symbol",
      "Huffman value: EOS (30 ones), then 'a' (00011), then 5 padding bits",
      [bad(0, huff_value_block(BitWriter().eos().symbols(b"a").padded()), "huffman-eos")])

story("huffman-eos-after-symbol",
      "Huffman value: 'a', then the 30-bit EOS code, then padding (a decoder that reads codes "
      "in order meets a complete EOS code)",
      [bad(0, huff_value_block(BitWriter().symbols(b"a").eos().padded()), "huffman-eos")])

story("huffman-eos-in-name",
      "Literal with incremental indexing whose Huffman-coded name is 'x', EOS, 'y'",
      [bad(0, b"\x40" + raw_str(BitWriter().symbols(b"x").eos().symbols(b"y").padded(),
                                huff=True) + str_lit("1"), "huffman-eos")])

# ---------------------------------------------------------------------------
# Dynamic table size updates (RFC 7541 4.2, 6.3).
# ---------------------------------------------------------------------------

story("table-size-update-not-at-start",
      "Indexed :method GET, then a size update to 0 (0x20) in the same block",
      [bad(0, indexed(2) + size_update(0), "table-size-update-not-at-start")])

story("table-size-update-not-at-start-between-fields",
      "Two indexed fields with a size update to 4096 between them",
      [bad(0, indexed(2) + size_update(4096) + indexed(4), "table-size-update-not-at-start")])

story("table-size-update-not-at-start-after-literal",
      "A literal with incremental indexing, then a size update to 256",
      [bad(0, literal(LIT_INCREMENTAL, "x-a", "1") + size_update(256),
           "table-size-update-not-at-start")])

story("table-size-update-not-at-start-after-valid-update",
      "A valid size update to 256 at the start, a field, then another size update to 0",
      [bad(0, size_update(256) + indexed(2) + size_update(0),
           "table-size-update-not-at-start")])

assert size_update(4097) == bytes.fromhex("3fe21f")  # (0x3fe11f is 4096)
story("table-size-update-too-large",
      "header_table_size 4096; the block is a size update to 4097 (3f e2 1f)",
      [bad(0, size_update(4097), "table-size-update-too-large", header_table_size=4096)])

story("table-size-update-too-large-256",
      "header_table_size 256 from the start; the block updates the size to 4096 (3f e1 1f)",
      [bad(0, size_update(4096) + indexed(2), "table-size-update-too-large",
           header_table_size=256)])

story("table-size-update-too-large-second",
      "header_table_size 4096; the block has two size updates, 0 then 4097",
      [bad(0, size_update(0) + size_update(4097), "table-size-update-too-large",
           header_table_size=4096)])

story("table-size-update-too-large-after-shrink",
      "Case 0 at 4096 adds entries; case 1 lowers header_table_size to 256 and the block "
      "updates the size to 1024 (> 256)",
      [ok(0, SETUP_WIRE, SETUP_HEADERS, header_table_size=4096),
       bad(1, size_update(1024) + indexed(2), "table-size-update-too-large",
           header_table_size=256)])

story("table-size-update-too-large-65536",
      "header_table_size 65536; size update to 65537",
      [bad(0, size_update(65537), "table-size-update-too-large", header_table_size=65536)])

story("missing-table-size-update",
      "Case 0 (header_table_size 4096) adds entries; case 1 has header_table_size 256 but "
      "its block has no dynamic table size update (RFC 7541 4.2)",
      [ok(0, SETUP_WIRE, SETUP_HEADERS, header_table_size=4096),
       bad(1, indexed(2) + indexed(62), "missing-table-size-update", header_table_size=256)])

story("missing-table-size-update-empty-table",
      "Case 0 (4096) adds nothing; case 1 lowers header_table_size to 1024 without a size "
      "update: the table's maximum (4096) is still above the limit, even though it is empty",
      [ok(0, indexed(2) + indexed(4), [(":method", "GET"), (":path", "/")],
          header_table_size=4096),
       bad(1, indexed(2), "missing-table-size-update", header_table_size=1024)])

story("missing-table-size-update-second-shrink",
      "4096, then 256 with a size update (valid), then header_table_size 128 with no update",
      [ok(0, SETUP_WIRE, SETUP_HEADERS, header_table_size=4096),
       ok(1, size_update(256) + indexed(63), [("custom-key", "custom-header")],
          header_table_size=256),
       bad(2, literal(LIT_WITHOUT_INDEXING, 1, "example.com"), "missing-table-size-update",
           header_table_size=128)])

story("missing-table-size-update-zero",
      "Case 0 adds entries; case 1 has header_table_size 0 and only literals without indexing, "
      "no size update",
      [ok(0, SETUP_WIRE, SETUP_HEADERS, header_table_size=4096),
       bad(1, literal(LIT_WITHOUT_INDEXING, 4, "/x"), "missing-table-size-update",
           header_table_size=0)])

# ---------------------------------------------------------------------------
# header-list-too-large (SETTINGS_MAX_HEADER_LIST_SIZE rule: sum of
# len(name) + len(value) + 32 over the decoded list).
# ---------------------------------------------------------------------------

story("header-list-too-large-single-field",
      "One literal x-big with a 100-octet value: 5 + 100 + 32 = 137 > max_header_list_size 136",
      [bad(0, literal(LIT_WITHOUT_INDEXING, "x-big", "v" * 100), "header-list-too-large",
           max_header_list_size=136)])

story("header-list-too-large-many-small-fields",
      "1000 x :method GET (0x82; 42 octets each = 42000) with max_header_list_size 16384",
      [bad(0, indexed(2) * 1000, "header-list-too-large", max_header_list_size=16384)])

# CVE-2016-6581 ("HPACK bomb"): a 4 KB block that expands to ~16 MB.
BOMB_VALUE = "a" * 4000
story("header-list-too-large-hpack-bomb",
      "HPACK bomb (CVE-2016-6581): case 0 inserts x-bomb with a 4000-octet value into the "
      "dynamic table (4038 octets); case 1 is 4096 octets of 0xbe, i.e. index 62 4096 times "
      "(16.5 MB decoded), with max_header_list_size 65536: must fail fast",
      [ok(0, literal(LIT_INCREMENTAL, "x-bomb", BOMB_VALUE), [("x-bomb", BOMB_VALUE)],
          header_table_size=4096, max_header_list_size=65536),
       bad(1, indexed(62) * 4096, "header-list-too-large", header_table_size=4096,
           max_header_list_size=65536)])


def main() -> int:
    su.check_hpack_version()
    os.makedirs(OUT, exist_ok=True)
    names = [n for n, _ in STORIES]
    if len(names) != len(set(names)):
        raise AssertionError("duplicate story names")
    report = []
    for name, st in STORIES:
        su.check_story_shape(st, name)
        if "error" not in st["cases"][-1]:
            raise AssertionError(f"{name}: last case is not negative")
        good, detail = su.python_decode_story(st)
        if not good:
            raise AssertionError(f"{name}: {detail}")
        report.append((name, st["cases"][-1]["error"], detail))
    for name, st in STORIES:
        su.write_story(os.path.join(OUT, name + ".json"), st)
    for f in sorted(os.listdir(OUT)):
        if f.endswith(".json") and f[:-5] not in names:
            print(f"warning: stale file negative/{f} (not produced by this script)")
    for name, err, detail in report:
        print(f"negative/{name}.json: {err}  [Python hpack {detail}]")
    print(f"{len(STORIES)} negative stories")
    return 0


if __name__ == "__main__":
    sys.exit(main())
