"""A small, strict HPACK decoder written from RFC 7541 for checking the vectors.

It exists so that the vectors are not checked by Python hpack alone: it
implements the exact rules the vector format promises (see README.md),
including which error code a malformed block must produce, which Python
hpack cannot tell apart.  It is slow and simple on purpose; it is not part
of the engine.

Rules, in the order they are applied while a block is read from its start:
  * integers (5.1): more than 5 continuation octets -> integer-too-long (as
    soon as the 6th continuation octet is seen); input ending inside the
    integer -> truncated; value above 2^32-1 -> integer-overflow.
  * strings (5.2): length above the remaining input -> truncated.  Huffman
    data is decoded code by code; a complete EOS code -> huffman-eos; the
    bits left after the last complete code must be ones (else
    huffman-invalid-padding) and at most 7 (else huffman-padding-too-long).
  * index 0, or an index beyond 61 + dynamic entries -> invalid-index.
  * a size update after a field representation ->
    table-size-update-not-at-start; one above the limit ->
    table-size-update-too-large.
  * when the first field representation is reached (or the block ends), the
    table's maximum must not exceed the limit (header_table_size); otherwise
    missing-table-size-update.
  * after each decoded field, the running sum of len(name) + len(value) + 32
    must not exceed max_header_list_size -> header-list-too-large.
"""

from __future__ import annotations

from collections import deque

MAX_INT = 2 ** 32 - 1
MAX_CONTINUATIONS = 5


class HpackError(Exception):
    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


def _static_table():
    from hpack.table import HeaderTable
    return [(bytes(n), bytes(v)) for n, v in HeaderTable.STATIC_TABLE]


def _huffman_tree():
    """Binary tree {bit: subtree or symbol} built from the Appendix B codes."""
    from hpack.huffman_constants import REQUEST_CODES, REQUEST_CODES_LENGTH
    root: dict = {}
    for sym, (code, length) in enumerate(zip(REQUEST_CODES, REQUEST_CODES_LENGTH)):
        node = root
        for i in range(length - 1, -1, -1):
            bit = (code >> i) & 1
            if i == 0:
                if bit in node:
                    raise AssertionError("Huffman table is not prefix-free")
                node[bit] = sym
            else:
                node = node.setdefault(bit, {})
                if not isinstance(node, dict):
                    raise AssertionError("Huffman table is not prefix-free")
    return root


STATIC = _static_table()
HUFFMAN_ROOT = _huffman_tree()
EOS = 256


def huffman_decode(data: bytes) -> bytes:
    out = bytearray()
    node = HUFFMAN_ROOT
    pending = []  # bits read since the last complete code
    for byte in data:
        for i in range(7, -1, -1):
            bit = (byte >> i) & 1
            pending.append(bit)
            nxt = node[bit] if bit in node else None
            if nxt is None:
                # cannot happen for a complete prefix code
                raise AssertionError("incomplete Huffman tree")
            if isinstance(nxt, dict):
                node = nxt
                continue
            if nxt == EOS:
                raise HpackError("huffman-eos")
            out.append(nxt)
            node = HUFFMAN_ROOT
            pending = []
    if pending:
        if 0 in pending:
            raise HpackError("huffman-invalid-padding", f"{len(pending)} padding bits")
        if len(pending) > 7:
            raise HpackError("huffman-padding-too-long", f"{len(pending)} padding bits")
    return bytes(out)


class Decoder:
    def __init__(self, table_size: int = 4096):
        self.limit = table_size      # SETTINGS_HEADER_TABLE_SIZE we allow
        self.max_size = table_size   # current dynamic table maximum
        self.entries: deque[tuple[bytes, bytes]] = deque()
        self.size = 0
        self.stats: dict[str, int] = {}

    # -- table -------------------------------------------------------------
    def _evict(self) -> None:
        while self.size > self.max_size:
            n, v = self.entries.pop()
            self.size -= len(n) + len(v) + 32

    def _add(self, name: bytes, value: bytes) -> None:
        need = len(name) + len(value) + 32
        if need > self.max_size:
            self.entries.clear()
            self.size = 0
            return
        self.entries.appendleft((name, value))
        self.size += need
        self._evict()

    def _get(self, index: int) -> tuple[bytes, bytes]:
        if index == 0:
            raise HpackError("invalid-index", "index 0")
        if index <= len(STATIC):
            return STATIC[index - 1]
        k = index - len(STATIC) - 1
        if k < len(self.entries):
            return self.entries[k]
        raise HpackError("invalid-index", f"index {index}, {len(self.entries)} dynamic entries")

    # -- primitives ---------------------------------------------------------
    def _int(self, data: bytes, pos: int, prefix: int) -> tuple[int, int]:
        if pos >= len(data):
            raise HpackError("truncated", "integer missing")
        mask = (1 << prefix) - 1
        value = data[pos] & mask
        pos += 1
        if value < mask:
            return value, pos
        shift = 0
        count = 0
        while True:
            if pos >= len(data):
                raise HpackError("truncated", "integer continuation")
            count += 1
            if count > MAX_CONTINUATIONS:
                raise HpackError("integer-too-long")
            b = data[pos]
            pos += 1
            value += (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                break
        if value > MAX_INT:
            raise HpackError("integer-overflow", str(value))
        return value, pos

    def _str(self, data: bytes, pos: int) -> tuple[bytes, int]:
        if pos >= len(data):
            raise HpackError("truncated", "string missing")
        huff = bool(data[pos] & 0x80)
        length, pos = self._int(data, pos, 7)
        if length > len(data) - pos:
            raise HpackError("truncated", f"string of {length} with {len(data) - pos} left")
        raw = data[pos:pos + length]
        pos += length
        self._count("huffman-strings" if huff else "plain-strings")
        return (huffman_decode(raw) if huff else raw), pos

    def _count(self, key: str) -> None:
        self.stats[key] = self.stats.get(key, 0) + 1

    # -- blocks -------------------------------------------------------------
    def set_limit(self, limit: int) -> None:
        self.limit = limit

    def decode(self, data: bytes, max_list_size: int | None = None) -> list[tuple[bytes, bytes]]:
        out: list[tuple[bytes, bytes]] = []
        pos = 0
        at_start = True
        list_size = 0

        def check_update_done():
            if self.max_size > self.limit:
                raise HpackError("missing-table-size-update",
                                 f"table maximum {self.max_size} > limit {self.limit}")

        while pos < len(data):
            b = data[pos]
            if b & 0xE0 == 0x20:
                if not at_start:
                    raise HpackError("table-size-update-not-at-start")
                size, pos = self._int(data, pos, 5)
                if size > self.limit:
                    raise HpackError("table-size-update-too-large", f"{size} > {self.limit}")
                self.max_size = size
                self._evict()
                self._count("size-updates")
                continue
            if at_start:
                check_update_done()
                at_start = False
            if b & 0x80:
                index, pos = self._int(data, pos, 7)
                field = self._get(index)
                self._count("indexed")
            else:
                if b & 0x40:
                    prefix, kind = 6, "incremental"
                elif b & 0x10:
                    prefix, kind = 4, "never-indexed"
                else:
                    prefix, kind = 4, "without-indexing"
                index, pos = self._int(data, pos, prefix)
                if index:
                    name = self._get(index)[0]
                else:
                    name, pos = self._str(data, pos)
                value, pos = self._str(data, pos)
                field = (name, value)
                if kind == "incremental":
                    self._add(name, value)
                self._count(f"literal-{kind}")
            out.append(field)
            list_size += len(field[0]) + len(field[1]) + 32
            if max_list_size is not None and list_size > max_list_size:
                raise HpackError("header-list-too-large", f"{list_size} > {max_list_size}")
        if at_start:
            check_update_done()
        return out


def run_story(story: dict, pairs_of) -> tuple[bool, str | None, dict]:
    """Decode a story; returns (ok, detail, stats).  `pairs_of` turns a case's
    headers into [(bytes, bytes)]."""
    cases = story["cases"]
    dec = Decoder(cases[0].get("header_table_size", 4096))
    for case in cases:
        if "header_table_size" in case:
            dec.set_limit(case["header_table_size"])
        wire = bytes.fromhex(case["wire"])
        try:
            got = dec.decode(wire, case.get("max_header_list_size"))
        except HpackError as e:
            if case.get("error") == e.code:
                return True, None, dec.stats
            return False, f"seqno {case['seqno']}: {e} (expected {case.get('error', 'success')})", dec.stats
        if "error" in case:
            return False, f"seqno {case['seqno']}: decoded, expected {case['error']}", dec.stats
        want = pairs_of(case["headers"])
        if got != want:
            for i, (g, w) in enumerate(zip(got, want)):
                if g != w:
                    return False, f"seqno {case['seqno']}: field {i}: {g!r:.60} != {w!r:.60}", dec.stats
            return False, f"seqno {case['seqno']}: {len(got)} fields, expected {len(want)}", dec.stats
    return True, None, dec.stats
