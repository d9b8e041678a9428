"""Shared helpers for the HPACK vector generators in this folder.

A story is a dict {"description": str, "cases": [case, ...]}.  A case has
"seqno", optionally "header_table_size", optionally "max_header_list_size",
"wire" (lowercase hex), "headers" (list of one-key objects) and, for
negative cases only, "error".

Header names and values are byte strings on the wire.  In JSON each byte is
one code point U+0000..U+00FF (ISO-8859-1 mapping), so plain ASCII stays
plain ASCII and the rare non-ASCII byte shows up as a \\u00XX escape.

Python hpack is used only to check the vectors (and, in
generate_python_hpack.py, to produce them); nothing here copies its code.
"""

from __future__ import annotations

import json
import os

import hpack
from hpack import Decoder
from hpack.exceptions import HPACKDecodingError

EXPECTED_HPACK_VERSION = "4.2.0"
DEFAULT_TABLE_SIZE = 4096

# Python hpack refuses header lists above 64 KiB by default.  Positive vectors
# are checked without a budget (the format has none unless a case says so).
UNLIMITED_LIST_SIZE = 2 ** 62

CASE_KEY_ORDER = ("seqno", "header_table_size", "max_header_list_size",
                  "wire", "headers", "error")


def check_hpack_version() -> None:
    if hpack.__version__ != EXPECTED_HPACK_VERSION:
        raise SystemExit(
            f"hpack {EXPECTED_HPACK_VERSION} is required (found "
            f"{hpack.__version__}): pip install hpack=={EXPECTED_HPACK_VERSION}")


def repo_root() -> str:
    # This file lives in <root>/Vectors/hpack/.
    return os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))


def vectors_dir() -> str:
    return os.path.dirname(os.path.abspath(__file__))


def to_text(b: bytes | str) -> str:
    if isinstance(b, str):
        b.encode("latin-1")  # must be representable as bytes
        return b
    return bytes(b).decode("latin-1")


def to_bytes(s: bytes | str) -> bytes:
    if isinstance(s, (bytes, bytearray)):
        return bytes(s)
    return s.encode("latin-1")


def headers_json(pairs) -> list[dict[str, str]]:
    """[(name, value), ...] -> [{"name": "value"}, ...]"""
    return [{to_text(n): to_text(v)} for n, v in pairs]


def headers_pairs(objs) -> list[tuple[bytes, bytes]]:
    """[{"name": "value"}, ...] -> [(b"name", b"value"), ...]"""
    out = []
    for obj in objs:
        if not isinstance(obj, dict) or len(obj) != 1:
            raise ValueError(f"header element must have exactly one key: {obj!r}")
        (n, v), = obj.items()
        out.append((to_bytes(n), to_bytes(v)))
    return out


def make_case(seqno: int, wire: bytes, headers=None, *, header_table_size=None,
              max_header_list_size=None, error=None) -> dict:
    case: dict = {"seqno": seqno}
    if header_table_size is not None:
        case["header_table_size"] = header_table_size
    if max_header_list_size is not None:
        case["max_header_list_size"] = max_header_list_size
    case["wire"] = bytes(wire).hex()
    if error is None:
        case["headers"] = headers_json(headers or [])
    else:
        case["error"] = error
    return case


def _dump_value(v) -> str:
    return json.dumps(v, ensure_ascii=True)


def dumps_story(story: dict) -> str:
    """Stable, diff-friendly JSON: one case key per line, one header per line."""
    lines = ["{", f'  "description": {_dump_value(story["description"])},', '  "cases": [']
    cases = story["cases"]
    for ci, case in enumerate(cases):
        keys = [k for k in CASE_KEY_ORDER if k in case]
        extra = [k for k in case if k not in CASE_KEY_ORDER]
        if extra:
            raise ValueError(f"unexpected case keys {extra}")
        lines.append("    {")
        for ki, k in enumerate(keys):
            comma = "," if ki < len(keys) - 1 else ""
            if k == "headers":
                hs = case["headers"]
                if not hs:
                    lines.append(f'      "headers": []{comma}')
                    continue
                lines.append('      "headers": [')
                for hi, h in enumerate(hs):
                    hcomma = "," if hi < len(hs) - 1 else ""
                    (n, v), = h.items()
                    lines.append(f"        {{{_dump_value(n)}: {_dump_value(v)}}}{hcomma}")
                lines.append(f"      ]{comma}")
            else:
                lines.append(f"      {_dump_value(k)}: {_dump_value(case[k])}{comma}")
        lines.append("    }" + ("," if ci < len(cases) - 1 else ""))
    lines.append("  ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def write_story(path: str, story: dict) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    text = dumps_story(story)
    # The custom writer must round-trip through a real JSON parser.
    if json.loads(text) != story:
        raise AssertionError(f"JSON round trip failed for {path}")
    with open(path, "w", encoding="ascii", newline="\n") as f:
        f.write(text)


def check_story_shape(story: dict, where: str) -> None:
    if set(story) != {"description", "cases"}:
        raise AssertionError(f"{where}: top-level keys {sorted(story)}")
    if not isinstance(story["description"], str) or not story["description"]:
        raise AssertionError(f"{where}: empty description")
    cases = story["cases"]
    if not cases:
        raise AssertionError(f"{where}: no cases")
    for i, case in enumerate(cases):
        if case.get("seqno") != i:
            raise AssertionError(f"{where}: case {i} has seqno {case.get('seqno')}")
        wire = case["wire"]
        if wire != wire.lower() or len(wire) % 2:
            raise AssertionError(f"{where}: case {i}: wire is not lowercase hex")
        bytes.fromhex(wire)
        if "error" in case:
            if case.get("headers") not in (None, []):
                raise AssertionError(f"{where}: negative case {i} has headers")
            if i != len(cases) - 1:
                raise AssertionError(f"{where}: negative case {i} is not the last case")
        else:
            headers_pairs(case["headers"])


def python_decode_story(story: dict):
    """Decode a story with a fresh Python hpack Decoder.

    Returns (ok, detail).  Positive cases must decode to exactly their
    headers; a negative case (always last) must raise an HPACK error.
    detail is None when everything matched, otherwise a message; for a
    negative case that was rejected, detail names the Python exception.

    Table size rule of the format: before case 0 the decoder's dynamic table
    maximum and its limit both equal case 0's header_table_size (default
    4096); from then on header_table_size only moves the limit, and the
    encoder has to follow with a size update when the limit drops below the
    table's current maximum.
    """
    cases = story["cases"]
    first = cases[0].get("header_table_size", DEFAULT_TABLE_SIZE)
    dec = Decoder(max_header_list_size=UNLIMITED_LIST_SIZE)
    dec.header_table_size = first
    dec.max_allowed_table_size = first
    for case in cases:
        if "header_table_size" in case:
            dec.max_allowed_table_size = case["header_table_size"]
        dec.max_header_list_size = case.get("max_header_list_size", UNLIMITED_LIST_SIZE)
        wire = bytes.fromhex(case["wire"])
        if "error" in case:
            try:
                got = dec.decode(wire, raw=True)
            except Exception as e:  # noqa: BLE001 - any rejection counts
                return True, f"rejected: {type(e).__name__}: {e}"[:160]
            return False, f"seqno {case['seqno']}: Python hpack ACCEPTED (decoded {len(got)} fields)"
        want = headers_pairs(case["headers"])
        try:
            got = [(bytes(n), bytes(v)) for n, v in dec.decode(wire, raw=True)]
        except HPACKDecodingError as e:
            return False, f"seqno {case['seqno']}: Python hpack rejected: {type(e).__name__}: {e}"[:300]
        if got != want:
            for i, (g, w) in enumerate(zip(got, want)):
                if g != w:
                    return False, f"seqno {case['seqno']}: field {i}: got {g!r:.80} want {w!r:.80}"
            return False, f"seqno {case['seqno']}: got {len(got)} fields, want {len(want)}"
    return True, None


# ---------------------------------------------------------------------------
# Hand-built wire (RFC 7541 section 5 and 6).  Used by generate_negative.py and
# generate_edge.py; written from the RFC, not taken from any implementation.
# ---------------------------------------------------------------------------

def hpack_int(value: int, prefix_bits: int, first_byte_flags: int = 0) -> bytes:
    """Minimal encoding of `value` with an N-bit prefix (RFC 7541 5.1)."""
    limit = (1 << prefix_bits) - 1
    if value < limit:
        return bytes([first_byte_flags | value])
    out = [first_byte_flags | limit]
    value -= limit
    while value >= 0x80:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    out.append(value)
    return bytes(out)


def huffman_codes():
    """(codes, lengths) of RFC 7541 Appendix B, 257 symbols incl. EOS (256).

    Taken from the installed hpack package's table data so that vectors and
    checker agree on one table; the table itself is the RFC's."""
    from hpack.huffman_constants import REQUEST_CODES, REQUEST_CODES_LENGTH
    if len(REQUEST_CODES) != 257 or REQUEST_CODES[256] != 0x3FFFFFFF \
            or REQUEST_CODES_LENGTH[256] != 30:
        raise AssertionError("unexpected Huffman table in hpack")
    return REQUEST_CODES, REQUEST_CODES_LENGTH


class BitWriter:
    """Accumulates Huffman codes / raw bits, MSB first."""

    def __init__(self) -> None:
        self.value = 0
        self.nbits = 0

    def bits(self, value: int, n: int) -> "BitWriter":
        self.value = (self.value << n) | (value & ((1 << n) - 1))
        self.nbits += n
        return self

    def symbols(self, data: bytes) -> "BitWriter":
        codes, lengths = huffman_codes()
        for b in data:
            self.bits(codes[b], lengths[b])
        return self

    def eos(self) -> "BitWriter":
        codes, lengths = huffman_codes()
        return self.bits(codes[256], lengths[256])

    def padded(self, pad_bit: int = 1) -> bytes:
        """Pad to a byte boundary with `pad_bit` and return the bytes."""
        n = (-self.nbits) % 8
        v, nb = self.value, self.nbits
        v = (v << n) | (((1 << n) - 1) if pad_bit else 0)
        nb += n
        return v.to_bytes(nb // 8, "big")

    def raw(self) -> bytes:
        if self.nbits % 8:
            raise ValueError("not on a byte boundary")
        return self.value.to_bytes(self.nbits // 8, "big")


def huffman(data: bytes | str) -> bytes:
    """Huffman-code a string with the hpack package's encoder (RFC 7541 5.2)."""
    from hpack.huffman import HuffmanEncoder
    codes, lengths = huffman_codes()
    return HuffmanEncoder(codes, lengths).encode(to_bytes(data))


def huffman_bits(data: bytes | str) -> int:
    _, lengths = huffman_codes()
    return sum(lengths[b] for b in to_bytes(data))


def str_lit(data: bytes | str, huff: bool = False) -> bytes:
    """String literal (RFC 7541 5.2): H bit, 7-bit prefix length, octets."""
    raw = huffman(data) if huff else to_bytes(data)
    return hpack_int(len(raw), 7, 0x80 if huff else 0) + raw


def raw_str(octets: bytes, huff: bool) -> bytes:
    """String literal with the given octets as-is (for malformed Huffman data)."""
    return hpack_int(len(octets), 7, 0x80 if huff else 0) + octets


def indexed(index: int) -> bytes:
    """Indexed header field (6.1)."""
    return hpack_int(index, 7, 0x80)


# Literal kinds: (first-byte pattern, prefix bits) per RFC 7541 6.2.1-6.2.3.
LIT_INCREMENTAL = (0x40, 6)
LIT_WITHOUT_INDEXING = (0x00, 4)
LIT_NEVER_INDEXED = (0x10, 4)


def literal(kind, name, value, *, name_huff=False, value_huff=False) -> bytes:
    """Literal header field; `name` is an int (indexed name) or a string."""
    flags, prefix = kind
    if isinstance(name, int):
        if name == 0:
            raise ValueError("index 0 means a literal name")
        head = hpack_int(name, prefix, flags)
    else:
        head = bytes([flags]) + str_lit(name, name_huff)
    return head + str_lit(value, value_huff)


def size_update(size: int) -> bytes:
    """Dynamic table size update (6.3)."""
    return hpack_int(size, 5, 0x20)


# The static table names (RFC 7541 Appendix A), by index.
def static_table():
    from hpack.table import HeaderTable
    t = HeaderTable.STATIC_TABLE
    if len(t) != 61:
        raise AssertionError("static table must have 61 entries")
    return [(n.decode(), v.decode()) for n, v in t]
